/**
 * The one contract: every command (`domain:verb` → args schema, result type) and every event
 * (`domain:changed` → payload). Main binds handlers from it once; the Electron IPC binding, the
 * WebSocket binding and the HTTP binding call the same dispatcher; the preload and the browser
 * client derive their API from it. No channel string is written anywhere else.
 */
import { z } from 'zod';
import { LOG_LEVELS, SETTING_KEYS, type LogEntry, type MetricsHistory, type SettingsView, type PluginDetail, type PluginSummary, type StatusSnapshot, type StoredEvent } from './domain';
import type { EventName } from './channels';
import type { Result } from './result';

const limit = (max: number, def: number) => z.number().int().min(1).max(max).default(def);
const pluginName = z.string().min(1).max(64).regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { message: 'expected a plugin name (kebab-case)' });

/** Argument schemas, one per command. Strict objects: an unknown key is a bad request. */
export const commandArgs = {
  'system:status': z.strictObject({}),
  'system:shutdown': z.strictObject({
    reason: z.string().max(200).optional(),
  }),
  /** Desktop app: a native folder picker (e.g. to install a plugin); E_CONFLICT in a browser. */
  'system:pickFolder': z.strictObject({ title: z.string().max(200).optional() }),
  'logs:query': z.strictObject({
    /** The least severe level to include (`info` includes warn and error). */
    level: z.enum(LOG_LEVELS).optional(),
    source: z.string().max(200).optional(),
    plugin: z.string().max(200).optional(),
    /** Case-insensitive substring of the message. */
    text: z.string().max(500).optional(),
    /** Only entries with a sequence number above this one (following a tail). */
    afterSeq: z.number().int().min(0).optional(),
    /** Only entries with a sequence number below this one (paging back into the store). */
    beforeSeq: z.number().int().min(1).optional(),
    limit: limit(5000, 500),
  }),
  'events:query': z.strictObject({
    kind: z.string().max(200).optional(),
    /** e.g. `plugin:echo` or `conductor`. */
    source: z.string().max(200).optional(),
    /** Entries with an id below this one (paging backwards). */
    beforeId: z.number().int().min(1).optional(),
    sinceTs: z.number().int().min(0).optional(),
    limit: limit(1000, 200),
  }),
  'plugins:list': z.strictObject({}),
  'plugins:get': z.strictObject({ name: pluginName }),
  'plugins:enable': z.strictObject({ name: pluginName }),
  'plugins:disable': z.strictObject({ name: pluginName }),
  /** Rolling: a new instance is ready before an old one drains, so ≥ 2 instances keep serving. */
  'plugins:restart': z.strictObject({ name: pluginName }),
  /** A quarantined plugin (crash loop) starts again, with a fresh backoff and crash count. */
  'plugins:retry': z.strictObject({ name: pluginName }),
  'plugins:setBounds': z
    .strictObject({
      name: pluginName,
      min: z.number().int().min(0).max(64),
      max: z.number().int().min(1).max(64),
    })
    .refine((v) => v.min <= v.max, { message: 'min must be ≤ max', path: ['min'] }),
  /** Saves config overrides (validated against the manifest's schema; null resets a key); running instances restart, rolling. */
  'plugins:setConfig': z.strictObject({ name: pluginName, config: z.record(z.string().max(128), z.unknown()) }),
  /** Sets (string) or clears (null) declared env variables and secrets; running instances restart, rolling. */
  'plugins:setEnv': z.strictObject({
    name: pluginName,
    values: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'expected an ENV_NAME' }).max(128), z.string().max(65_536).nullable()),
  }),
  /** Validates the folder, then copies it into the data dir's plugins folder (upgrades in place). */
  'plugins:install': z.strictObject({ path: z.string().min(1).max(4096) }),
  'plugins:uninstall': z.strictObject({ name: pluginName, removeState: z.boolean().default(false) }),
  /** The live charts' recent samples (system, requests, and one plugin when named). */
  'metrics:history': z.strictObject({ plugin: pluginName.optional() }),
  /** Every UI-changeable setting with its effective value and where it comes from, plus runtime info. */
  'settings:get': z.strictObject({}),
  /** Saves one setting (below flags and the config file in precedence); E_CONFLICT when pinned. */
  'settings:set': z.strictObject({ key: z.enum(SETTING_KEYS), value: z.unknown() }),
  /**
   * Sends one request and streams the answer: each chunk arrives as a `requests:chunk` event with
   * this `streamId` (chosen by the caller); the result comes when the stream ends. A plugin that
   * answers with one value sends one chunk.
   */
  'requests:stream': z
    .strictObject({
      capability: z.string().min(1).max(200).optional(),
      plugin: pluginName.optional(),
      payload: z.unknown(),
      timeoutMs: z.number().int().min(1).max(600_000).optional(),
      streamId: z.string().min(1).max(100),
    })
    .refine((v) => (v.capability === undefined) !== (v.plugin === undefined), {
      message: 'give exactly one of capability or plugin',
      path: ['capability'],
    }),
  /** Stops a stream started with `requests:stream` (the plugin sees its abort signal). */
  'requests:cancel': z.strictObject({ streamId: z.string().min(1).max(100) }),
  /** Sends one request through the router, like `POST /api/v1/requests`. */
  'requests:send': z
    .strictObject({
      capability: z.string().min(1).max(200).optional(),
      plugin: pluginName.optional(),
      payload: z.unknown(),
      timeoutMs: z.number().int().min(1).max(600_000).optional(),
      idempotent: z.boolean().default(false),
    })
    .refine((v) => (v.capability === undefined) !== (v.plugin === undefined), {
      message: 'give exactly one of capability or plugin',
      path: ['capability'],
    }),
} as const;

export type CommandName = keyof typeof commandArgs;
export const COMMAND_NAMES = Object.keys(commandArgs) as CommandName[];

/** What a caller passes (defaults may be omitted). */
export type CommandArgs<C extends CommandName> = z.input<(typeof commandArgs)[C]>;
/** What a handler receives (defaults filled in). */
export type ParsedArgs<C extends CommandName> = z.output<(typeof commandArgs)[C]>;

export interface CommandResults {
  'system:status': StatusSnapshot;
  'system:shutdown': { accepted: true };
  'system:pickFolder': { path: string | null };
  'logs:query': { entries: LogEntry[]; lastSeq: number };
  'events:query': { events: StoredEvent[] };
  'plugins:list': { plugins: PluginSummary[] };
  'plugins:get': PluginDetail;
  'plugins:enable': PluginSummary;
  'plugins:disable': PluginSummary;
  'plugins:restart': PluginSummary;
  'plugins:retry': PluginSummary;
  'plugins:setBounds': PluginSummary;
  'plugins:setConfig': PluginDetail;
  'plugins:setEnv': PluginDetail;
  'plugins:install': { name: string; version: string; upgradedFrom?: string; plugin: PluginSummary };
  'plugins:uninstall': { name: string; removedState: boolean };
  'requests:send': { value: unknown; latencyMs: number };
  'requests:stream': { chunks: number; latencyMs: number; firstChunkMs: number | null };
  'requests:cancel': { cancelled: boolean };
  'metrics:history': MetricsHistory;
  'settings:get': SettingsView;
  'settings:set': SettingsView;
}

export type CommandResult<C extends CommandName> = CommandResults[C];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commandArgs, name);
}

/** Event payloads. `logs:appended` arrives in batches. */
export interface EventPayloads {
  'status:changed': StatusSnapshot;
  'logs:appended': LogEntry[];
  'settings:changed': SettingsView;
  /** One chunk of a `requests:stream` answer, for the caller that chose `streamId`. */
  'requests:chunk': { streamId: string; index: number; chunk: unknown };
}

export { EVENT_NAMES, isEventName, type EventName } from './channels';
export { HTTP_PATHS, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, SESSION_COOKIE } from './channels';

// Every event name has a payload type and every payload type a name.
type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : never;
const eventNamesMatchPayloads: SameKeys<EventPayloads, EventName> = true;
void eventNamesMatchPayloads;

/** The API both the preload (`window.api`) and the browser client expose. */
export interface ConductorApi {
  invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}


/** WebSocket frames, client → server. */
export const wsClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('invoke'), id: z.number().int().min(0), command: z.string().max(100), args: z.unknown().optional() }),
  z.strictObject({ type: z.literal('subscribe'), event: z.string().max(100) }),
  z.strictObject({ type: z.literal('unsubscribe'), event: z.string().max(100) }),
]);
export type WsClientMessage = z.infer<typeof wsClientMessage>;

/** WebSocket frames, server → client. */
export type WsServerMessage =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'error'; error: { code: string; message: string } };
