/**
 * The config file's schema. Every key, its default and its meaning is declared here, once; the
 * README's config reference mirrors this file. Strict objects: an unknown key is an error.
 */
import { z } from 'zod';
import { LOG_LEVELS } from '../../shared/domain';

const positiveInt = (what = 'a positive integer') => z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }).positive({ error: `expected ${what}` });

export const configSchema = z.strictObject({
  /** Console, file and log-bus level. Default `info`. */
  logLevel: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /**
   * Where the database, logs, runtime.json and installed plugins live. Default: the folder Electron's
   * `app.getPath('userData')` gives for the product name Conductor (Linux: `~/.config/Conductor`).
   */
  dataDir: z.string({ error: 'expected a folder path' }).min(1, { error: 'expected a folder path' }).optional(),
  server: z
    .strictObject({
      /** Headless HTTP port on 127.0.0.1; 0 picks a free port. Default 0. */
      port: z.number({ error: 'expected a port number 0-65535' }).int({ error: 'expected a port number 0-65535' }).min(0, { error: 'expected a port number 0-65535' }).max(65535, { error: 'expected a port number 0-65535' }).default(0),
      /** Largest accepted request body, bytes. Default 1 MiB. */
      maxBodyBytes: positiveInt().default(1024 * 1024),
    })
    .prefault({}),
  health: z
    .strictObject({
      /** The conductor-wide health tick that drives probes, sampling and the scaler. Default 1000 ms. */
      intervalMs: positiveInt().default(1000),
    })
    .prefault({}),
  startup: z
    .strictObject({
      /** Deadline for each startup step. Default 30 000 ms. */
      stepTimeoutMs: positiveInt().default(30_000),
    })
    .prefault({}),
  shutdown: z
    .strictObject({
      /** Deadline for each shutdown step; a step past it is forced and reported. Default 10 000 ms. */
      stepTimeoutMs: positiveInt().default(10_000),
    })
    .prefault({}),
  plugins: z
    .strictObject({
      /** Extra folders to scan for plugins, besides the bundled `plugins/` and `<dataDir>/plugins`. */
      dirs: z.array(z.string({ error: 'expected a folder path' }).min(1, { error: 'expected a folder path' })).default([]),
      /** When true, one invalid plugin stops startup; otherwise it shows as `invalid`. Default false. */
      strict: z.boolean({ error: 'expected true or false' }).default(false),
      /** Whether to scan the plugins bundled with the app. Default true. */
      bundled: z.boolean({ error: 'expected true or false' }).default(true),
    })
    .prefault({}),
  logs: z
    .strictObject({
      /** Entries kept in memory for the live tail. Default 5000. */
      bufferSize: positiveInt().default(5000),
      /** The log file rotates past this size, bytes. Default 5 MiB. */
      maxFileBytes: positiveInt().default(5 * 1024 * 1024),
      /** Log entries kept in the database for the Logs page (oldest pruned first). Default 200 000. */
      retainEntries: positiveInt().default(200_000),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Days of per-minute rollups (requests, probes, resources) and events kept in the database. Default 7. */
      retentionDays: positiveInt().default(7),
    })
    .prefault({}),
  ui: z
    .strictObject({
      /** Electron: closing the window hides it to the tray. Default true. */
      closeToTray: z.boolean({ error: 'expected true or false' }).default(true),
      /** Electron: start in the tray. Default false. */
      startHidden: z.boolean({ error: 'expected true or false' }).default(false),
      /** Electron: launch at login. Default false. */
      launchAtLogin: z.boolean({ error: 'expected true or false' }).default(false),
      /** Electron: an OS notification when a plugin is quarantined or a breaker opens. Default true. */
      notifications: z.boolean({ error: 'expected true or false' }).default(true),
      /** Electron: plugins whose notifications are muted. Default none. */
      mutedPlugins: z.array(z.string({ error: 'expected a plugin name' }).min(1).max(64)).max(1000).default([]),
    })
    .prefault({}),
});

export type ConductorConfig = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
