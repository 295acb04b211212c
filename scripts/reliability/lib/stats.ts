/** Small figures helpers for the reliability scripts. */

/** The `p`-th percentile (0..100) by nearest rank, or null for no samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function ms(value: number | null): string {
  return value === null ? 'n/a' : `${Math.round(value)} ms`;
}

export function mib(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Growth of `last` over `first`, percent (null when either is missing or first is 0). */
export function growthPercent(first: number | null, last: number | null): number | null {
  if (first === null || last === null || first === 0) return null;
  return ((last - first) / first) * 100;
}

export function pct(value: number | null): string {
  return value === null ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`;
}

/** A seeded PRNG (mulberry32), so a run can be repeated with `--seed`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses `--name value` / `--name=value` flags into numbers, with defaults; unknown flags throw. */
export function numberFlags<T extends Record<string, number>>(argv: readonly string[], defaults: T, usage: string): T {
  const out: Record<string, number> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    const m = /^--([a-zA-Z-]+)(?:=(.*))?$/.exec(arg);
    const key = m ? m[1]!.replace(/-([a-z])/g, (_s, c: string) => c.toUpperCase()) : '';
    if (!m || !(key in defaults)) throw new Error(`unknown option: ${arg}\n${usage}`);
    const raw = m[2] ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0) throw new Error(`--${m[1]}: expected a non-negative number, got ${JSON.stringify(raw)}`);
    out[key] = value;
  }
  return out as T;
}
