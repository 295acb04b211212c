/**
 * Which OS notifications to show, from two consecutive `StatusSnapshot`s (pure: no electron
 * import): a plugin became quarantined (crash loop), or one of its instances' circuit breakers
 * opened. Muted globally (`ui.notifications` false) or per plugin (`ui.mutedPlugins`), and at most
 * one per plugin and kind within a cooldown, so a flapping breaker does not flood the desktop.
 */
import type { PluginSummary, StatusSnapshot } from '../../shared/domain';

export type PluginNoticeKind = 'quarantined' | 'breaker-open';

export interface PluginNotice {
  kind: PluginNoticeKind;
  plugin: string;
  title: string;
  body: string;
}

/** The settings that decide what is shown (`ui.notifications`, `ui.mutedPlugins`). */
export interface NotificationSettings {
  notifications: boolean;
  mutedPlugins: readonly string[];
}

/**
 * What changed for the worse between `previous` and `next`. Nothing against no previous snapshot
 * (the first one is the baseline: a plugin still quarantined from the last run is on the tray menu,
 * not a fresh event) and nothing while the conductor is stopping.
 */
export function pluginNotices(previous: StatusSnapshot | null, next: StatusSnapshot): PluginNotice[] {
  if (!previous || next.state === 'stopping') return [];
  const before = new Map(previous.plugins.map((p) => [p.name, p]));
  const notices: PluginNotice[] = [];
  for (const plugin of next.plugins) {
    const old = before.get(plugin.name);
    if (plugin.state === 'quarantined') {
      if (old?.state !== 'quarantined') notices.push(quarantineNotice(plugin));
      continue; // a quarantined plugin's breakers are not news
    }
    if (breakerOpened(old, plugin)) notices.push(breakerNotice(plugin));
  }
  return notices;
}

/**
 * True when one of the plugin's instances had a breaker that was not open and now is, or when
 * more breakers are open than before (a replacement instance inherits its slot's breaker, so a new
 * instance id with an open breaker alone is not an opening).
 */
function breakerOpened(old: PluginSummary | undefined, plugin: PluginSummary): boolean {
  const openNow = plugin.instances.filter((i) => i.breaker === 'open');
  if (openNow.length === 0) return false;
  const openBefore = old ? old.instances.filter((i) => i.breaker === 'open').length : 0;
  if (openNow.length > openBefore) return true;
  const oldById = new Map((old?.instances ?? []).map((i) => [i.id, i]));
  return openNow.some((i) => {
    const was = oldById.get(i.id);
    return was !== undefined && was.breaker !== 'open';
  });
}

function quarantineNotice(plugin: PluginSummary): PluginNotice {
  const why = plugin.quarantine?.reason ?? plugin.reason ?? 'it kept crashing';
  return {
    kind: 'quarantined',
    plugin: plugin.name,
    title: `${plugin.name} was quarantined`,
    body: `${why}. It stays stopped until you retry it from its page.`,
  };
}

function breakerNotice(plugin: PluginSummary): PluginNotice {
  const open = plugin.instances.filter((i) => i.breaker === 'open').length;
  const total = plugin.instances.length;
  const body =
    open >= total
      ? `Every instance's circuit breaker is open: requests to ${plugin.name} fail with E_CIRCUIT_OPEN until one closes.`
      : `${open} of ${total} instances' circuit breakers are open; requests go to the others.`;
  return { kind: 'breaker-open', plugin: plugin.name, title: `${plugin.name}: circuit breaker opened`, body };
}

/** `pluginNotices` less what the settings mute. */
export function noticesToShow(previous: StatusSnapshot | null, next: StatusSnapshot, settings: NotificationSettings): PluginNotice[] {
  if (!settings.notifications) return [];
  const muted = new Set(settings.mutedPlugins);
  return pluginNotices(previous, next).filter((n) => !muted.has(n.plugin));
}

export interface StatusNotifierOptions {
  /** At most one notice per plugin and kind within this many ms. Default 60 000. */
  cooldownMs: number;
}

export const DEFAULT_STATUS_NOTIFIER_OPTIONS: StatusNotifierOptions = { cooldownMs: 60_000 };

/**
 * Feeds on every `status:changed` and answers the notices to show now: it keeps the previous
 * snapshot and when each (plugin, kind) was last shown.
 */
export class StatusNotifier {
  private previous: StatusSnapshot | null = null;
  private readonly lastShown = new Map<string, number>();
  private readonly options: StatusNotifierOptions;

  constructor(
    private readonly now: () => number,
    options: Partial<StatusNotifierOptions> = {},
  ) {
    this.options = { ...DEFAULT_STATUS_NOTIFIER_OPTIONS, ...options };
    if (!Number.isInteger(this.options.cooldownMs) || this.options.cooldownMs < 0) {
      throw new RangeError(`StatusNotifierOptions.cooldownMs must be a non-negative integer, got ${String(this.options.cooldownMs)}`);
    }
  }

  update(next: StatusSnapshot, settings: NotificationSettings): PluginNotice[] {
    const notices = noticesToShow(this.previous, next, settings);
    this.previous = next;
    const at = this.now();
    return notices.filter((notice) => {
      const key = `${notice.kind}\u0000${notice.plugin}`;
      const last = this.lastShown.get(key);
      if (last !== undefined && at - last < this.options.cooldownMs) return false;
      this.lastShown.set(key, at);
      return true;
    });
  }
}
