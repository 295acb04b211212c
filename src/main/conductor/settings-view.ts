import { SETTING_KEYS, type RuntimeInfo, type SettingKey, type SettingsView } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import { formatIssues } from '../../shared/validation';
import { hasPath, type ResolvedConfig } from './config';
import { configSchema } from './config-schema';

/** What the Settings page says about each setting. */
const SETTING_INFO: Record<SettingKey, { title: string; description: string; electronOnly: boolean }> = {
  logLevel: { title: 'Log level', description: 'The least severe level written to the console, the log files and the Logs page.', electronOnly: false },
  'ui.closeToTray': { title: 'Close to tray', description: 'Closing the window keeps Conductor running in the system tray.', electronOnly: true },
  'ui.startHidden': { title: 'Start hidden', description: 'Start in the tray without opening the window.', electronOnly: true },
  'ui.launchAtLogin': { title: 'Launch at login', description: 'Start Conductor when you log in.', electronOnly: true },
  'ui.notifications': { title: 'Notifications', description: 'Notify when a plugin is quarantined or a circuit breaker opens.', electronOnly: true },
  'ui.mutedPlugins': { title: 'Muted plugins', description: 'Plugins whose notifications are not shown.', electronOnly: true },
};

function valueAt(tree: unknown, dotted: string): unknown {
  let node = tree;
  for (const part of dotted.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

/** The Settings page's view: each setting's effective value, where it comes from, and whether it may change. */
export function settingsView(resolved: ResolvedConfig, runtime: RuntimeInfo): SettingsView {
  return {
    settings: SETTING_KEYS.map((key) => {
      const source = resolved.sources[key] ?? 'default';
      const value = valueAt(resolved.config, key);
      return {
        key,
        ...SETTING_INFO[key],
        value: Array.isArray(value) ? [...(value as unknown[])] : value,
        source,
        editable: source !== 'flag' && source !== 'file',
      };
    }),
    runtime,
  };
}

/**
 * Checks one setting a person wants to save: the key is not pinned by a flag or the config file
 * (E_CONFLICT naming the layer), and the value passes the config schema (E_BAD_REQUEST naming it).
 */
export function checkSetting(key: SettingKey, value: unknown, layers: { flags: Record<string, unknown>; file: Record<string, unknown> }): void {
  if (hasPath(layers.flags, key)) throw new ConductorError('E_CONFLICT', `${key} is set by a command-line flag; change the flag to change it`, { field: key });
  if (hasPath(layers.file, key)) throw new ConductorError('E_CONFLICT', `${key} is set in the config file; edit the file to change it`, { field: key });
  const tree: Record<string, unknown> = {};
  const parts = key.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) node = node[part] = {} as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
  const parsed = configSchema.safeParse(tree, { reportInput: true });
  if (!parsed.success) throw new ConductorError('E_BAD_REQUEST', formatIssues(parsed.error), { field: key });
}
