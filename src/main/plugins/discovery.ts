import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PluginSummary } from '../../shared/domain';
import { parseManifest, type PluginManifest } from './manifest';

/** Where a plugin was found: the app's bundled folder, a configured folder, or the data dir. */
export type PluginOrigin = PluginSummary['origin'];

export interface DiscoveredPlugin {
  dir: string;
  /** Which kind of root it was found in; `config` when read directly. */
  origin: PluginOrigin;
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

/** Whether `path` is `root` or below it (both absolute; compare real paths to see through symlinks). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Where `relPath` (from the manifest's `field`) leads inside the plugin folder `root` (a real path):
 * its real path, or why it is refused — absolute, `..` out of the folder, or a symlink leading out.
 */
export function resolveInside(root: string, relPath: string, field: string): { ok: true; path: string } | { ok: false; reason: string } {
  const target = resolve(root, relPath);
  if (isAbsolute(relPath) || !isInside(root, target)) {
    return { ok: false, reason: `plugin.json: ${field}: "${relPath}" leads out of the plugin folder` };
  }
  if (!existsSync(target)) return { ok: false, reason: `plugin.json: ${field}: "${relPath}" does not exist` };
  const real = realpathSync(target);
  if (!isInside(root, real)) {
    return { ok: false, reason: `plugin.json: ${field}: "${relPath}" is a symlink leading out of the plugin folder` };
  }
  return { ok: true, path: real };
}

/** Reads one plugin folder. Never throws: a broken plugin comes back invalid with its reason. */
export function readPlugin(dir: string, origin: PluginOrigin = 'config'): DiscoveredPlugin {
  const manifestPath = join(dir, 'plugin.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    return { dir, origin, manifest: null, entryPath: null, valid: false, reason: `plugin.json: ${(error as Error).message}` };
  }
  const parsed = parseManifest(raw);
  if (!parsed.ok) return { dir, origin, manifest: null, entryPath: null, valid: false, reason: `plugin.json: ${parsed.error}` };
  const manifest = parsed.value;
  const invalid = (reason: string): DiscoveredPlugin => ({ dir, origin, manifest, entryPath: null, valid: false, reason });
  try {
    const root = realpathSync(dir);
    if (manifest.runtime === 'command') {
      const cwd = manifest.command?.cwd;
      if (cwd !== undefined) {
        const where = resolveInside(root, cwd, 'command.cwd');
        if (!where.ok) return invalid(where.reason);
        if (!statSync(where.path).isDirectory()) return invalid(`plugin.json: command.cwd: "${cwd}" is not a folder`);
      }
      return { dir, origin, manifest, entryPath: null, valid: true };
    }
    const entry = resolveInside(root, manifest.entry, 'entry');
    if (!entry.ok) return invalid(entry.reason);
    if (!statSync(entry.path).isFile()) return invalid(`plugin.json: entry: "${manifest.entry}" is not a file`);
    return { dir, origin, manifest, entryPath: entry.path, valid: true };
  } catch (error) {
    return invalid(`plugin folder: ${(error as Error).message}`);
  }
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

/** A folder to scan and where the plugins in it come from. A plain string counts as `config`. */
export interface PluginRoot {
  dir: string;
  origin: PluginOrigin;
}

function toRoot(root: string | PluginRoot): PluginRoot {
  return typeof root === 'string' ? { dir: root, origin: 'config' } : root;
}

/**
 * Scans the given roots (bundled first, then configured, then the data dir's), validates each
 * manifest and orders the valid plugins by `dependsOn`. Duplicates (the first found wins), cycles,
 * missing dependencies and dependencies on invalid plugins make the plugins involved invalid,
 * naming them.
 */
export function discoverPlugins(roots: readonly (string | PluginRoot)[]): DiscoveryResult {
  const problems: string[] = [];
  const resolvedRoots = roots.map(toRoot);
  const all = resolvedRoots.flatMap((root) => pluginFolders(root.dir).map((dir) => readPlugin(dir, root.origin)));
  const markInvalid = (plugin: DiscoveredPlugin, message: string): void => {
    if (!problems.includes(message)) problems.push(message);
    plugin.valid = false;
    plugin.reason = message;
  };

  const byName = new Map<string, DiscoveredPlugin>();
  for (const plugin of all) {
    if (!plugin.valid || !plugin.manifest) continue;
    const name = plugin.manifest.name;
    const first = byName.get(name);
    if (first) {
      markInvalid(plugin, `duplicate plugin name "${name}": ${first.dir} and ${plugin.dir}`);
      continue;
    }
    byName.set(name, plugin);
  }

  // Names whose plugin folder exists but is invalid (bad entry…): "invalid", not "missing".
  const invalidNames = new Set(all.filter((p) => !p.valid && p.manifest).map((p) => p.manifest!.name));
  for (const plugin of byName.values()) {
    const name = plugin.manifest!.name;
    const absent = plugin.manifest!.dependsOn.filter((dep) => !byName.has(dep));
    const missing = absent.filter((dep) => !invalidNames.has(dep));
    const broken = absent.filter((dep) => invalidNames.has(dep));
    if (missing.length > 0) {
      markInvalid(plugin, `plugin "${name}" depends on missing plugin${missing.length > 1 ? 's' : ''} ${quoted(missing)}`);
    } else if (broken.length > 0) {
      markInvalid(plugin, `plugin "${name}" depends on invalid plugin${broken.length > 1 ? 's' : ''} ${quoted(broken)}`);
    }
  }
  propagateInvalid(byName, markInvalid);

  const ordered = orderByDependencies([...byName.values()].filter((p) => p.valid), markInvalid);
  const invalid = all.filter((p) => !p.valid);
  return { plugins: [...ordered, ...invalid], problems, scanned: resolvedRoots.map((r) => r.dir) };
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** A plugin whose dependency is invalid cannot start either; repeats until nothing changes. */
function propagateInvalid(byName: Map<string, DiscoveredPlugin>, markInvalid: (p: DiscoveredPlugin, message: string) => void): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const plugin of byName.values()) {
      if (!plugin.valid) continue;
      const bad = plugin.manifest!.dependsOn.filter((dep) => byName.get(dep)?.valid === false);
      if (bad.length > 0) {
        markInvalid(plugin, `plugin "${plugin.manifest!.name}" depends on invalid plugin${bad.length > 1 ? 's' : ''} ${quoted(bad)}`);
        changed = true;
      }
    }
  }
}

/**
 * Topological order (Kahn's algorithm, ties by name). Plugins in a dependency cycle are marked
 * invalid, each cycle named with all its members; plugins depending on them are marked invalid too.
 */
function orderByDependencies(plugins: DiscoveredPlugin[], markInvalid: (p: DiscoveredPlugin, message: string) => void): DiscoveredPlugin[] {
  const byName = new Map(plugins.map((p) => [p.manifest!.name, p]));
  const pending = new Map(plugins.map((p) => [p.manifest!.name, new Set(p.manifest!.dependsOn)]));
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
  if (pending.size === 0) return out;

  const inCycle = new Set<string>();
  for (const cycle of stronglyConnected(pending)) {
    if (cycle.length < 2) continue;
    const message = `dependency cycle among plugins ${quoted(cycle)}`;
    for (const name of cycle) {
      inCycle.add(name);
      markInvalid(byName.get(name)!, message);
    }
  }
  const rest = new Map([...pending.keys()].filter((name) => !inCycle.has(name)).map((name) => [name, byName.get(name)!]));
  for (const [name, plugin] of rest) {
    const bad = [...pending.get(name)!].sort();
    markInvalid(plugin, `plugin "${name}" depends on invalid plugin${bad.length > 1 ? 's' : ''} ${quoted(bad)} (dependency cycle)`);
  }
  return out;
}

/** Tarjan's strongly connected components; each component's names sorted, components by first name. */
function stronglyConnected(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Zero metrics, for a plugin not running. */
const NO_METRICS: PluginSummary['metrics'] = { ratePerSec: 0, errorRate: 0, p50Ms: null, p99Ms: null, total: 0, errors: 0 };

/**
 * What the UI shows for a discovered plugin before the runtime adds live data (instances, queue,
 * metrics, bounds saved from the UI): everything here comes from the manifest.
 */
export function summarize(plugin: DiscoveredPlugin, state: PluginSummary['state']): PluginSummary {
  const m = plugin.manifest;
  const summary: PluginSummary = {
    name: m?.name ?? plugin.dir.split(/[\\/]/).pop() ?? plugin.dir,
    version: m?.version ?? '?',
    description: m?.description ?? '',
    state,
    dir: plugin.dir,
    runtime: m?.runtime ?? 'node',
    isolation: m?.isolation ?? 'process',
    capabilities: m?.capabilities ?? [],
    dependsOn: m?.dependsOn ?? [],
    required: m?.required ?? false,
    enabled: m?.enabled ?? false,
    min: m?.instances.min ?? 0,
    max: m?.instances.max ?? 0,
    instances: [],
    queueDepth: 0,
    restarts: 0,
    metrics: { ...NO_METRICS },
    origin: plugin.origin,
    cpuPercent: null,
    rssBytes: null,
  };
  if (plugin.reason !== undefined) summary.reason = plugin.reason;
  return summary;
}
