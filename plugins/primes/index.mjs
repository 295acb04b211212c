/**
 * primes — capability `math.nth-prime`: `{ n }` → `{ n, prime }`, the n-th prime (1-based), for
 * n from 1 to 1 000 000. A sieve of Eratosthenes up to Rosser's upper bound n(ln n + ln ln n):
 * for n = 1e6 that is a 16 MB byte array and roughly a tenth of a second of CPU.
 */
export const MAX_N = 1_000_000;
const SMALL = [2, 3, 5, 7, 11];

export function nthPrime(n) {
  if (n <= SMALL.length) return SMALL[n - 1];
  const limit = Math.ceil(n * (Math.log(n) + Math.log(Math.log(n))));
  const composite = new Uint8Array(limit + 1);
  let found = 0;
  for (let i = 2; i <= limit; i += 1) {
    if (composite[i] === 1) continue;
    found += 1;
    if (found === n) return i;
    for (let j = i * i; j <= limit; j += i) composite[j] = 1;
  }
  throw new Error(`primes: bound ${limit} too small for n = ${n}`); // unreachable (Rosser's theorem)
}

let log = null;

/** An input error: the caller gets E_BAD_REQUEST with this message. */
function badRequest(message) {
  return Object.assign(new Error(message), { code: 'E_BAD_REQUEST' });
}

export default {
  activate(ctx) {
    log = ctx?.log ?? null;
    log?.info('primes: ready');
  },

  handle(payload) {
    const n = payload?.n;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_N) {
      throw badRequest(`primes: n must be an integer from 1 to ${MAX_N}, got ${JSON.stringify(n) ?? String(n)}`);
    }
    return { n, prime: nthPrime(n) };
  },

  health() {
    return { status: 'ok' };
  },

  deactivate() {
    log?.info('primes: stopping');
  },
};
