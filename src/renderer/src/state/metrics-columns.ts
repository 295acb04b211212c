/** Turns `metrics:history` samples into the column arrays the charts draw (pure, tested). */
import type { PluginSample, RequestSample, SystemResources } from '../../../shared/domain';

export interface Columns<K extends string> {
  ts: number[];
  values: Record<K, (number | null)[]>;
}

export function columns<T, K extends string>(samples: readonly T[], tsOf: (s: T) => number, pick: Record<K, (s: T) => number | null>): Columns<K> {
  const keys = Object.keys(pick) as K[];
  const values = Object.fromEntries(keys.map((k) => [k, [] as (number | null)[]])) as Record<K, (number | null)[]>;
  const ts: number[] = [];
  for (const s of samples) {
    ts.push(tsOf(s));
    for (const k of keys) values[k].push(pick[k](s));
  }
  return { ts, values };
}

export const systemColumns = (samples: readonly SystemResources[]) =>
  columns(samples, (s) => s.sampledAt, {
    cpu: (s) => s.cpuPercent,
    mem: (s) => s.memUsedBytes,
  });

export const requestColumns = (samples: readonly RequestSample[]) =>
  columns(samples, (s) => s.ts, {
    rate: (s) => s.ratePerSec,
    errors: (s) => s.errorsPerSec,
    inFlight: (s) => s.inFlight,
    p50: (s) => s.p50Ms,
    p99: (s) => s.p99Ms,
  });

export const pluginColumns = (samples: readonly PluginSample[]) =>
  columns(samples, (s) => s.ts, {
    rate: (s) => s.ratePerSec,
    errors: (s) => s.errorsPerSec,
    inFlight: (s) => s.inFlight,
    instances: (s) => s.instances,
    cpu: (s) => s.cpuPercent,
    rss: (s) => s.rssBytes,
  });
