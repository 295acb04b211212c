/**
 * A closed-loop load generator: `concurrency` lanes, each with one request outstanding; a lane
 * that gets its answer records the latency and sends the next, until `requests` answers are in
 * or `maxMs` has passed. Nothing is allocated per request by the harness itself: start times
 * live in a Float64Array per lane, latencies in one preallocated Float64Array, sorted once per run.
 */

/** One way of sending an echo. `send` must call `done(lane)` exactly once when `lane`'s answer is in. */
export interface Target {
  readonly name: string;
  /** What it is, for the table's legend. */
  readonly description: string;
  /** Hands `done` over once per run, before the first `send`. */
  bind(done: (lane: number) => void, fail: (error: unknown) => void): void;
  send(lane: number, payload: unknown): void;
  close(): Promise<void>;
}

export interface RunResult {
  /** Answers received (≤ requested when the time bound cut the run short). */
  completed: number;
  elapsedMs: number;
  reqPerSec: number;
  p50Us: number;
  p99Us: number;
  /** True when the run hit its time bound before all requests were answered. */
  capped: boolean;
}

/** Nanoseconds on the monotonic clock as a Number (exact below 2^53 ns ≈ 104 days of uptime). */
export const nowNs = (): number => Number(process.hrtime.bigint());

/** The small object every variant echoes. */
export const PAYLOAD = Object.freeze({ op: 'echo', n: 42, text: 'hello, conductor' });

export function runClosedLoop(target: Target, concurrency: number, requests: number, maxMs: number): Promise<RunResult> {
  const starts = new Float64Array(concurrency);
  const latencies = new Float64Array(requests);
  const deadlineNs = nowNs() + maxMs * 1e6;
  let issued = 0;
  let completed = 0;
  let stopped = false;
  let capped = false;
  let t0 = 0;

  return new Promise<RunResult>((resolve, reject) => {
    const finish = (wasCapped: boolean): void => {
      if (stopped) return;
      stopped = true;
      const elapsedNs = nowNs() - t0;
      const sorted = latencies.subarray(0, completed).sort();
      resolve({
        completed,
        elapsedMs: elapsedNs / 1e6,
        reqPerSec: completed / (elapsedNs / 1e9),
        p50Us: quantile(sorted, 0.5) / 1e3,
        p99Us: quantile(sorted, 0.99) / 1e3,
        capped: wasCapped,
      });
    };
    const done = (lane: number): void => {
      if (stopped) return;
      const t = nowNs();
      latencies[completed++] = t - starts[lane]!;
      if (issued < requests && !capped) {
        if (t <= deadlineNs) {
          issued++;
          starts[lane] = t;
          target.send(lane, PAYLOAD);
          return;
        }
        // Out of time: send no more, and finish once the lanes still outstanding are back (so no
        // stray answer reaches the next run).
        capped = true;
      }
      if (completed === issued) finish(capped);
    };
    const fail = (error: unknown): void => {
      if (stopped) return;
      stopped = true;
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    target.bind(done, fail);
    t0 = nowNs();
    const lanes = Math.min(concurrency, requests);
    for (let lane = 0; lane < lanes; lane++) {
      issued++;
      starts[lane] = nowNs();
      target.send(lane, PAYLOAD);
    }
  });
}

/** Nearest-rank quantile of an ascending array. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
