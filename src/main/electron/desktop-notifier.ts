/**
 * OS notifications: a plugin quarantined or a breaker opened (`plugin-notifications.ts` decides,
 * with muting and a cooldown), and the shell's own one-off notices. Clicking a plugin's notification
 * opens its detail page.
 */
import { Notification } from 'electron';
import type { StatusSnapshot } from '../../shared/domain';
import type { Logger } from '../logging/logger';
import { StatusNotifier, type NotificationSettings, type PluginNotice } from './plugin-notifications';

export interface DesktopNotifierOptions {
  /** Read at each status: `ui.notifications` and `ui.mutedPlugins` as they are now. */
  settings: () => NotificationSettings;
  onOpenPlugin: (plugin: string) => void;
  logger: Logger;
  now?: () => number;
}

export class DesktopNotifier {
  private readonly policy: StatusNotifier;
  /** Shown notifications are kept until closed: one collected early loses its click handler. */
  private readonly live = new Set<Notification>();

  constructor(private readonly options: DesktopNotifierOptions) {
    this.policy = new StatusNotifier(options.now ?? Date.now);
  }

  /** Takes a snapshot as the baseline without notifying (the state at startup is not news). */
  prime(snapshot: StatusSnapshot): void {
    this.policy.update(snapshot, { notifications: false, mutedPlugins: [] });
  }

  /** Feeds one `status:changed`; shows what changed for the worse. */
  onStatus(snapshot: StatusSnapshot): void {
    for (const notice of this.policy.update(snapshot, this.options.settings())) this.showPluginNotice(notice);
  }

  private showPluginNotice(notice: PluginNotice): void {
    this.options.logger.info(`notification: ${notice.title}`);
    showNotification(notice.title, notice.body, this.live, () => this.options.onOpenPlugin(notice.plugin));
  }
}

/**
 * Shows one OS notification; false when the OS has none (no notification server on Linux).
 * `keep` holds it until it closes; `onClick` runs when the person clicks it.
 */
export function showNotification(title: string, body: string, keep?: Set<Notification>, onClick?: () => void): boolean {
  if (!Notification.isSupported()) return false;
  const notification = new Notification({ title, body, silent: false });
  if (onClick) notification.on('click', onClick);
  if (keep) {
    keep.add(notification);
    notification.on('close', () => keep.delete(notification));
  }
  notification.show();
  return true;
}
