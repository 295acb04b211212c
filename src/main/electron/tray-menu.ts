/**
 * What the tray shows, built from a `StatusSnapshot` as plain data (pure: no electron import):
 * the menu (a status line, Open, each plugin that needs attention, Quit) and the tooltip (the
 * state and the scaler's latest decision). `tray.ts` turns the model into Electron's menu and
 * maps each item's action to the shell.
 */
import type { OverallState, PluginSummary, StatusSnapshot } from '../../shared/domain';

/** What a menu item does, as data; the shell maps each to Electron. */
export type TrayAction = { type: 'open' } | { type: 'open-plugin'; plugin: string } | { type: 'quit' };

export type TrayMenuItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; label: string; enabled: boolean; action: TrayAction };

export interface TrayMenuOptions {
  /** The shutdown is under way: the status line says so and Quit is disabled. */
  quitting: boolean;
  /** Plugins listed at most; the rest are summed up in one line. Default 8. */
  maxPlugins?: number;
}

export const OVERALL_STATE_LABELS: Readonly<Record<OverallState, string>> = {
  starting: 'Starting',
  ready: 'Ready',
  degraded: 'Degraded',
  down: 'Down',
  stopping: 'Stopping',
};

export interface PluginProblem {
  plugin: string;
  /** In words, e.g. `quarantined (crash loop)`, `1 of 2 breakers open`. */
  problem: string;
}

/**
 * The plugins that need attention, in the snapshot's order: quarantined, invalid, degraded,
 * enabled but stopped (a failed start, a missing dependency or env), or with a breaker not closed.
 * None while the conductor is stopping (every plugin is going down then).
 */
export function pluginsNeedingAttention(snapshot: StatusSnapshot): PluginProblem[] {
  if (snapshot.state === 'stopping') return [];
  const out: PluginProblem[] = [];
  for (const plugin of snapshot.plugins) {
    const problem = problemOf(plugin);
    if (problem) out.push({ plugin: plugin.name, problem });
  }
  return out;
}

function problemOf(plugin: PluginSummary): string | null {
  switch (plugin.state) {
    case 'quarantined':
      return 'quarantined (crash loop)';
    case 'invalid':
      return 'invalid';
    case 'stopped':
      if (plugin.enabled) return 'not running';
      break;
    default:
      break;
  }
  const open = plugin.instances.filter((i) => i.breaker === 'open').length;
  const halfOpen = plugin.instances.filter((i) => i.breaker === 'halfOpen').length;
  const total = plugin.instances.length;
  if (open > 0) return `${open} of ${total} ${total === 1 ? 'breaker' : 'breakers'} open`;
  if (halfOpen > 0) return `${halfOpen} of ${total} ${total === 1 ? 'breaker' : 'breakers'} half-open`;
  if (plugin.state === 'degraded') return 'degraded';
  return null;
}

/** The status line: `Conductor: Ready · 4 plugins`, or what needs attention. */
export function trayStatusLine(snapshot: StatusSnapshot | null, quitting: boolean): string {
  if (quitting || snapshot?.state === 'stopping') return 'Conductor: Stopping…';
  if (!snapshot) return 'Conductor: Starting…';
  const state = OVERALL_STATE_LABELS[snapshot.state];
  if (snapshot.state === 'starting') return `Conductor: ${state}…`;
  const problems = pluginsNeedingAttention(snapshot).length;
  const count = snapshot.plugins.length;
  const plugins = `${count} ${count === 1 ? 'plugin' : 'plugins'}`;
  return problems > 0 ? `Conductor: ${state} · ${problems} of ${plugins} need${problems === 1 ? 's' : ''} attention` : `Conductor: ${state} · ${plugins}`;
}

export function trayMenuModel(snapshot: StatusSnapshot | null, options: TrayMenuOptions): TrayMenuItem[] {
  const maxPlugins = options.maxPlugins ?? 8;
  const items: TrayMenuItem[] = [
    { kind: 'label', label: trayStatusLine(snapshot, options.quitting) },
    { kind: 'separator' },
    { kind: 'action', label: 'Open Conductor', enabled: true, action: { type: 'open' } },
  ];
  const problems = snapshot && !options.quitting ? pluginsNeedingAttention(snapshot) : [];
  if (problems.length > 0) {
    items.push({ kind: 'separator' });
    for (const { plugin, problem } of problems.slice(0, maxPlugins)) {
      items.push({ kind: 'action', label: `${plugin}: ${problem}`, enabled: true, action: { type: 'open-plugin', plugin } });
    }
    const more = problems.length - maxPlugins;
    if (more > 0) items.push({ kind: 'label', label: `and ${more} more…` });
  }
  items.push({ kind: 'separator' });
  items.push(
    options.quitting
      ? { kind: 'action', label: 'Quitting…', enabled: false, action: { type: 'quit' } }
      : { kind: 'action', label: 'Quit Conductor', enabled: true, action: { type: 'quit' } },
  );
  return items;
}

/** The most recent scaling decision across plugins (by its time), with its plugin. */
export function latestScaling(snapshot: StatusSnapshot): { plugin: string; reason: string; at: number; previous: number; desired: number; blocked: boolean } | null {
  let best: ReturnType<typeof latestScaling> = null;
  for (const plugin of snapshot.plugins) {
    const s = plugin.lastScaling;
    if (s && (!best || s.at > best.at)) best = { plugin: plugin.name, ...s };
  }
  return best;
}

/** Tray tooltips are short on every OS (Windows cuts at 127 characters). */
export const TRAY_TOOLTIP_MAX = 127;

/**
 * `Conductor: Ready · 4 plugins` and, on a second line, the scaler's latest decision:
 * `Scaling echo 1 → 2: <reason>` (or `blocked at 2: <reason>`).
 */
export function trayTooltip(snapshot: StatusSnapshot | null, quitting: boolean): string {
  let text = trayStatusLine(snapshot, quitting);
  const scaling = snapshot && !quitting ? latestScaling(snapshot) : null;
  if (scaling) {
    const change = scaling.blocked ? `blocked at ${scaling.previous}` : `${scaling.previous} → ${scaling.desired}`;
    text += `\nScaling ${scaling.plugin} ${change}: ${scaling.reason}`;
  }
  return text.length > TRAY_TOOLTIP_MAX ? `${text.slice(0, TRAY_TOOLTIP_MAX - 1)}…` : text;
}

/** The renderer's route for a plugin's detail page (routes live in the hash). */
export function pluginDetailHash(plugin: string): string {
  return `#/plugin/${encodeURIComponent(plugin)}`;
}
