/**
 * Durability: a driver writes through a real headless conductor's HTTP API — counter increments
 * (plugin state, `state.increment` in main), a saved setting (`settings:set`, which also stores a
 * `settings.changed` event) and instance bounds (`plugins:setBounds`, plugin settings) — and
 * records each write it saw acknowledged. It SIGKILLs the conductor at random moments (mostly
 * mid-writes, sometimes mid-startup) and starts it again on the same data dir. Shared by
 * `npm run test:durability` (100 kills) and the short vitest form (10 kills).
 *
 * After each restart, while the new conductor runs, a read-only connection checks:
 * - `PRAGMA integrity_check` is `ok`; the journal mode is WAL and the -wal file stays bounded;
 * - the count is at least the acknowledged increments (and at most the attempted ones);
 * - the saved setting and the bounds are the last acknowledged value, or the one write that was
 *   in flight at the kill (writers are sequential, so at most one);
 * - every acknowledged setting has its `settings.changed` event;
 * and the conductor itself answers the same count (a `by: 0` increment through the API).
 * At the end SIGTERM exits 0 and no process of any incarnation is left (polled 10 s).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConductorSandbox, fullyReady, waitFor, type ApiClient } from './lib/conductor-sandbox';
import { percentile, seededRandom } from './lib/stats';

export interface DurabilityOptions {
  /** SIGKILLs of the conductor. */
  kills: number;
  /** Concurrent counter writers (each sends one increment at a time). */
  counterWriters: number;
  /** After ready, the kill comes at a random moment in this range, ms. */
  killAfterMs: readonly [number, number];
  /** Share of kills aimed at startup instead (a random moment before the ready line). */
  startupKillShare: number;
  /** The -wal file must stay below this, bytes (journal_size_limit is 64 MiB; a checkpoint may lag). */
  walLimitBytes: number;
  seed: number;
  log: (line: string) => void;
}

export const DEFAULT_DURABILITY_OPTIONS: DurabilityOptions = {
  kills: 100,
  counterWriters: 4,
  killAfterMs: [50, 1500],
  startupKillShare: 0.15,
  walLimitBytes: 80 * 1024 * 1024,
  seed: 1,
  log: () => undefined,
};

const COUNTER = 'counter';
const BOUNDED = 'echo';
const SETTING = 'ui.mutedPlugins';

export interface DurabilityReport {
  options: Omit<DurabilityOptions, 'log'>;
  durationMs: number;
  kills: number;
  startupKills: number;
  checks: number;
  acknowledged: { increments: number; settings: number; bounds: number };
  attempted: { increments: number; settings: number; bounds: number };
  /** Increments that were in flight at a kill and still made it (count − acknowledged at the end). */
  unacknowledgedButApplied: number;
  finalCount: number | null;
  maxWalBytes: number;
  restartToReadyMs: { p50: number | null; p95: number | null };
  exit: { code: number | null; signal: string | null } | null;
  orphans: number[];
  violations: string[];
}

interface Ledger {
  ackedIncrements: number;
  attemptedIncrements: number;
  /** Setting writes by sequence number: value `[w<seq>]`; acked or not. */
  settingSeq: number;
  lastAckedSetting: number;
  ackedSettings: Set<number>;
  boundsSeq: number;
  lastAckedBounds: number;
  ackedBounds: number;
}

const boundsOf = (seq: number) => ({ min: 1, max: 1 + (seq % 4) });

export async function runDurability(partial: Partial<DurabilityOptions> = {}): Promise<DurabilityReport> {
  const o: DurabilityOptions = { ...DEFAULT_DURABILITY_OPTIONS, ...partial };
  const random = seededRandom(o.seed);
  const between = (range: readonly [number, number]) => range[0] + random() * (range[1] - range[0]);
  const violations: string[] = [];
  const box = new ConductorSandbox('durability');
  box.copyPlugin('counter', { as: COUNTER, manifest: { instances: { min: 2, max: 2 } } });
  box.copyPlugin('echo', { as: BOUNDED, manifest: { instances: { min: 1, max: 4 } } });
  const dbPath = join(box.dataDir, 'conductor.db');
  const ledger: Ledger = { ackedIncrements: 0, attemptedIncrements: 0, settingSeq: 0, lastAckedSetting: 0, ackedSettings: new Set(), boundsSeq: 0, lastAckedBounds: 0, ackedBounds: 0 };
  const t0 = Date.now();
  let checks = 0;
  let startupKills = 0;
  let maxWalBytes = 0;
  let finalCount: number | null = null;
  const readyTimes: number[] = [];
  let exit: DurabilityReport['exit'] = null;

  try {
    for (let kill = 1; kill <= o.kills + 1; kill++) {
      const last = kill === o.kills + 1;
      // Now and then, kill it mid-startup (before the ready line; maybe mid-migration or plugin start).
      if (!last && kill > 1 && random() < o.startupKillShare) {
        const proc = box.launch();
        await pauseMs(between([0, 900]));
        proc.proc.kill('SIGKILL');
        await proc.exited;
        startupKills++;
        continue;
      }
      const started = Date.now();
      const c = await box.start();
      await waitFor(async () => fullyReady((await c.api.plugins()).find((p) => p.name === COUNTER), 2), 'the counter plugin ready', 30_000, 25);
      readyTimes.push(Date.now() - started);
      if (kill > 1 || ledger.attemptedIncrements > 0) {
        checks++;
        finalCount = await verify(c.api, dbPath, ledger, o, violations, (wal) => (maxWalBytes = Math.max(maxWalBytes, wal)), kill);
      }
      if (last) {
        exit = await c.proc.stop('SIGTERM', 30_000);
        if (exit.code !== 0) violations.push(`the last conductor exited with ${exit.code ?? exit.signal} after SIGTERM, expected 0`);
        break;
      }

      // Writers run until the conductor dies under them.
      let alive = true;
      const counterWriter = async () => {
        while (alive) {
          ledger.attemptedIncrements++;
          const r = await c.api.send({ plugin: COUNTER, payload: { by: 1 }, timeoutMs: 10_000 });
          if (r.ok) ledger.ackedIncrements++;
          else if (r.code === 'TRANSPORT') return;
        }
      };
      const settingsWriter = async () => {
        while (alive) {
          const seq = ++ledger.settingSeq;
          const r = await c.api.command('settings:set', { key: SETTING, value: [`w${seq}`] }).catch(() => null);
          if (r === null) return;
          if (r.ok) {
            ledger.lastAckedSetting = seq;
            ledger.ackedSettings.add(seq);
          } else violations.push(`settings:set #${seq} refused: ${r.error.code} ${r.error.message}`);
        }
      };
      const boundsWriter = async () => {
        while (alive) {
          const seq = ++ledger.boundsSeq;
          const r = await c.api.command('plugins:setBounds', { name: BOUNDED, ...boundsOf(seq) }).catch(() => null);
          if (r === null) return;
          if (r.ok) {
            ledger.lastAckedBounds = seq;
            ledger.ackedBounds++;
          }
          else if (r.error.code !== 'E_CONFLICT') violations.push(`plugins:setBounds #${seq} refused: ${r.error.code} ${r.error.message}`);
        }
      };
      const writers = Promise.all([...Array.from({ length: o.counterWriters }, counterWriter), settingsWriter(), boundsWriter()]);
      await pauseMs(between(o.killAfterMs));
      c.proc.proc.kill('SIGKILL');
      await c.proc.exited;
      alive = false;
      await writers;
      if (kill % 10 === 0) o.log(`durability: ${kill}/${o.kills} kills, ${ledger.ackedIncrements} increments acknowledged, ${checks} checks`);
    }

    const orphans = await box.orphans(10_000);
    if (orphans.length > 0) violations.push(`processes still alive 10 s after the last shutdown: ${orphans.join(', ')}`);
    const { log: _log, ...shown } = o;
    return {
      options: shown,
      durationMs: Date.now() - t0,
      kills: o.kills,
      startupKills,
      checks,
      acknowledged: { increments: ledger.ackedIncrements, settings: ledger.ackedSettings.size, bounds: ledger.ackedBounds },
      attempted: { increments: ledger.attemptedIncrements, settings: ledger.settingSeq, bounds: ledger.boundsSeq },
      unacknowledgedButApplied: finalCount === null ? 0 : finalCount - ledger.ackedIncrements,
      finalCount,
      maxWalBytes,
      restartToReadyMs: { p50: percentile(readyTimes, 50), p95: percentile(readyTimes, 95) },
      exit,
      orphans,
      violations,
    };
  } finally {
    await box.dispose();
  }
}

/** The checks after a restart; returns the count. */
async function verify(api: ApiClient, dbPath: string, l: Ledger, o: DurabilityOptions, violations: string[], noteWal: (bytes: number) => void, kill: number): Promise<number | null> {
  const where = `after restart #${kill - 1}`;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  let count: number | null = null;
  try {
    const integrity = (db.pragma('integrity_check') as Record<string, unknown>[]).map((r) => String(Object.values(r)[0])).join('; ');
    if (integrity !== 'ok') violations.push(`${where}: integrity_check: ${integrity}`);
    const mode = String(db.pragma('journal_mode', { simple: true }));
    if (mode !== 'wal') violations.push(`${where}: journal_mode is ${mode}, expected wal`);

    const row = db.prepare("SELECT value FROM plugin_state WHERE plugin = ? AND key = 'count'").get(COUNTER) as { value: string } | undefined;
    count = row ? Number(JSON.parse(row.value)) : 0;
    if (count < l.ackedIncrements) violations.push(`${where}: count ${count} < ${l.ackedIncrements} acknowledged increments (lost writes)`);
    if (count > l.attemptedIncrements) violations.push(`${where}: count ${count} > ${l.attemptedIncrements} increments ever sent`);

    const setting = db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTING) as { value: string } | undefined;
    const stored = setting ? (JSON.parse(setting.value) as string[]) : null;
    const storedSeq = stored?.[0] ? Number(stored[0].slice(1)) : 0;
    if (storedSeq < l.lastAckedSetting || storedSeq > l.settingSeq) {
      violations.push(`${where}: ${SETTING} is ${JSON.stringify(stored)}, expected w${l.lastAckedSetting} (last acknowledged) or a later write in flight (up to w${l.settingSeq})`);
    }
    const events = db.prepare("SELECT data FROM events WHERE kind = 'settings.changed'").all() as { data: string }[];
    const seen = new Set(events.map((e) => Number(((JSON.parse(e.data) as { value?: string[] }).value?.[0] ?? 'w0').slice(1))));
    const missing = [...l.ackedSettings].filter((seq) => !seen.has(seq));
    if (missing.length > 0) violations.push(`${where}: ${missing.length} acknowledged settings:set without their settings.changed event (e.g. w${missing[0]})`);

    const bounds = db.prepare('SELECT min_instances AS min, max_instances AS max FROM plugin_settings WHERE plugin = ?').get(BOUNDED) as { min: number | null; max: number | null } | undefined;
    if (l.lastAckedBounds > 0) {
      const allowed = [l.lastAckedBounds, ...(l.boundsSeq > l.lastAckedBounds ? [l.boundsSeq] : [])].map(boundsOf);
      if (!allowed.some((b) => b.min === bounds?.min && b.max === bounds?.max)) {
        violations.push(`${where}: ${BOUNDED} bounds are ${JSON.stringify(bounds)}, expected ${allowed.map((b) => JSON.stringify(b)).join(' or ')}`);
      }
    }
  } finally {
    db.close();
  }
  const walNow = fileSize(`${dbPath}-wal`);
  noteWal(walNow);
  if (walNow > o.walLimitBytes) violations.push(`${where}: the -wal file is ${walNow} bytes, over ${o.walLimitBytes}`);

  // The conductor itself sees the same count (a by:0 increment reads it through main).
  const r = await api.send({ plugin: COUNTER, payload: { by: 0 }, timeoutMs: 10_000 });
  if (!r.ok) violations.push(`${where}: counter by:0 failed: ${r.code} ${r.message}`);
  else if ((r.value as { value: number }).value !== count) violations.push(`${where}: the conductor answers count ${(r.value as { value: number }).value}, the database has ${count}`);
  return count;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** A pacing pause (the random kill moment) — never a wait for a condition (those poll with a bound). */
function pauseMs(msToWait: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

export function formatDurability(r: DurabilityReport): string[] {
  const f = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v)} ms`);
  return [
    `durability (seed ${r.options.seed}): ${r.kills} kill -9 of the conductor (${r.startupKills} during startup) in ${(r.durationMs / 1000).toFixed(1)} s; ${r.checks} checks after restarts`,
    `acknowledged: ${r.acknowledged.increments} increments, ${r.acknowledged.settings} settings:set, ${r.acknowledged.bounds} setBounds; attempted: ${r.attempted.increments} increments, ${r.attempted.settings} settings:set, ${r.attempted.bounds} setBounds`,
    `final count ${r.finalCount ?? 'n/a'} = acknowledged ${r.acknowledged.increments} + ${r.unacknowledgedButApplied} in flight at a kill that still made it`,
    `integrity_check ok after every restart: ${r.violations.some((v) => v.includes('integrity_check')) ? 'NO' : 'yes'}; largest -wal seen ${(r.maxWalBytes / 1024).toFixed(0)} KiB; restart→ready p50 ${f(r.restartToReadyMs.p50)}, p95 ${f(r.restartToReadyMs.p95)}`,
    `exit after SIGTERM ${r.exit ? (r.exit.code ?? r.exit.signal) : 'n/a'}; orphans ${r.orphans.length}`,
    r.violations.length === 0 ? 'invariants: all held (nothing acknowledged was lost)' : `invariants VIOLATED (${r.violations.length}):\n  ${r.violations.slice(0, 30).join('\n  ')}`,
  ];
}
