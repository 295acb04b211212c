import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import si from 'systeminformation';
import { systemClock, type Clock } from '../common/clock';

/** One process's use of the machine. */
export interface ProcessUsage {
  /** CPU time over wall time, in percent of one core (a process using two cores fully shows 200). */
  cpuPercent: number;
  /** Resident set size, bytes. */
  rssBytes: number;
}

/** Per-pid CPU and memory; one function per OS behind this interface. */
export interface ProcessSampler {
  /**
   * Usage of each pid that is alive; a pid that is gone (or a zombie) is absent from the map.
   * CPU is measured between this call and the previous one that saw the same pid; on the first
   * sight of a pid it is the average since the process started.
   */
  sampleProcesses(pids: readonly number[]): Promise<Map<number, ProcessUsage>>;
}

export interface ProcessSamplerOptions {
  /** Which implementation to use. Default `process.platform`: Linux reads /proc, the rest ask systeminformation. */
  platform: NodeJS.Platform;
  /** Where procfs is mounted (Linux). Default '/proc'. */
  procRoot: string;
  /** Kernel clock ticks per second for /proc's CPU times; null reads `getconf CLK_TCK` once (100 if that fails). Default null. */
  clockTicksPerSecond: number | null;
  /** Wall time for the CPU deltas. Default the system clock. */
  clock: Clock;
}

export const DEFAULT_PROCESS_SAMPLER_OPTIONS: Readonly<ProcessSamplerOptions> = Object.freeze({
  platform: process.platform,
  procRoot: '/proc',
  clockTicksPerSecond: null,
  clock: systemClock,
});

/** Picks the implementation for the platform. Throws an Error naming a bad option. */
export function createProcessSampler(partial: Partial<ProcessSamplerOptions> = {}): ProcessSampler {
  const o: ProcessSamplerOptions = { ...DEFAULT_PROCESS_SAMPLER_OPTIONS };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  if (typeof o.platform !== 'string' || o.platform.length === 0) throw new Error(`ProcessSamplerOptions.platform must be a platform name, got ${String(o.platform)}`);
  if (typeof o.procRoot !== 'string' || o.procRoot.length === 0) throw new Error(`ProcessSamplerOptions.procRoot must be a path, got ${String(o.procRoot)}`);
  if (o.clockTicksPerSecond !== null && !(Number.isFinite(o.clockTicksPerSecond) && o.clockTicksPerSecond > 0)) {
    throw new Error(`ProcessSamplerOptions.clockTicksPerSecond must be a positive number or null, got ${String(o.clockTicksPerSecond)}`);
  }
  if (typeof o.clock?.now !== 'function') throw new Error('ProcessSamplerOptions.clock must be a Clock');
  return o.platform === 'linux' ? linuxProcessSampler(o.procRoot, o.clockTicksPerSecond ?? clockTicksPerSecond(), o.clock) : systemInformationProcessSampler();
}

/** A pid's last reading is kept this long without being asked about again. */
const FORGET_AFTER_MS = 10 * 60_000;

let cachedTicks: number | null = null;

/** `getconf CLK_TCK`, read once per process; 100 (Linux's USER_HZ nearly everywhere) when it cannot be read. */
export function clockTicksPerSecond(): number {
  if (cachedTicks !== null) return cachedTicks;
  try {
    const value = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim(), 10);
    cachedTicks = Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    cachedTicks = 100;
  }
  return cachedTicks;
}

/** What /proc says about one process, or null when it is gone or a zombie. */
export interface ProcStat {
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Start time after boot, in clock ticks. */
  startTicks: number;
  rssBytes: number;
}

/**
 * Parses /proc/<pid>/stat and /proc/<pid>/status. The command name (field 2) is in parentheses
 * and may itself hold spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseProcStat(stat: string, status: string): ProcStat | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // After ')': state(3) ppid(4) … utime(14) stime(15) … starttime(22); index 0 here is field 3.
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  const state = fields[0];
  if (state === undefined || state === 'Z' || state === 'X' || state === 'x') return null;
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const start = Number(fields[19]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(start)) return null;
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  // A process without VmRSS is a kernel thread or is exiting: nothing to report.
  if (rss === null) return null;
  return { cpuTicks: utime + stime, startTicks: start, rssBytes: Number(rss[1]) * 1024 };
}

/** Linux: /proc, CPU from the change of utime+stime between samples over the wall time between them. */
function linuxProcessSampler(procRoot: string, ticksPerSecond: number, clock: Clock): ProcessSampler {
  // Previous reading per pid; the start time tells a reused pid from the same process.
  const previous = new Map<number, { cpuTicks: number; startTicks: number; at: number }>();

  const read = async (pid: number): Promise<ProcStat | null> => {
    try {
      const [stat, status] = await Promise.all([readFile(`${procRoot}/${pid}/stat`, 'utf8'), readFile(`${procRoot}/${pid}/status`, 'utf8')]);
      return parseProcStat(stat, status);
    } catch {
      return null; // gone (ENOENT / ESRCH) or not ours to read
    }
  };

  const uptimeSeconds = async (): Promise<number | null> => {
    try {
      const value = Number.parseFloat((await readFile(`${procRoot}/uptime`, 'utf8')).split(' ')[0] ?? '');
      return Number.isFinite(value) ? value : null;
    } catch {
      return null;
    }
  };

  return {
    async sampleProcesses(pids) {
      const unique = [...new Set(pids)].filter((pid) => Number.isInteger(pid) && pid > 0);
      const readings = await Promise.all(unique.map(read));
      const at = clock.now();
      const needUptime = unique.some((pid, i) => readings[i] !== null && previous.get(pid)?.startTicks !== readings[i]!.startTicks);
      const uptime = needUptime ? await uptimeSeconds() : null;
      const out = new Map<number, ProcessUsage>();
      unique.forEach((pid, i) => {
        const r = readings[i];
        if (!r) {
          previous.delete(pid);
          return;
        }
        const before = previous.get(pid);
        let cpuPercent = 0;
        if (before && before.startTicks === r.startTicks) {
          const wallSeconds = (at - before.at) / 1000;
          if (wallSeconds > 0) cpuPercent = ((r.cpuTicks - before.cpuTicks) / ticksPerSecond / wallSeconds) * 100;
        } else if (uptime !== null) {
          const aliveSeconds = uptime - r.startTicks / ticksPerSecond;
          if (aliveSeconds > 0) cpuPercent = (r.cpuTicks / ticksPerSecond / aliveSeconds) * 100;
        }
        out.set(pid, { cpuPercent: Math.max(0, Math.round(cpuPercent * 10) / 10), rssBytes: r.rssBytes });
        previous.set(pid, { cpuTicks: r.cpuTicks, startTicks: r.startTicks, at });
      });
      // Callers may sample different sets of pids (e.g. one plugin at a time), so a pid not asked
      // about is kept; one gone is dropped above, and one not asked about for 10 min is forgotten.
      for (const [pid, entry] of previous) if (at - entry.at > FORGET_AFTER_MS) previous.delete(pid);
      return out;
    },
  };
}

/**
 * Elsewhere: systeminformation's process list filtered by pid (its `cpu` is its own
 * between-calls figure; `memRss` is in KiB). Not `processLoad`, which matches by name.
 * systeminformation answers calls less than 500 ms apart from its cache, so sample at most
 * twice a second (the health tick is 1 s).
 */
function systemInformationProcessSampler(): ProcessSampler {
  return {
    async sampleProcesses(pids) {
      const wanted = new Set(pids);
      const out = new Map<number, ProcessUsage>();
      if (wanted.size === 0) return out;
      const { list } = await si.processes();
      for (const p of list) {
        if (wanted.has(p.pid)) out.set(p.pid, { cpuPercent: Math.max(0, Math.round(p.cpu * 10) / 10), rssBytes: Math.max(0, p.memRss) * 1024 });
      }
      return out;
    },
  };
}
