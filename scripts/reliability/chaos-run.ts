/**
 * Chaos: a real headless conductor (child process) serves a steady, bounded load over its HTTP API
 * while plugin instances are SIGKILLed one after another. Shared by `npm run test:chaos` (100
 * kills, figures printed) and the short vitest form (10 kills, generous bounds).
 *
 * What it checks (each violation is a line in `violations`):
 * - every failed request failed with E_PLUGIN_CRASHED and was in flight on a killed instance's
 *   plugin at the kill (sent before, or within `attributionMs` after it — before the conductor
 *   could see the exit — and answered after it); idempotent requests do not fail at all (retried
 *   once on the other instance); every answer that succeeded is the right answer;
 * - every killed instance is replaced: its plugin is `ready` with its 2 instances again, none of
 *   them the dead pid, within `readyTimeoutMs` (the kill→ready time is measured by polling
 *   `GET /api/v1/plugins`);
 * - every crash is on record (`instance.crashed` events) and counted in `restarts`;
 * - SIGTERM then stops the conductor with exit code 0, and no process it ever ran (conductor or
 *   plugin instance, identified by pid and start time) is alive 10 s later.
 *
 * Kill pacing: the restart backoff is per plugin (200 ms × 1.5^n, reset after the plugin has been
 * up 30 s), so killing one plugin over and over measures the backoff policy, not how fast the
 * conductor replaces an instance. The driver models that backoff and kills only plugins that are
 * fully ready and whose next restart delay stays within `maxBackoffAttempts` steps; the printed
 * figures say how much of each kill→ready time was the policy's own delay.
 */
import type { PluginSummary } from '../../src/shared/domain';
import { ConductorSandbox, fullyReady, metricValue, waitFor, type Outcome, type RunningConductor } from './lib/conductor-sandbox';
import { startLoad } from './lib/load';
import { percentile, seededRandom } from './lib/stats';

export interface ChaosOptions {
  /** SIGKILLs of plugin instances. */
  kills: number;
  /** Load workers (requests in flight at most). */
  concurrency: number;
  /** Steady load, requests per second over all plugins. */
  ratePerSec: number;
  /** Random pause between kills, ms (min, max). */
  killGapMs: readonly [number, number];
  /** A plugin is killed only while its modelled restart backoff is below this many steps (4: ≤ 675 ms). */
  maxBackoffAttempts: number;
  /** Bound of the whole run, ms: the load stops and the run fails past it. */
  maxMs: number;
  /** A killed instance must be replaced within this, ms. */
  readyTimeoutMs: number;
  /** A failed request counts as in flight on a killed instance when sent at most this long after the kill, ms. */
  attributionMs: number;
  seed: number;
  log: (line: string) => void;
}

export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  kills: 100,
  concurrency: 12,
  ratePerSec: 150,
  killGapMs: [200, 800],
  maxBackoffAttempts: 4,
  maxMs: 15 * 60_000,
  readyTimeoutMs: 30_000,
  attributionMs: 2_000,
  seed: 1,
  log: () => undefined,
};

/** The plugins killed (2 instances each) and the one never killed, used as a latency probe. */
const TARGETS = ['echo-a', 'echo-b', 'echo-c', 'slow-a', 'slow-b', 'counter'] as const;
const PROBE = 'probe';
const INSTANCES = 2;
/** The restart backoff's defaults (src/main/health/restart-backoff.ts), modelled here. */
const BACKOFF = { firstMs: 200, factor: 1.5, maxMs: 15_000, resetAfterStableMs: 30_000 };
/** prom-client samples the event loop delay with monitorEventLoopDelay at this resolution; its figures include it. */
const ELD_RESOLUTION_MS = 10;

export interface RequestRecord {
  i: number;
  plugin: string;
  idempotent: boolean;
  start: number;
  end: number;
  outcome: Outcome;
}

export interface KillRecord {
  n: number;
  plugin: string;
  pid: number;
  at: number;
  /** When `GET /api/v1/plugins` first showed the plugin fully ready without the dead pid. */
  readyAt: number | null;
  /** Backoff step the conductor is (as modelled) on for this crash, and its base delay. */
  backoffAttempt: number;
  backoffBaseMs: number;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'log'>;
  durationMs: number;
  requests: { total: number; ok: number; failed: number; byCode: Record<string, number>; idempotentFailed: number; ratePerSec: number };
  kills: KillRecord[];
  timeToReadyMs: { p50: number | null; p95: number | null; max: number | null };
  /** kill→ready minus the modelled backoff base delay (before jitter): about what the conductor adds (detect, spawn, activate). */
  beyondBackoffMs: { p50: number | null; p95: number | null; max: number | null };
  lag: {
    /** p99 of the conductor's event-loop delay histogram over the run (`/metrics`), minus its 10 ms sampling interval. */
    eventLoopP99Ms: number | null;
    eventLoopMaxMs: number | null;
    /** Round trip of a trivial request (plugin `probe`, never killed) over HTTP, every 100 ms: a proxy. */
    probeP50Ms: number | null;
    probeP99Ms: number | null;
  };
  restartsReported: number;
  crashEvents: number;
  exit: { code: number | null; signal: string | null } | null;
  orphans: number[];
  pidsSeen: number;
  violations: string[];
}

export async function runChaos(partial: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const o: ChaosOptions = { ...DEFAULT_CHAOS_OPTIONS, ...partial };
  const random = seededRandom(o.seed);
  const violations: string[] = [];
  const box = new ConductorSandbox('chaos');
  const restart = { maxCrashes: 1000, windowMs: 60_000 };
  const fixed = { instances: { min: INSTANCES, max: INSTANCES }, restart };
  for (const name of TARGETS) {
    const source = name.startsWith('echo') ? 'echo' : name.startsWith('slow') ? 'slow' : 'counter';
    box.copyPlugin(source, { as: name, manifest: { ...fixed, capabilities: [`chaos.${name}`] } });
  }
  box.copyPlugin('echo', { as: PROBE, manifest: { instances: { min: 1, max: 1 }, restart, capabilities: ['chaos.probe'] } });

  const kills: KillRecord[] = [];
  let running: RunningConductor | null = null;
  const t0 = Date.now();
  try {
    running = await box.start();
    const api = running.api;
    await waitFor(
      async () => {
        const ps = await api.plugins();
        return TARGETS.every((n) => fullyReady(ps.find((p) => p.name === n), INSTANCES)) && fullyReady(ps.find((p) => p.name === PROBE), 1);
      },
      'every plugin ready',
      60_000,
      50,
    );
    await api.metrics(); // resets the event-loop delay histogram: the end scrape covers the run

    // ---- the load ----
    const load = startLoad<RequestRecord>({
      concurrency: o.concurrency,
      ratePerSec: o.ratePerSec,
      maxRequests: Math.ceil((o.ratePerSec * o.maxMs) / 1000),
      maxMs: o.maxMs,
      send: async (i) => {
        const plugin = TARGETS[Math.floor(random() * TARGETS.length)]!;
        const idempotent = plugin !== 'counter' && random() < 0.5;
        const payload = plugin.startsWith('echo') ? { i } : plugin.startsWith('slow') ? { ms: 5 + Math.floor(random() * 30) } : { by: 1 };
        const start = Date.now();
        const outcome = await api.send({ plugin, payload, idempotent, timeoutMs: 10_000 });
        const end = Date.now();
        if (outcome.ok && !rightAnswer(plugin, payload, outcome.value)) {
          violations.push(`wrong answer from ${plugin} to ${JSON.stringify(payload)}: ${JSON.stringify(outcome.value)}`);
        }
        return { i, plugin, idempotent, start, end, outcome };
      },
    });

    // ---- the latency probe: a trivial request every 100 ms to a plugin never killed ----
    const probe: number[] = [];
    let probing = true;
    const probeDone = (async () => {
      while (probing) {
        const s = performance.now();
        const r = await api.send({ plugin: PROBE, payload: 'p', timeoutMs: 10_000 });
        if (r.ok) probe.push(performance.now() - s);
        else violations.push(`probe request failed: ${r.code} ${r.message}`);
        await pauseMs(100);
      }
    })();

    // ---- time to ready: one poller for every pending kill ----
    const pending = new Map<string, KillRecord>();
    const model = new Map<string, { attempts: number; upAt: number }>(TARGETS.map((n) => [n, { attempts: 0, upAt: Date.now() }]));
    let polling = true;
    const pollerDone = (async () => {
      while (polling || pending.size > 0) {
        if (pending.size > 0) {
          const ps = await api.plugins().catch(() => null);
          const now = Date.now();
          for (const [name, k] of pending) {
            if (ps && fullyReady(ps.find((p) => p.name === name), INSTANCES, k.pid)) {
              k.readyAt = now;
              model.get(name)!.upAt = now;
              pending.delete(name);
            } else if (now - k.at > o.readyTimeoutMs) {
              violations.push(`kill #${k.n} (${name} pid ${k.pid}): not ready again within ${o.readyTimeoutMs} ms`);
              pending.delete(name);
            }
          }
        }
        await pauseMs(25);
      }
    })();

    // ---- the kills ----
    const eligible = (ps: PluginSummary[], now: number) =>
      ps.filter((p) => {
        if (!(TARGETS as readonly string[]).includes(p.name) || pending.has(p.name) || !fullyReady(p, INSTANCES)) return false;
        const m = model.get(p.name)!;
        return now - m.upAt >= BACKOFF.resetAfterStableMs || m.attempts < o.maxBackoffAttempts;
      });
    for (let n = 1; n <= o.kills; n++) {
      if (Date.now() - t0 > o.maxMs) {
        violations.push(`run bound of ${o.maxMs} ms passed after ${n - 1} kills`);
        break;
      }
      await pauseMs(o.killGapMs[0] + random() * (o.killGapMs[1] - o.killGapMs[0]));
      const choice = await waitFor(
        async () => {
          const ps = await api.plugins();
          const ok = eligible(ps, Date.now());
          return ok.length > 0 ? ok[Math.floor(random() * ok.length)]! : null;
        },
        'a plugin fully ready to kill',
        60_000,
        50,
      );
      const victim = choice.instances[Math.floor(random() * choice.instances.length)]!;
      const m = model.get(choice.name)!;
      const at = Date.now();
      if (at - m.upAt >= BACKOFF.resetAfterStableMs) m.attempts = 0;
      const record: KillRecord = {
        n,
        plugin: choice.name,
        pid: victim.pid!,
        at,
        readyAt: null,
        backoffAttempt: m.attempts,
        backoffBaseMs: Math.min(BACKOFF.maxMs, BACKOFF.firstMs * BACKOFF.factor ** m.attempts),
      };
      m.attempts++;
      pending.set(choice.name, record);
      kills.push(record);
      process.kill(victim.pid!, 'SIGKILL');
      if (n % 10 === 0 || n === o.kills) o.log(`chaos: ${n}/${o.kills} kills, ${load.sent()} requests sent, ${pending.size} instance(s) coming back`);
    }
    polling = false;
    await pollerDone;
    load.stop();
    const records = await load.done;
    probing = false;
    await probeDone;
    const metricsText = await api.metrics();
    const durationMs = Date.now() - t0;

    // ---- the verdicts ----
    for (const r of records) {
      if (r.outcome.ok) continue;
      const failed = r.outcome;
      if (failed.code !== 'E_PLUGIN_CRASHED') {
        violations.push(`request ${r.i} to ${r.plugin} failed with ${failed.code} (${failed.message}): only E_PLUGIN_CRASHED is expected`);
        continue;
      }
      const killedUnder = kills.some((k) => k.plugin === r.plugin && k.at <= r.end && r.start <= k.at + o.attributionMs);
      if (!killedUnder) violations.push(`request ${r.i} to ${r.plugin} failed with E_PLUGIN_CRASHED but no instance of ${r.plugin} was killed while it was in flight`);
      if (r.idempotent) violations.push(`idempotent request ${r.i} to ${r.plugin} failed (${failed.message}): it should have been retried once on the other instance`);
    }
    const ps = await api.plugins();
    for (const name of TARGETS) {
      if (!fullyReady(ps.find((p) => p.name === name), INSTANCES)) violations.push(`${name} is not fully ready at the end`);
    }
    const restartsReported = ps.filter((p) => (TARGETS as readonly string[]).includes(p.name)).reduce((sum, p) => sum + p.restarts, 0);
    if (restartsReported < kills.length) violations.push(`plugins report ${restartsReported} restarts for ${kills.length} kills`);
    const crashes = await api.must<{ events: { data: Record<string, unknown> }[] }>('events:query', { kind: 'instance.crashed', limit: 1000 });
    const crashEvents = crashes.events.filter((e) => e.data.signal === 'SIGKILL').length;
    if (crashEvents !== kills.length) violations.push(`${crashEvents} instance.crashed (SIGKILL) events stored for ${kills.length} kills`);

    // ---- shutdown and orphans ----
    const exit = await running.proc.stop('SIGTERM', 30_000);
    running = null;
    if (exit.code !== 0) violations.push(`the conductor exited with ${exit.code ?? exit.signal} after SIGTERM, expected 0`);
    const orphans = await box.orphans(10_000);
    if (orphans.length > 0) violations.push(`processes still alive 10 s after shutdown: ${orphans.join(', ')}`);

    const ready = kills.filter((k) => k.readyAt !== null);
    const ttr = ready.map((k) => k.readyAt! - k.at);
    const beyond = ready.map((k) => k.readyAt! - k.at - k.backoffBaseMs);
    const byCode: Record<string, number> = {};
    for (const r of records) {
      const key = r.outcome.ok ? 'ok' : r.outcome.code;
      byCode[key] = (byCode[key] ?? 0) + 1;
    }
    const p99 = metricValue(metricsText, 'conductor_process_nodejs_eventloop_lag_p99_seconds');
    const max = metricValue(metricsText, 'conductor_process_nodejs_eventloop_lag_max_seconds');
    const { log: _log, ...shown } = o;
    return {
      options: shown,
      durationMs,
      requests: {
        total: records.length,
        ok: byCode.ok ?? 0,
        failed: records.length - (byCode.ok ?? 0),
        byCode,
        idempotentFailed: records.filter((r) => r.idempotent && !r.outcome.ok).length,
        ratePerSec: records.length / (Math.max(1, records.reduce((m, r) => Math.max(m, r.end), 0) - records.reduce((m, r) => Math.min(m, r.start), Infinity)) / 1000),
      },
      kills,
      timeToReadyMs: { p50: percentile(ttr, 50), p95: percentile(ttr, 95), max: percentile(ttr, 100) },
      beyondBackoffMs: { p50: percentile(beyond, 50), p95: percentile(beyond, 95), max: percentile(beyond, 100) },
      lag: {
        eventLoopP99Ms: p99 === null ? null : Math.max(0, p99 * 1000 - ELD_RESOLUTION_MS),
        eventLoopMaxMs: max === null ? null : Math.max(0, max * 1000 - ELD_RESOLUTION_MS),
        probeP50Ms: percentile(probe, 50),
        probeP99Ms: percentile(probe, 99),
      },
      restartsReported,
      crashEvents,
      exit,
      orphans,
      pidsSeen: box.seen.size,
      violations,
    };
  } finally {
    if (running) await running.proc.stop('SIGKILL', 5_000).catch(() => undefined);
    await box.dispose();
  }
}

function rightAnswer(plugin: string, payload: Record<string, unknown>, value: unknown): boolean {
  const v = value as Record<string, unknown> | null;
  if (plugin.startsWith('echo')) return JSON.stringify(v) === JSON.stringify({ echo: payload });
  if (plugin.startsWith('slow')) return v?.slept === payload.ms;
  return typeof v?.value === 'number' && Number.isSafeInteger(v.value) && v.value >= 1;
}

/** A pacing pause between kills or probes — never a wait for a condition (those poll with a bound). */
function pauseMs(msToWait: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

/** The report as printed lines. */
export function formatChaos(r: ChaosReport, goals = { p95ReadyMs: 2000, lagMs: 50 }): string[] {
  const f = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v)} ms`);
  const attempts = new Map<number, number>();
  for (const k of r.kills) attempts.set(k.backoffAttempt, (attempts.get(k.backoffAttempt) ?? 0) + 1);
  const lagMet = r.lag.eventLoopP99Ms !== null && r.lag.eventLoopP99Ms <= goals.lagMs;
  return [
    `chaos (seed ${r.options.seed}): ${r.kills.length} kill -9 of plugin instances in ${(r.durationMs / 1000).toFixed(1)} s under ${r.requests.ratePerSec.toFixed(0)} req/s (${r.options.concurrency} in flight at most)`,
    `requests: ${r.requests.total} sent, ${r.requests.ok} ok, ${r.requests.failed} failed ${JSON.stringify(r.requests.byCode)}; idempotent failed: ${r.requests.idempotentFailed}`,
    `time to ready after kill: p50 ${f(r.timeToReadyMs.p50)}, p95 ${f(r.timeToReadyMs.p95)}, max ${f(r.timeToReadyMs.max)}  (goal p95 ≤ ${goals.p95ReadyMs} ms: ${r.timeToReadyMs.p95 !== null && r.timeToReadyMs.p95 <= goals.p95ReadyMs ? 'met' : 'MISSED'})`,
    `  of which beyond the restart backoff's base delay (before its jitter): p50 ${f(r.beyondBackoffMs.p50)}, p95 ${f(r.beyondBackoffMs.p95)}, max ${f(r.beyondBackoffMs.max)}; backoff steps used ${JSON.stringify(Object.fromEntries([...attempts].sort((a, b) => a[0] - b[0])))}`,
    `event-loop lag p99 (conductor's monitorEventLoopDelay via /metrics, minus its 10 ms resolution): ${f(r.lag.eventLoopP99Ms)}, max ${f(r.lag.eventLoopMaxMs)}  (goal ≤ ${goals.lagMs} ms: ${lagMet ? 'met' : 'MISSED'})`,
    `trivial request round trip over HTTP (proxy, plugin never killed): p50 ${f(r.lag.probeP50Ms)}, p99 ${f(r.lag.probeP99Ms)}`,
    `restarts reported ${r.restartsReported}, instance.crashed events ${r.crashEvents}; exit after SIGTERM ${r.exit ? (r.exit.code ?? r.exit.signal) : 'n/a'}; orphans ${r.orphans.length} of ${r.pidsSeen} processes seen`,
    r.violations.length === 0 ? 'invariants: all held' : `invariants VIOLATED (${r.violations.length}):\n  ${r.violations.slice(0, 30).join('\n  ')}`,
  ];
}
