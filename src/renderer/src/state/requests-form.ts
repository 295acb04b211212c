/** The Requests console's form rules: what can be targeted, and the optional timeout. */
import type { PluginSummary } from '../../../shared/domain';
import type { RequestTarget } from './requests-history';

export const MAX_TIMEOUT_MS = 600_000;

export type TimeoutCheck = { ok: true; value: number | undefined } | { ok: false; message: string };

/** '' means none (the plugin's own timeout); otherwise a whole number of ms in 1..600 000. */
export function parseTimeout(text: string): TimeoutCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: 'Enter a whole number of milliseconds, or leave it empty for the plugin’s own timeout.' };
  const value = Number(trimmed);
  if (value < 1 || value > MAX_TIMEOUT_MS) return { ok: false, message: `Enter between 1 and ${MAX_TIMEOUT_MS.toLocaleString('en-US')} ms.` };
  return { ok: true, value };
}

export interface TargetOptions {
  capabilities: { name: string; plugins: string[] }[];
  plugins: { name: string; state: PluginSummary['state'] }[];
}

/** Every capability (with the plugins that provide it) and every plugin, sorted by name. */
export function targetOptions(plugins: readonly PluginSummary[]): TargetOptions {
  const byCapability = new Map<string, string[]>();
  for (const p of plugins) {
    for (const c of p.capabilities) {
      const list = byCapability.get(c) ?? [];
      list.push(p.name);
      byCapability.set(c, list);
    }
  }
  return {
    capabilities: [...byCapability.entries()].map(([name, list]) => ({ name, plugins: list.sort() })).sort((a, b) => a.name.localeCompare(b.name)),
    plugins: plugins.map((p) => ({ name: p.name, state: p.state })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The contract's `requests:send` arguments for a target. */
export function targetArgs(target: RequestTarget): { capability: string } | { plugin: string } {
  return target.kind === 'capability' ? { capability: target.name } : { plugin: target.name };
}
