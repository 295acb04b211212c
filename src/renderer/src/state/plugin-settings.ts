/**
 * The plugin settings form, without React: the config form model built from the manifest's
 * schema, drafts (what the user typed) parsed and validated against it, the changed keys to send
 * to `plugins:setConfig`, the env update for `plugins:setEnv`, and what to do about a failed save.
 *
 * Drafts hold only the fields the user touched, so the page's polling keeps untouched fields
 * current while an edit is in progress.
 */
import type { ConfigFieldView, PluginDetail, PluginEnvVar } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/result';

export type ConfigControl = 'checkbox' | 'number' | 'select' | 'text';

export interface ConfigFieldModel {
  key: string;
  type: ConfigFieldView['type'];
  control: ConfigControl;
  /** The effective value (saved override, else the default); undefined when neither exists. */
  value: unknown;
  default: unknown;
  hasDefault: boolean;
  /** True when the effective value differs from the default (so "Reset to default" changes something). */
  differsFromDefault: boolean;
  enum?: unknown[];
  min?: number;
  max?: number;
  description?: string;
  /** The rule in words, e.g. "a number from 0 to 1". */
  rule: string;
}

/** What the user typed or picked: text for text/number inputs, a boolean for a checkbox, an option index for a select. */
export type ConfigDraft = string | boolean;

function inferType(value: unknown): ConfigFieldView['type'] {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return 'string';
}

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

/** Shows a config value as text (strings as they are, the rest as JSON). */
export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function ruleOf(field: ConfigFieldView): string {
  if (field.enum) return `one of ${field.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (field.type) {
    case 'boolean':
      return 'on or off';
    case 'string':
      return 'text';
    case 'number':
    case 'integer': {
      const noun = field.type === 'integer' ? 'a whole number' : 'a number';
      if (field.min !== undefined && field.max !== undefined) return `${noun} from ${field.min} to ${field.max}`;
      if (field.min !== undefined) return `${noun} of at least ${field.min}`;
      if (field.max !== undefined) return `${noun} of at most ${field.max}`;
      return noun;
    }
  }
}

/**
 * One field per key, in the schema's order, then any key present in the effective config but not
 * in the schema (typed from its value). Without a schema (an older conductor) every key is typed
 * from its value.
 */
export function buildConfigModel(detail: Pick<PluginDetail, 'config' | 'configSchema'>): ConfigFieldModel[] {
  const schema = detail.configSchema ?? {};
  const keys = [...Object.keys(schema), ...Object.keys(detail.config).filter((k) => !(k in schema))];
  return keys.map((key) => {
    const field: ConfigFieldView = schema[key] ?? { type: inferType(detail.config[key]) };
    const hasDefault = field.default !== undefined;
    const value = key in detail.config ? detail.config[key] : field.default;
    const control: ConfigControl = field.enum ? 'select' : field.type === 'boolean' ? 'checkbox' : field.type === 'string' ? 'text' : 'number';
    const model: ConfigFieldModel = {
      key,
      type: field.type,
      control,
      value,
      default: field.default,
      hasDefault,
      differsFromDefault: hasDefault ? !same(value, field.default) : value !== undefined,
      rule: ruleOf(field),
    };
    if (field.enum) model.enum = field.enum;
    if (field.min !== undefined) model.min = field.min;
    if (field.max !== undefined) model.max = field.max;
    if (field.description !== undefined) model.description = field.description;
    return model;
  });
}

/** The draft that shows `value` in the field's control (a select's draft is the option's index, '' for none). */
export function draftOf(field: ConfigFieldModel, value: unknown): ConfigDraft {
  switch (field.control) {
    case 'checkbox':
      return value === true;
    case 'select': {
      const i = (field.enum ?? []).findIndex((v) => same(v, value));
      return i < 0 ? '' : String(i);
    }
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'text':
      return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  }
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** Parses and checks a draft against the field: type, range, allowed values. Errors are sentences for the user. */
export function parseDraft(field: ConfigFieldModel, draft: ConfigDraft): Parsed {
  switch (field.control) {
    case 'checkbox':
      return typeof draft === 'boolean' ? { ok: true, value: draft } : { ok: false, error: 'Expected on or off.' };
    case 'select': {
      const options = field.enum ?? [];
      const i = typeof draft === 'string' && /^\d+$/.test(draft) ? Number(draft) : -1;
      return i >= 0 && i < options.length ? { ok: true, value: options[i] } : { ok: false, error: `Pick ${field.rule}.` };
    }
    case 'number': {
      const text = typeof draft === 'string' ? draft.trim() : '';
      const want = field.type === 'integer' ? 'a whole number' : 'a number';
      if (text === '') return { ok: false, error: `Enter ${want}${rangeWords(field)}.` };
      const n = Number(text);
      if (!Number.isFinite(n)) return { ok: false, error: `“${text}” is not a number. Enter ${want}${rangeWords(field)}.` };
      if (field.type === 'integer' && !Number.isSafeInteger(n)) return { ok: false, error: `Enter a whole number${rangeWords(field)}.` };
      if ((field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
        return { ok: false, error: `${text} is out of range: enter ${field.rule}.` };
      }
      return { ok: true, value: n };
    }
    case 'text':
      return typeof draft === 'string' ? { ok: true, value: draft } : { ok: false, error: 'Expected text.' };
  }
}

function rangeWords(field: ConfigFieldModel): string {
  if (field.min !== undefined && field.max !== undefined) return ` from ${field.min} to ${field.max}`;
  if (field.min !== undefined) return ` of at least ${field.min}`;
  if (field.max !== undefined) return ` of at most ${field.max}`;
  return '';
}

export interface ConfigFormCheck {
  /** The keys whose parsed draft differs from the effective value, with the value to send. */
  changes: Record<string, unknown>;
  /** Per key, why its draft cannot be saved. */
  errors: Record<string, string>;
}

/**
 * Validates every touched field and diffs it against the effective value: only changed keys are
 * sent. A draft equal to the effective value is no change, whatever was typed (" 0.30" = 0.3).
 */
export function checkConfigDrafts(fields: readonly ConfigFieldModel[], drafts: Readonly<Record<string, ConfigDraft>>): ConfigFormCheck {
  const changes: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    if (!Object.prototype.hasOwnProperty.call(drafts, field.key)) continue;
    const parsed = parseDraft(field, drafts[field.key]!);
    if (!parsed.ok) errors[field.key] = parsed.error;
    else if (!same(parsed.value, field.value)) changes[field.key] = parsed.value;
  }
  return { changes, errors };
}

// ---- env ----

/** Where a variable's value comes from, in words. */
export function envSourceLabel(v: Pick<PluginEnvVar, 'set' | 'source'>): string {
  if (v.source === 'conductor') return 'set in Conductor';
  if (v.source === 'environment') return "from Conductor's environment";
  return 'not set';
}

/** Required variables that are not set anywhere (the plugin cannot start without them). */
export function missingRequired(env: readonly PluginEnvVar[]): string[] {
  return env.filter((v) => v.required && !v.set).map((v) => v.name);
}

/** True when the plugin is stopped because a required variable is not set. */
export function stoppedForEnv(reason: string | undefined): boolean {
  return reason !== undefined && /^required env\b/.test(reason);
}

export const MAX_ENV_VALUE_BYTES = 65_536;

export interface EnvFormCheck {
  /** Values to set (string) or clear (null). */
  values: Record<string, string | null>;
  errors: Record<string, string>;
}

/**
 * The env update from the drafts. A secret's empty draft means "unchanged" (its value is never
 * shown, so there is nothing to edit); a plain variable's draft replaces its value, and emptying
 * one that was set in Conductor clears it.
 */
export function checkEnvDrafts(env: readonly PluginEnvVar[], drafts: Readonly<Record<string, string>>): EnvFormCheck {
  const values: Record<string, string | null> = {};
  const errors: Record<string, string> = {};
  for (const v of env) {
    if (!Object.prototype.hasOwnProperty.call(drafts, v.name)) continue;
    const draft = drafts[v.name]!;
    if (new TextEncoder().encode(draft).length > MAX_ENV_VALUE_BYTES) {
      errors[v.name] = `Too long: at most ${MAX_ENV_VALUE_BYTES} bytes.`;
      continue;
    }
    if (v.secret) {
      if (draft !== '') values[v.name] = draft;
    } else if (draft === '') {
      if (v.source === 'conductor') values[v.name] = null;
    } else if (!(v.source === 'conductor' && v.value === draft)) {
      values[v.name] = draft;
    }
  }
  return { values, errors };
}

// ---- results ----

/** What to do about a failed save, by error code. */
export function saveHint(error: ErrorInfo, what: 'config' | 'env'): string {
  switch (error.code) {
    case 'E_BAD_REQUEST':
      return what === 'config'
        ? "Conductor refused a value: correct it to fit the plugin's schema (the message names the key) and save again."
        : 'Conductor refused a variable: check the name is declared by the plugin and the value is not too long, then save again.';
    case 'E_CONFLICT':
      return what === 'env'
        ? "This conductor has no secret store: set the variables in Conductor's environment and restart it."
        : 'The plugin cannot take changes right now (is its manifest invalid, or is it being installed?). Fix that, then save again.';
    case 'E_PLUGIN_NOT_FOUND':
    case 'E_NOT_FOUND':
      return 'The plugin is gone (uninstalled or renamed). Go back to the Plugins page.';
    case 'E_SHUTTING_DOWN':
      return 'Conductor is shutting down. Start it again, then save.';
    case 'E_TIMEOUT':
      return 'Saving took too long (the rolling restart may still be going on). Check the plugin state above, then try again if the value did not stick.';
    default:
      return 'Check that Conductor is running (the banner at the top says when the connection is lost), then try again.';
  }
}

/**
 * The success line after a save: what changed and how it is applied. `summary` names what
 * changed ("Saved failRate."); `before` and `after` are the plugin before and after the save.
 */
export function savedMessage(
  plugin: string,
  summary: string,
  before: Pick<PluginDetail, 'instances'>,
  after: Pick<PluginDetail, 'instances' | 'state'>,
): string {
  if (before.instances.length === 0 && after.instances.length > 0) return `${summary} ${plugin} started with it.`;
  if (after.instances.length > 0) return `${summary} ${plugin}'s running instances restart one at a time (rolling) to apply it.`;
  if (after.state === 'disabled') return `${summary} It applies when ${plugin} is enabled.`;
  return `${summary} It applies when ${plugin}'s instances next start.`;
}

/** "Saved a, b." / "Reset a to its default." / "Cleared A." for a list of changes. */
export function changeSummary(set: readonly string[], reset: readonly string[], resetWord: 'Reset' | 'Cleared'): string {
  const parts: string[] = [];
  if (set.length > 0) parts.push(`Saved ${set.join(', ')}.`);
  if (reset.length > 0) parts.push(resetWord === 'Reset' ? `Reset ${reset.join(', ')} to ${reset.length > 1 ? 'their defaults' : 'its default'}.` : `Cleared ${reset.join(', ')}.`);
  return parts.join(' ');
}
