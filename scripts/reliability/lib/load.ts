/**
 * A steady, bounded load: `concurrency` workers, each sending one request at a time, paced so the
 * whole stays at about `ratePerSec` (a worker that falls behind sends at once but never bursts to
 * catch up). It stops when `stop()` is called, when `maxRequests` were sent or when `maxMs`
 * passed — whichever comes first — and `done` resolves once every request has been answered.
 */
export interface LoadOptions<R> {
  concurrency: number;
  ratePerSec: number;
  maxRequests: number;
  maxMs: number;
  /** Sends request number `i` and returns its record; must not reject. */
  send: (i: number) => Promise<R>;
}

export interface Load<R> {
  readonly records: R[];
  stop(): void;
  done: Promise<R[]>;
  sent(): number;
}

export function startLoad<R>(o: LoadOptions<R>): Load<R> {
  const records: R[] = [];
  let next = 0;
  let stopped = false;
  const t0 = Date.now();
  const periodMs = (o.concurrency * 1000) / o.ratePerSec;
  /** Pacing pauses in progress: `stop()` ends them at once. */
  const pauses = new Map<NodeJS.Timeout, () => void>();
  const pause = (msToWait: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        pauses.delete(t);
        resolve();
      }, msToWait);
      pauses.set(t, resolve);
    });

  const worker = async (w: number) => {
    let due = t0 + (w * 1000) / o.ratePerSec;
    while (!stopped && next < o.maxRequests && Date.now() - t0 < o.maxMs) {
      const wait = due - Date.now();
      if (wait > 0) await pause(wait);
      if (stopped || next >= o.maxRequests) break;
      const i = next++;
      records.push(await o.send(i));
      due = Math.max(due + periodMs, Date.now());
    }
  };
  const done = Promise.all(Array.from({ length: o.concurrency }, (_v, w) => worker(w))).then(() => {
    stopped = true;
    return records;
  });
  return {
    records,
    stop() {
      stopped = true;
      // Pacing pauses end at once; requests in flight are still awaited by `done`.
      for (const [t, resolve] of pauses) {
        clearTimeout(t);
        resolve();
      }
      pauses.clear();
    },
    done,
    sent: () => next,
  };
}
