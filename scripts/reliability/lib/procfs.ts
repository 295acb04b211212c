/**
 * Process facts from /proc (Linux, the platform tested here): liveness that tells a zombie from a
 * live process, resident memory and open file descriptors. Every function answers `null` or
 * `false` for a pid that is gone instead of throwing.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** True while `pid` exists and is not a zombie (a zombie has exited; only its parent has not reaped it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S …": the state follows the last ')' (comm may contain spaces and parentheses).
    const close = stat.lastIndexOf(')');
    return stat.slice(close + 2, close + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILLs `pid`'s process group and `pid` itself; never throws. */
export function killHard(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Resident set size in bytes (VmRSS), or null when the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Open file descriptors (entries of /proc/<pid>/fd), or null when the process is gone. */
export function openFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/**
 * A process's start time (field 22 of /proc/<pid>/stat, clock ticks since boot), or null when it
 * is gone. With pid_max often 32768, pids are reused within a long run: pid + start time names one
 * process for good.
 */
export function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** One process for good: its pid and start time. */
export interface ProcessIdentity {
  pid: number;
  start: string;
}

export function identify(pid: number): ProcessIdentity | null {
  const start = startTime(pid);
  return start === null ? null : { pid, start };
}

/** True while that very process (not a later one with the same pid) is alive. */
export function isSameAlive(id: ProcessIdentity): boolean {
  return isAlive(id.pid) && startTime(id.pid) === id.start;
}

/** SIGKILLs that very process (and its group) if it is still alive; never throws. */
export function killIdentity(id: ProcessIdentity): void {
  if (isSameAlive(id)) killHard(id.pid);
}

/** Polls until none of `ids` is alive or `timeoutMs` passes; returns the ones still alive. */
export async function waitAllGone(ids: Iterable<ProcessIdentity>, timeoutMs = 10_000, intervalMs = 50): Promise<ProcessIdentity[]> {
  const until = Date.now() + timeoutMs;
  const list = [...ids];
  for (;;) {
    const alive = list.filter(isSameAlive);
    if (alive.length === 0 || Date.now() >= until) return alive;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
