import type { PluginEnvVar } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import type { SecretStore } from '../secrets/secret-store';
import type { PluginManifest } from './manifest';

/** Largest value accepted for one variable. */
export const MAX_ENV_VALUE_BYTES = 64 * 1024;

/**
 * A plugin's declared env, resolved: values set in Conductor (the secret store) win over the
 * conductor's own environment. `missing` names required variables with no value.
 */
export function resolvePluginEnv(
  manifest: Pick<PluginManifest, 'env'>,
  stored: Record<string, string>,
  environment: Record<string, string | undefined>,
): { env: Record<string, string>; missing: string[]; secretValues: string[] } {
  const env: Record<string, string> = {};
  const missing: string[] = [];
  const secretValues: string[] = [];
  for (const e of manifest.env) {
    const value = Object.prototype.hasOwnProperty.call(stored, e.name) ? stored[e.name] : environment[e.name];
    if (value !== undefined) {
      env[e.name] = value;
      if (e.secret && value.length >= 4) secretValues.push(value);
    } else if (e.required) missing.push(e.name);
  }
  return { env, missing, secretValues };
}

export function envViews(manifest: Pick<PluginManifest, 'env'>, stored: Record<string, string>, environment: Record<string, string | undefined>): PluginEnvVar[] {
  return manifest.env.map((e) => {
    const inStore = Object.prototype.hasOwnProperty.call(stored, e.name);
    const inEnv = environment[e.name] !== undefined;
    const view: PluginEnvVar = { name: e.name, secret: e.secret, required: e.required, set: inStore || inEnv, source: inStore ? 'conductor' : inEnv ? 'environment' : null };
    if (inStore && !e.secret) view.value = stored[e.name]!;
    if (e.description !== undefined) view.description = e.description;
    return view;
  });
}

/** Checks an update: only declared names, string values within the size limit, or null to clear. */
export function checkEnvUpdate(plugin: string, manifest: Pick<PluginManifest, 'env'>, values: Record<string, string | null>): void {
  const declared = new Set(manifest.env.map((e) => e.name));
  for (const [name, value] of Object.entries(values)) {
    if (!declared.has(name)) {
      throw new ConductorError('E_BAD_REQUEST', `values.${name}: plugin "${plugin}" does not declare this env variable (declared: ${[...declared].join(', ') || 'none'})`, { field: `values.${name}` });
    }
    if (value !== null && Buffer.byteLength(value, 'utf8') > MAX_ENV_VALUE_BYTES) {
      throw new ConductorError('E_BAD_REQUEST', `values.${name}: longer than ${MAX_ENV_VALUE_BYTES} bytes`, { field: `values.${name}` });
    }
  }
}

/** Replaces every secret value in a log line with `***`. */
export function redact(text: string, secretValues: readonly string[]): string {
  let out = text;
  for (const secret of secretValues) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

export function writeEnv(store: SecretStore, plugin: string, values: Record<string, string | null>): void {
  for (const [name, value] of Object.entries(values)) store.write(plugin, name, value);
}
