import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PluginSummary } from '../../shared/domain';
import { formatIssues } from '../../shared/validation';
import { manifestSchema, type PluginManifest } from './manifest';

export interface DiscoveredPlugin {
  dir: string;
  /** Present when the manifest parsed; a plugin may still be invalid (bad entry, cycle…). */
  manifest: PluginManifest | null;
  /** Absolute path of the entry, checked to stay inside the folder. */
  entryPath: string | null;
  valid: boolean;
  reason?: string;
}

export interface DiscoveryResult {
  /** Valid plugins in load order (dependencies first), then invalid ones. */
  plugins: DiscoveredPlugin[];
  /** Problems that concern several plugins (duplicates, cycles, missing dependencies). */
  problems: string[];
  /** Folders scanned, in order. */
  scanned: string[];
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

/** Reads one plugin folder. Never throws: a broken plugin comes back invalid with its reason. */
export function readPlugin(dir: string): DiscoveredPlugin {
  const manifestPath = join(dir, 'plugin.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    return { dir, manifest: null, entryPath: null, valid: false, reason: `plugin.json: ${(error as Error).message}` };
  }
  const parsed = manifestSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    return { dir, manifest: null, entryPath: null, valid: false, reason: `plugin.json: ${formatIssues(parsed.error)}` };
  }
  const manifest = parsed.data;
  if (manifest.runtime === 'command') {
    return { dir, manifest, entryPath: null, valid: true };
  }
  const root = realpathSync(dir);
  const entry = resolve(root, manifest.entry);
  if (isAbsolute(manifest.entry) || !isInside(root, entry)) {
    return { dir, manifest, entryPath: null, valid: false, reason: `plugin.json: entry: "${manifest.entry}" leads out of the plugin folder` };
  }
  if (!existsSync(entry)) {
    return { dir, manifest, entryPath: null, valid: false, reason: `plugin.json: entry: file "${manifest.entry}" does not exist` };
  }
  const real = realpathSync(entry);
  if (!isInside(root, real)) {
    return { dir, manifest, entryPath: null, valid: false, reason: `plugin.json: entry: "${manifest.entry}" is a symlink leading out of the plugin folder` };
  }
  return { dir, manifest, entryPath: real, valid: true };
}

/** Each direct sub-folder holding a plugin.json is a plugin. A missing root is skipped. */
function pluginFolders(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => (d.isDirectory() || d.isSymbolicLink()) && !d.name.startsWith('.'))
    .map((d) => join(root, d.name))
    .filter((dir) => {
      try {
        return statSync(dir).isDirectory() && existsSync(join(dir, 'plugin.json'));
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * Scans the given roots (bundled first, then configured, then the data dir's), validates each
 * manifest and orders the valid plugins by `dependsOn`. Duplicates, cycles and missing
 * dependencies make the plugins involved invalid, naming them.
 */
export function discoverPlugins(roots: readonly string[]): DiscoveryResult {
  const problems: string[] = [];
  const all = roots.flatMap((root) => pluginFolders(root).map(readPlugin));

  const byName = new Map<string, DiscoveredPlugin>();
  for (const plugin of all) {
    if (!plugin.valid || !plugin.manifest) continue;
    const name = plugin.manifest.name;
    const first = byName.get(name);
    if (first) {
      const message = `duplicate plugin name "${name}": ${first.dir} and ${plugin.dir}`;
      problems.push(message);
      plugin.valid = false;
      plugin.reason = message;
      continue;
    }
    byName.set(name, plugin);
  }

  for (const plugin of byName.values()) {
    const missing = plugin.manifest!.dependsOn.filter((dep) => !byName.has(dep));
    if (missing.length > 0) {
      const message = `plugin "${plugin.manifest!.name}" depends on missing plugin${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`;
      problems.push(message);
      plugin.valid = false;
      plugin.reason = message;
    }
  }

  const ordered = orderByDependencies([...byName.values()].filter((p) => p.valid), problems);
  const invalid = all.filter((p) => !p.valid);
  return { plugins: [...ordered, ...invalid], problems, scanned: [...roots] };
}

/** Topological order (Kahn's algorithm, ties by name); plugins in a cycle are marked invalid. */
function orderByDependencies(plugins: DiscoveredPlugin[], problems: string[]): DiscoveredPlugin[] {
  const byName = new Map(plugins.map((p) => [p.manifest!.name, p]));
  const pending = new Map(plugins.map((p) => [p.manifest!.name, new Set(p.manifest!.dependsOn.filter((d) => byName.has(d)))]));
  const out: DiscoveredPlugin[] = [];
  for (;;) {
    const ready = [...pending.entries()].filter(([, deps]) => deps.size === 0).map(([name]) => name).sort();
    if (ready.length === 0) break;
    for (const name of ready) {
      pending.delete(name);
      out.push(byName.get(name)!);
      for (const deps of pending.values()) deps.delete(name);
    }
  }
  if (pending.size > 0) {
    const names = [...pending.keys()].sort();
    const message = `dependency cycle among plugins ${names.map((n) => `"${n}"`).join(', ')}`;
    problems.push(message);
    for (const name of names) {
      const plugin = byName.get(name)!;
      plugin.valid = false;
      plugin.reason = message;
    }
  }
  return out;
}

export function summarize(plugin: DiscoveredPlugin, state: PluginSummary['state']): PluginSummary {
  const m = plugin.manifest;
  const summary: PluginSummary = {
    name: m?.name ?? plugin.dir.split(/[\\/]/).pop() ?? plugin.dir,
    version: m?.version ?? '?',
    description: m?.description ?? '',
    state,
    dir: plugin.dir,
    capabilities: m?.capabilities ?? [],
    dependsOn: m?.dependsOn ?? [],
    required: m?.required ?? false,
  };
  if (plugin.reason !== undefined) summary.reason = plugin.reason;
  return summary;
}
