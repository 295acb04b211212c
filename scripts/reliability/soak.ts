/**
 * `npm run soak` (not in CI) — a real headless conductor under a steady load through its HTTP API
 * for N minutes, with a kill -9 of a random plugin instance every minute. Prints, per minute, the
 * conductor's RSS (/proc), V8 heap used (/metrics) and open file descriptors (/proc/<pid>/fd),
 * then the growth of each (medians of 5 s samples) from the end of the warm-up to the last minute,
 * and the requests lost: sent but never answered (every request must get an answer, ok or a typed
 * error), and counter increments acknowledged but missing from the stored count.
 * Goals: growth < 10 % after the warm-up and nothing lost. Exits 1 when a goal is missed. Needs
 * `npm run build`.
 *
 * Warm-up (`--warmup`, default 3 minutes, at most half the run): the first minutes fill bounded
 * buffers by design — the ~5 min of chart history, the 5000-entry live log, SQLite's page cache —
 * and JIT-compile; growth over them is printed too (first minute → last) but judged only after.
 *
 *   npm run soak -- --minutes 10 --rate 50 --concurrency 8 --seed 1 --warmup 3
 */
import type { PluginSummary } from '../../src/shared/domain';
import { ConductorSandbox, fullyReady, metricValue, waitFor, type Outcome } from './lib/conductor-sandbox';
import { startLoad } from './lib/load';
import { openFds, rssBytes } from './lib/procfs';
import { growthPercent, mib, numberFlags, pct, percentile, seededRandom } from './lib/stats';

const USAGE = 'usage: tsx scripts/reliability/soak.ts [--minutes N] [--rate REQ_PER_S] [--concurrency N] [--seed N] [--warmup MINUTES]';
const PLUGINS = ['echo', 'slow', 'counter'] as const;
const INSTANCES = 2;
const SAMPLE_MS = 5_000;
const MINUTE_MS = 60_000;
const GROWTH_GOAL_PERCENT = 10;

interface Sample {
  at: number;
  rss: number | null;
  heapUsed: number | null;
  fds: number | null;
  pluginProcesses: number;
}

interface Record_ {
  plugin: string;
  start: number;
  end: number;
  outcome: Outcome;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const pause = (msToWait: number) => new Promise<void>((resolve) => setTimeout(resolve, msToWait));

async function main(): Promise<number> {
  const flags = numberFlags(process.argv.slice(2), { minutes: 10, rate: 50, concurrency: 8, seed: 1, warmup: 3 }, USAGE);
  const random = seededRandom(flags.seed);
  const durationMs = flags.minutes * MINUTE_MS;
  const box = new ConductorSandbox('soak');
  for (const name of PLUGINS) box.copyPlugin(name, { manifest: { instances: { min: INSTANCES, max: INSTANCES }, restart: { maxCrashes: 1000, windowMs: 60_000 } } });
  const problems: string[] = [];
  try {
    const c = await box.start();
    const api = c.api;
    await waitFor(async () => {
      const ps = await api.plugins();
      return PLUGINS.every((n) => fullyReady(ps.find((p) => p.name === n), INSTANCES));
    }, 'every plugin ready', 60_000, 50);
    log(`soak: ${flags.minutes} min at ${flags.rate} req/s (${flags.concurrency} in flight at most), a kill -9 of a plugin instance every minute; conductor pid ${c.pid}`);

    let ackedIncrements = 0;
    const t0 = Date.now();
    const load = startLoad<Record_>({
      concurrency: flags.concurrency,
      ratePerSec: flags.rate,
      maxRequests: Math.ceil((flags.rate * durationMs) / 1000) + flags.concurrency,
      maxMs: durationMs,
      send: async (i) => {
        const plugin = PLUGINS[i % PLUGINS.length]!;
        const payload = plugin === 'echo' ? { i } : plugin === 'slow' ? { ms: 10 } : { by: 1 };
        const start = Date.now();
        // No client-side give-up before the server's own deadline: an unanswered request is lost.
        const outcome = await api.send({ plugin, payload, timeoutMs: 10_000 }, 60_000);
        if (outcome.ok && plugin === 'counter') ackedIncrements++;
        return { plugin, start, end: Date.now(), outcome };
      },
    });

    // Samples every 5 s; one kill at a random moment in each minute.
    const samples: Sample[] = [];
    const kills: { at: number; plugin: string; pid: number; readyMs: number | null }[] = [];
    let minute = 0;
    const printed = new Set<number>();
    let nextKillAt = t0 + random() * (MINUTE_MS - 10_000) + 5_000;
    let nextSampleAt = t0;
    while (Date.now() - t0 < durationMs) {
      const now = Date.now();
      if (now >= nextSampleAt) {
        nextSampleAt += SAMPLE_MS;
        const text = await api.metrics().catch(() => '');
        const ps = await api.plugins().catch((): PluginSummary[] => []);
        samples.push({
          at: now,
          rss: rssBytes(c.pid),
          heapUsed: metricValue(text, 'conductor_process_nodejs_heap_size_used_bytes'),
          fds: openFds(c.pid),
          pluginProcesses: ps.reduce((n, p) => n + p.instances.length, 0),
        });
      }
      if (now >= nextKillAt) {
        minute++;
        nextKillAt = t0 + minute * MINUTE_MS + random() * (MINUTE_MS - 10_000) + 5_000;
        const ps = await api.plugins();
        const candidates = ps.filter((p) => fullyReady(p, INSTANCES));
        const victimPlugin = candidates[Math.floor(random() * candidates.length)];
        if (victimPlugin) {
          const victim = victimPlugin.instances[Math.floor(random() * victimPlugin.instances.length)]!;
          const k = { at: Date.now(), plugin: victimPlugin.name, pid: victim.pid!, readyMs: null as number | null };
          kills.push(k);
          process.kill(victim.pid!, 'SIGKILL');
          void waitFor(async () => fullyReady((await api.plugins()).find((p) => p.name === k.plugin), INSTANCES, k.pid), 'ready', 30_000, 50)
            .then(() => (k.readyMs = Date.now() - k.at))
            .catch(() => problems.push(`kill of ${k.plugin} pid ${k.pid}: not ready again within 30 s`));
        }
      }
      const m = Math.floor((now - t0) / MINUTE_MS);
      const inMinute = samples.filter((s) => Math.floor((s.at - t0) / MINUTE_MS) === m - 1);
      if (m > 0 && inMinute.length > 0 && !printed.has(m - 1)) {
        printed.add(m - 1);
        const med = medians(inMinute);
        log(`  minute ${m}: rss ${mib(med.rss)}, heap used ${mib(med.heapUsed)}, fds ${med.fds ?? 'n/a'}, plugin processes ${med.pluginProcesses}, requests answered ${load.records.length}`);
      }
      await pause(Math.max(10, Math.min(nextSampleAt, nextKillAt) - Date.now()));
    }
    load.stop();
    const records = await load.done;
    await waitFor(() => kills.every((k) => k.readyMs !== null) || problems.length > 0, 'the last killed instance back', 30_000, 50).catch(() => undefined);

    // Counter: the stored count must hold every acknowledged increment.
    const counted = await api.send({ plugin: 'counter', payload: { by: 0 }, timeoutMs: 10_000 });
    const count = counted.ok ? (counted.value as { value: number }).value : null;
    const exit = await c.proc.stop('SIGTERM', 30_000);
    const orphans = await box.orphans(10_000);

    // ---- figures ----
    const minutes = Math.max(1, Math.floor(durationMs / MINUTE_MS));
    const firstMinute = medians(samples.filter((s) => s.at - t0 < MINUTE_MS));
    const lastMinute = medians(samples.filter((s) => s.at - t0 >= (minutes - 1) * MINUTE_MS));
    const growth = {
      rss: growthPercent(firstMinute.rss, lastMinute.rss),
      heapUsed: growthPercent(firstMinute.heapUsed, lastMinute.heapUsed),
      fds: growthPercent(firstMinute.fds, lastMinute.fds),
    };
    // Judged from the first minute after the warm-up (at most half the run) to the last.
    const mid = Math.min(Math.floor(flags.warmup), Math.floor(minutes / 2));
    const midMinute = medians(samples.filter((s) => Math.floor((s.at - t0) / MINUTE_MS) === mid));
    const secondHalf = {
      rss: growthPercent(midMinute.rss, lastMinute.rss),
      heapUsed: growthPercent(midMinute.heapUsed, lastMinute.heapUsed),
      fds: growthPercent(midMinute.fds, lastMinute.fds),
    };
    const lost = records.filter((r) => !r.outcome.ok && r.outcome.code === 'TRANSPORT');
    const byCode: Record<string, number> = {};
    for (const r of records) {
      const key = r.outcome.ok ? 'ok' : r.outcome.code;
      byCode[key] = (byCode[key] ?? 0) + 1;
    }
    const unexplained = records.filter((r) => !r.outcome.ok && r.outcome.code !== 'TRANSPORT' && !(r.outcome.code === 'E_PLUGIN_CRASHED' && kills.some((k) => k.plugin === r.plugin && k.at <= r.end && r.start <= k.at + 2_000)));
    const ready = kills.map((k) => k.readyMs).filter((v): v is number => v !== null);

    log('');
    log(`soak result: ${((Date.now() - t0) / 60_000).toFixed(1)} min, ${records.length} requests ${JSON.stringify(byCode)}, ${kills.length} kills (kill→ready p50 ${percentile(ready, 50) ?? 'n/a'} ms, max ${percentile(ready, 100) ?? 'n/a'} ms)`);
    log(`  growth after the ${mid}-minute warm-up (minute ${mid + 1} → last; judged), and over the whole run (first minute → last):`);
    log(`  conductor RSS     ${mib(midMinute.rss)} → ${mib(lastMinute.rss)}  ${pct(secondHalf.rss)}   (whole run ${mib(firstMinute.rss)} → ${mib(lastMinute.rss)}, ${pct(growth.rss)})`);
    log(`  V8 heap used      ${mib(midMinute.heapUsed)} → ${mib(lastMinute.heapUsed)}  ${pct(secondHalf.heapUsed)}   (whole run ${mib(firstMinute.heapUsed)} → ${mib(lastMinute.heapUsed)}, ${pct(growth.heapUsed)})`);
    log(`  open fds          ${midMinute.fds ?? 'n/a'} → ${lastMinute.fds ?? 'n/a'}  ${pct(secondHalf.fds)}   (whole run ${firstMinute.fds ?? 'n/a'} → ${lastMinute.fds ?? 'n/a'}, ${pct(growth.fds)})`);
    log(`  lost requests (sent, never answered): ${lost.length}; failed other than in flight on a killed instance: ${unexplained.length}`);
    log(`  counter: ${ackedIncrements} increments acknowledged, stored count ${count ?? 'n/a'} (${count !== null && count >= ackedIncrements ? 'none lost' : 'LOST'})`);
    log(`  exit after SIGTERM ${exit.code ?? exit.signal}; orphans ${orphans.length} of ${box.seen.size} processes seen`);

    for (const [what, g] of Object.entries(secondHalf)) if (g === null || g >= GROWTH_GOAL_PERCENT) problems.push(`${what} growth after the warm-up ${pct(g)} (goal < ${GROWTH_GOAL_PERCENT} %)`);
    if (lost.length > 0) problems.push(`${lost.length} requests never answered (first: ${lost[0]!.outcome.ok ? '' : lost[0]!.outcome.message})`);
    if (unexplained.length > 0) problems.push(`${unexplained.length} requests failed outside a kill (first: ${JSON.stringify(unexplained[0]!.outcome)})`);
    if (count === null || count < ackedIncrements) problems.push(`counter: ${ackedIncrements} acknowledged, stored ${count}`);
    if (exit.code !== 0) problems.push(`exit ${exit.code ?? exit.signal} after SIGTERM`);
    if (orphans.length > 0) problems.push(`orphans: ${orphans.join(', ')}`);
    log(problems.length === 0 ? 'goals: met (growth < 10 % after the warm-up, nothing lost)' : `goals MISSED:\n  ${problems.join('\n  ')}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await box.dispose();
  }
}

function medians(samples: readonly Sample[]): { rss: number | null; heapUsed: number | null; fds: number | null; pluginProcesses: number | null } {
  const of = (pick: (s: Sample) => number | null) => percentile(samples.map(pick).filter((v): v is number => v !== null), 50);
  return { rss: of((s) => s.rss), heapUsed: of((s) => s.heapUsed), fds: of((s) => s.fds), pluginProcesses: of((s) => s.pluginProcesses) };
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
