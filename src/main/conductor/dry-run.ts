import { resolve } from 'node:path';
import { STEP_NAMES, STEP_TITLES } from '../../shared/domain';
import { discoverPlugins } from '../plugins/discovery';
import { Store } from '../store/store';
import { flagsAsConfigLayer } from './cli';
import { readConfigFile, resolveConfig } from './config';
import { dataDirLayout, defaultDataDir } from './data-dir';
import { pluginRoots, type ConductorOptions } from './conductor';
import { messageOf } from './step-runner';

export interface DryRunResult {
  ok: boolean;
  text: string;
}

/**
 * `--dry-run`: steps 1–3 without side effects — read the config, inspect the database (read-only,
 * nothing created or migrated), discover and validate plugins (entries resolved) — then print the
 * plan. Starts nothing, takes no lock, writes nothing.
 */
export async function runDryRun(options: ConductorOptions): Promise<DryRunResult> {
  const lines: string[] = [`Conductor ${options.version} — dry run (nothing is started)`, ''];
  const problems: string[] = [];

  let config;
  try {
    const file = options.cli.config ? readConfigFile(options.cli.config) : {};
    config = resolveConfig({ flags: flagsAsConfigLayer(options.cli), file, saved: {} }).config;
    lines.push(`config: ok (${options.cli.config ? resolve(options.cli.config) : 'defaults'})`);
  } catch (error) {
    lines.push(`config: FAILED — ${messageOf(error)}`);
    return { ok: false, text: lines.join('\n') };
  }

  const dataDir = resolve(config.dataDir ?? options.defaultDataDir ?? defaultDataDir());
  const layout = dataDirLayout(dataDir);
  lines.push(`data dir: ${dataDir}`);
  const db = Store.inspect(dataDir, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  if (db.error) {
    problems.push(`database: ${db.error}`);
    lines.push(`database: FAILED — ${db.error}`);
  } else if (!db.exists) {
    lines.push(`database: ${db.path} does not exist yet; it will be created`);
  } else if (db.integrity !== 'ok') {
    problems.push(`database: integrity check failed: ${db.integrity}`);
    lines.push(`database: FAILED — integrity check: ${db.integrity}`);
  } else {
    lines.push(`database: ok (${db.path}, schema v${db.schemaVersion})`);
  }

  const roots = pluginRoots(config, options.bundledPluginsDir ?? null, layout.plugins);
  const found = discoverPlugins(roots);
  const valid = found.plugins.filter((p) => p.valid);
  const invalid = found.plugins.filter((p) => !p.valid);
  lines.push(`plugin folders: ${roots.map((r) => `${r.dir} (${r.origin})`).join(', ')}`);
  lines.push('', 'Startup steps:');
  STEP_NAMES.forEach((name, i) => lines.push(`  ${i + 1}. ${name} — ${STEP_TITLES[name]}`));
  lines.push('', `Plugins in load order (${valid.length}):`);
  if (valid.length === 0) lines.push('  (none)');
  valid.forEach((p, i) => {
    const m = p.manifest!;
    const deps = m.dependsOn.length > 0 ? `, after ${m.dependsOn.join(', ')}` : '';
    const state = m.enabled ? '' : ' [disabled]';
    lines.push(`  ${i + 1}. ${m.name}@${m.version} (${m.runtime}, ${m.isolation}${deps})${state} — ${p.dir}`);
  });
  if (invalid.length > 0) {
    lines.push('', `Invalid plugins (${invalid.length}):`);
    for (const p of invalid) lines.push(`  - ${p.manifest?.name ?? p.dir}: ${p.reason ?? 'invalid'}`);
    if (config.plugins.strict) problems.push(`${invalid.length} invalid plugin(s) and plugins.strict is on`);
    else lines.push('  (they would show as invalid; the others still load)');
  }
  const ok = problems.length === 0;
  lines.push('', ok ? 'Plan is valid.' : `Plan is NOT valid: ${problems.join('; ')}`);
  return { ok, text: lines.join('\n') };
}
