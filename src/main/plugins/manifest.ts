/**
 * The plugin manifest (`plugin.json`). Strict: an unknown field is an error, and every error names
 * the field (`instances.min: …`, `config.failRate.default: …`). Every optional field's default is
 * documented where it is declared; `parseManifest` fills them in.
 */
import { z } from 'zod';
import { formatIssues } from '../../shared/validation';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** Config keys: identifiers like `failRate`, `max_items`. */
const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Environment variable names a plugin may declare. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Keys that would reach an object's prototype if assigned; refused wherever a plugin names keys. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The most instances one plugin may ask for. */
export const MAX_INSTANCES = 64;

const int = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .min(min, { error: `expected ${what}` })
    .max(max, { error: `expected ${what}` });
const positiveInt = (max = Number.MAX_SAFE_INTEGER) => int('a positive integer', 1, max);
const bool = () => z.boolean({ error: 'expected true or false' });

/** A path relative to the plugin folder; discovery checks it stays inside (also through symlinks). */
const relativePath = () => z.string({ error: 'expected a relative file path' }).min(1, { error: 'expected a relative file path' }).max(1024);

// ---------------------------------------------------------------------------------------------
// config: a small JSON-schema-like description of the plugin's settings
// ---------------------------------------------------------------------------------------------

export const CONFIG_TYPES = ['string', 'number', 'integer', 'boolean'] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];
type ConfigValue = string | number | boolean;

const configValue = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });

export const configFieldSchema = z
  .strictObject({
    type: z.enum(CONFIG_TYPES, { error: `expected one of ${CONFIG_TYPES.join(', ')}` }),
    /** Used when no override is saved; a field without one is absent from `ctx.config` until set. */
    default: configValue.optional(),
    description: z.string({ error: 'expected a text' }).max(500).optional(),
    /** The only values allowed. */
    enum: z.array(configValue).min(1, { error: 'expected at least one value' }).max(100).optional(),
    /** Inclusive bounds; only for `number` and `integer`. */
    min: z.number({ error: 'expected a number' }).optional(),
    max: z.number({ error: 'expected a number' }).optional(),
  })
  .superRefine((field, ctx) => {
    const numeric = field.type === 'number' || field.type === 'integer';
    for (const bound of ['min', 'max'] as const) {
      if (field[bound] !== undefined && !numeric) {
        ctx.addIssue({ code: 'custom', path: [bound], input: field[bound], message: `only allowed for type number or integer, not ${field.type}` });
      }
    }
    if (numeric && field.min !== undefined && field.max !== undefined && field.min > field.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], input: field.min, message: `expected at most max (${field.max})` });
    }
    (field.enum ?? []).forEach((value, i) => {
      const problem = checkConfigValue({ ...field, enum: undefined }, value);
      if (problem) ctx.addIssue({ code: 'custom', path: ['enum', i], input: value, message: problem });
    });
    if (field.default !== undefined) {
      const problem = checkConfigValue(field, field.default);
      if (problem) ctx.addIssue({ code: 'custom', path: ['default'], input: field.default, message: problem });
    }
  });

export type ConfigField = z.output<typeof configFieldSchema>;

/** A message (`expected …`) when `value` does not fit the field, else undefined. */
function checkConfigValue(field: Pick<ConfigField, 'type' | 'enum' | 'min' | 'max'>, value: unknown): string | undefined {
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') return 'expected a string';
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return 'expected true or false';
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'expected an integer';
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a number';
      break;
  }
  if (typeof value === 'number') {
    if (field.min !== undefined && value < field.min) return `expected at least ${field.min}`;
    if (field.max !== undefined && value > field.max) return `expected at most ${field.max}`;
  }
  if (field.enum && !field.enum.some((allowed) => allowed === value)) {
    return `expected one of ${field.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
}

/** Refuses own `__proto__`/`constructor`/`prototype` keys (JSON.parse creates them as own keys). */
function refuseForbiddenKeys(raw: unknown, ctx: z.RefinementCtx): void {
  if (raw === null || typeof raw !== 'object') return;
  for (const key of Reflect.ownKeys(raw)) {
    if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) {
      ctx.addIssue({ code: 'custom', path: [key], input: key, message: 'reserved key name (not allowed)' });
    }
  }
}

const configSchema = z
  .unknown()
  .superRefine(refuseForbiddenKeys)
  .pipe(
    z.record(
      z.string().max(64, { error: 'expected a config key of at most 64 characters' }).regex(CONFIG_KEY, { error: 'expected a config key like "maxItems"' }),
      configFieldSchema,
      { error: 'expected an object of config fields' },
    ),
  );

// ---------------------------------------------------------------------------------------------
// the manifest
// ---------------------------------------------------------------------------------------------

const probeTimes = (intervalMs: number, timeoutMs: number) => ({
  /** How often the probe runs (it is due on the conductor's health tick). */
  intervalMs: positiveInt().default(intervalMs),
  /** A probe not answered within this counts as a failure; at most `intervalMs`. */
  timeoutMs: positiveInt().default(timeoutMs),
  /** Consecutive failures before acting (liveness: restart; readiness: stop traffic). */
  failureThreshold: positiveInt(1000).default(3),
});

const timeoutWithinInterval = (probe: { intervalMs: number; timeoutMs: number }, ctx: z.RefinementCtx) => {
  if (probe.timeoutMs > probe.intervalMs) {
    ctx.addIssue({ code: 'custom', path: ['timeoutMs'], input: probe.timeoutMs, message: `expected at most intervalMs (${probe.intervalMs})` });
  }
};

export const manifestSchema = z
  .strictObject({
    /** Unique among all discovered plugins; the folder name under `<dataDir>/plugins` when installed. */
    name: z.string({ error: 'expected a kebab-case name' }).max(64, { error: 'expected at most 64 characters' }).regex(KEBAB, { error: 'expected a kebab-case name like "my-plugin"' }),
    version: z.string({ error: 'expected a semver version' }).regex(SEMVER, { error: 'expected a semver version like "1.0.0"' }),
    /** What the plugin does, shown in the UI. Default ''. */
    description: z.string({ error: 'expected a text' }).max(500, { error: 'expected at most 500 characters' }).default(''),
    /** `node`: an ES module in a child process or thread; `command`: any executable. Default `node`. */
    runtime: z.enum(['node', 'command'], { error: 'expected "node" or "command"' }).default('node'),
    /**
     * The ES module (runtime `node`), relative to the plugin folder and staying inside it. Default
     * `index.js` — name it `index.mjs` when the folder has no `package.json` with `"type":"module"`.
     */
    entry: relativePath().default('index.js'),
    /** What requests it serves, e.g. `text.echo`. Default none. */
    capabilities: z.array(z.string().regex(/^[a-z][a-z0-9._:-]*$/, { error: 'expected a capability name like "text.echo"' })).max(64).default([]),
    /** `process` (own child process, default) or `thread` (worker thread). */
    isolation: z.enum(['process', 'thread'], { error: 'expected "process" or "thread"' }).default('process'),
    /** Plugins started before this one (and that must be ready first). Default none. */
    dependsOn: z.array(z.string().regex(KEBAB, { error: 'expected a plugin name' })).max(32).default([]),
    /** The overall state is at best this plugin's. Default false. */
    required: bool().default(false),
    /** Started at startup unless the UI saved otherwise. Default true. */
    enabled: bool().default(true),
    instances: z
      .strictObject({
        /** Fewest running instances; 0 lets the scaler stop it when idle. Default 1. */
        min: int('an integer of 0 or more', 0, MAX_INSTANCES).default(1),
        /** Most running instances (at most 64). Default 1. */
        max: int(`an integer from 1 to ${MAX_INSTANCES}`, 1, MAX_INSTANCES).default(1),
        /** Scaling target: in-flight requests per instance the scaler aims for. Default 4. */
        targetPerInstance: z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' }).max(1_000_000).default(4),
      })
      .superRefine((inst, ctx) => {
        if (inst.min > inst.max) ctx.addIssue({ code: 'custom', path: ['min'], input: inst.min, message: `expected at most instances.max (${inst.max})` });
      })
      .prefault({}),
    /** Most in-flight requests per instance; more wait in the queue. Default 64. */
    concurrency: positiveInt(100_000).default(64),
    /** Most requests waiting per plugin; beyond it callers get E_OVERLOADED. Default 256. */
    queueLimit: int('an integer of 0 or more', 0, 1_000_000).default(256),
    /** Deadline of a request that names none. Default 30 000 ms. */
    requestTimeoutMs: positiveInt(24 * 60 * 60 * 1000).default(30_000),
    /** Caps the V8 heap (node runtime) and is the RSS watchdog threshold for every instance. Default 256 MiB. */
    memoryLimitMb: int('an integer from 16 to 65536', 16, 65_536).default(256),
    probes: z
      .strictObject({
        /** Is the instance alive (runtime round-trip)? Defaults: every 5000 ms, 1000 ms timeout, 3 failures. */
        liveness: z.strictObject(probeTimes(5000, 1000)).superRefine(timeoutWithinInterval).prefault({}),
        /** Should it get traffic (the plugin's `health()`)? Defaults: every 5000 ms, 2000 ms timeout, 3 failures, 1 success. */
        readiness: z
          .strictObject({
            ...probeTimes(5000, 2000),
            /** Consecutive successes before traffic returns. Default 1. */
            successThreshold: positiveInt(1000).default(1),
          })
          .superRefine(timeoutWithinInterval)
          .prefault({}),
        startup: z
          .strictObject({
            /** Probe failures are not counted this long after start. Default 10 000 ms. */
            graceMs: int('an integer of 0 or more', 0).default(10_000),
            /** An instance not ready after this is killed and counted as a crash. Default 60 000 ms. */
            maxMs: positiveInt().default(60_000),
          })
          .superRefine((s, ctx) => {
            if (s.graceMs > s.maxMs) ctx.addIssue({ code: 'custom', path: ['graceMs'], input: s.graceMs, message: `expected at most maxMs (${s.maxMs})` });
          })
          .prefault({}),
      })
      .prefault({}),
    /** Crash-loop quarantine: `maxCrashes` crashes within `windowMs` quarantine the plugin. Defaults 5 in 60 000 ms. */
    restart: z
      .strictObject({
        maxCrashes: positiveInt(1000).default(5),
        windowMs: positiveInt().default(60_000),
      })
      .prefault({}),
    /** The plugin's settings, with types and defaults; resolved by `resolvePluginConfig`. Default none. */
    config: configSchema.default({}),
    /** Environment variables the plugin needs (secrets are masked in the UI). Default none. */
    env: z
      .array(
        z.strictObject({
          name: z.string({ error: 'expected an ENV_NAME' }).max(128).regex(ENV_NAME, { error: 'expected an environment variable name like "API_TOKEN"' }),
          /** Masked in the UI and logs. Default false. */
          secret: bool().default(false),
          /** The plugin is not started without it. Default false. */
          required: bool().default(false),
          description: z.string({ error: 'expected a text' }).max(500).optional(),
        }),
      )
      .max(64)
      .superRefine((vars, ctx) => {
        const seen = new Set<string>();
        vars.forEach((v, i) => {
          if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], input: v.name, message: 'expected a name not declared twice' });
          seen.add(v.name);
        });
      })
      .default([]),
    /** Runtime `command` only (and required there): what to run. */
    command: z
      .strictObject({
        /** The executable: a name looked up on PATH, or a path (relative ones from the plugin folder). */
        exec: z.string({ error: 'expected an executable' }).min(1, { error: 'expected an executable' }).max(1024),
        /** Default none. */
        args: z.array(z.string({ error: 'expected a text' }).max(4096)).max(256).default([]),
        /** Working directory relative to the plugin folder, staying inside it. Default the plugin folder. */
        cwd: relativePath().optional(),
        /**
         * Loopback http URL requests are POSTed to (JSON body; a JSON or NDJSON answer). `{port}` is
         * replaced by the instance's port. Default none (no requests, supervision only).
         */
        url: loopbackUrl().optional(),
        /**
         * `"auto"`: Conductor picks a free loopback port per instance and passes it in `portEnv` (and
         * as `{port}` in `args`, `url`, `healthUrl`), so several instances can run. A number: that
         * port (one instance only). Default none.
         */
        port: z.union([z.literal('auto'), int('a port number 1-65535, or "auto"', 1, 65_535)], { error: 'expected a port number 1-65535, or "auto"' }).optional(),
        /** The environment variable that carries the port. Default `PORT`. */
        portEnv: z.string({ error: 'expected an ENV_NAME' }).regex(ENV_NAME, { error: 'expected an environment variable name like "PORT"' }).default('PORT'),
        /** Readiness and liveness probe: GET this loopback URL; 2xx is healthy. Default none. */
        healthUrl: loopbackUrl().optional(),
        /** Liveness probe: a TCP connect to the port. Default false (process liveness only, or `healthUrl`). */
        tcpProbe: bool().default(false),
      })
      .superRefine((c, ctx) => {
        const usesPort = [c.url, c.healthUrl, ...c.args].some((t) => t?.includes('{port}'));
        if (usesPort && c.port === undefined) ctx.addIssue({ code: 'custom', path: ['port'], input: undefined, message: 'required when "{port}" is used' });
        if (c.tcpProbe && c.port === undefined) ctx.addIssue({ code: 'custom', path: ['tcpProbe'], input: true, message: 'needs a port' });
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.runtime === 'command' && m.command === undefined) {
      ctx.addIssue({ code: 'custom', path: ['command'], input: undefined, message: 'required when runtime is "command"' });
    }
    if (m.runtime === 'command' && m.command?.port !== undefined && m.command.port !== 'auto' && m.instances.max > 1) {
      ctx.addIssue({ code: 'custom', path: ['instances', 'max'], input: m.instances.max, message: 'expected 1 with a fixed command.port (use "auto" for more instances)' });
    }
    if (m.runtime === 'node' && m.command !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['command'], input: m.command, message: 'only allowed when runtime is "command"' });
    }
    if (m.dependsOn.includes(m.name)) {
      ctx.addIssue({ code: 'custom', path: ['dependsOn'], input: m.name, message: 'expected other plugins, not itself' });
    }
  });

export type PluginManifest = z.output<typeof manifestSchema>;
export type PluginManifestInput = z.input<typeof manifestSchema>;

function loopbackUrl() {
  return z
    .string({ error: 'expected a loopback http URL' })
    .max(2048)
    .refine(isLoopbackHttpUrl, { error: 'expected a loopback http URL like "http://127.0.0.1:8080/" (a port may be "{port}")' });
}

function isLoopbackHttpUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text.replaceAll('{port}', '1'));
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.username === '' && url.password === '';
}

/** Validates a parsed `plugin.json`; the error is one line per issue, each naming its field. */
export function parseManifest(raw: unknown): { ok: true; value: PluginManifest } | { ok: false; error: string } {
  const parsed = manifestSchema.safeParse(raw, { reportInput: true });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: formatIssues(parsed.error) };
}

export type ResolvedPluginConfig = Record<string, ConfigValue>;

/**
 * The plugin's effective config: each field's default, replaced by the override when one is given.
 * Refuses overrides for keys the manifest does not declare and values that do not fit; the error
 * names the key. A field with no default and no override is absent; an override of `null` or
 * `undefined` means "use the default".
 */
export function resolvePluginConfig(
  manifest: Pick<PluginManifest, 'config'>,
  overrides: Record<string, unknown> = {},
): { ok: true; value: ResolvedPluginConfig } | { ok: false; error: string } {
  const fields = manifest.config;
  const problems: string[] = [];
  for (const key of Reflect.ownKeys(overrides)) {
    const name = String(key);
    if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(fields, key)) problems.push(`${name}: unknown config key`);
  }
  const value: ResolvedPluginConfig = {};
  for (const [key, field] of Object.entries(fields)) {
    const given = Object.prototype.hasOwnProperty.call(overrides, key) ? overrides[key] : undefined;
    if (given === undefined || given === null) {
      if (field.default !== undefined) value[key] = field.default;
      continue;
    }
    const problem = checkConfigValue(field, given);
    if (problem) {
      problems.push(`${key}: ${problem}, got ${describe(given)}`);
      continue;
    }
    value[key] = given as ConfigValue;
  }
  return problems.length > 0 ? { ok: false, error: problems.join('; ') } : { ok: true, value };
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
