import type { RoutableInstance } from '../plugins/instance-types';

/** Why `pick` found no instance. */
export type PickMiss =
  /** No instance is `ready` or `degraded` (starting, scaled to zero, all down). */
  | 'none-routable'
  /** Some routable instance is at its concurrency limit: wait for it. */
  | 'all-busy'
  /** Every routable instance with room was refused by `admit` (breakers open) and none is busy. */
  | 'all-refused';

export interface BalancerOptions {
  /** With more instances than this, use power of two choices instead of a full scan. */
  p2cThreshold: number;
  /** A degraded instance's load counts this many times. */
  degradedLoadFactor: number;
  /** Uniform in [0, 1). */
  random: () => number;
}

/** Outstanding calls of an instance. */
export type LoadOf = (instance: RoutableInstance) => number;
/** Breaker predicate; null admits every instance. */
export type AdmitFn = ((instance: RoutableInstance) => boolean) | null;

/**
 * Chooses the instance with the least outstanding requests among the routable ones (`ready`, or
 * `degraded` with its load weighted by `degradedLoadFactor`); an instance at `maxConcurrent` is
 * busy. With many instances it samples two at random and takes the less loaded (power of two
 * choices). Iterates the array in place: no sorting, no allocation per pick. Ties go to the
 * earlier instance. Not reentrant (it keeps the miss reason in a field).
 */
export class LeastOutstandingBalancer {
  /** Why the last `pick` returned null. */
  miss: PickMiss = 'none-routable';
  private sawBusy = false;
  private sawRoutable = false;

  constructor(private readonly options: BalancerOptions) {}

  /**
   * The instance to send the next call to, or null (see `miss`). `exclude` is never picked (the
   * instance a retry comes from). Positional arguments: no object per pick.
   */
  pick(instances: readonly RoutableInstance[], maxConcurrent: number, load: LoadOf, admit: AdmitFn, exclude: RoutableInstance | null): RoutableInstance | null {
    this.sawBusy = false;
    this.sawRoutable = false;
    const n = instances.length;
    const chosen =
      n > this.options.p2cThreshold ? this.pickTwoChoices(instances, n, maxConcurrent, load, admit, exclude) : this.pickLeast(instances, n, maxConcurrent, load, admit, exclude);
    if (chosen === null) this.miss = this.sawBusy ? 'all-busy' : this.sawRoutable ? 'all-refused' : 'none-routable';
    return chosen;
  }

  /** Effective load used for comparison: (outstanding + 1) × weight, so an idle degraded instance still costs more than an idle ready one. */
  cost(instance: RoutableInstance, load: number): number {
    return instance.state === 'degraded' ? (load + 1) * this.options.degradedLoadFactor : load + 1;
  }

  private pickLeast(instances: readonly RoutableInstance[], n: number, max: number, load: LoadOf, admit: AdmitFn, exclude: RoutableInstance | null): RoutableInstance | null {
    let best: RoutableInstance | null = null;
    let bestCost = Infinity;
    for (let i = 0; i < n; i++) {
      const inst = instances[i]!;
      const l = this.candidateLoad(inst, max, load, exclude);
      if (l < 0) continue;
      const cost = this.cost(inst, l);
      if (cost >= bestCost) continue;
      if (admit !== null && !admit(inst)) continue;
      best = inst;
      bestCost = cost;
    }
    return best;
  }

  private pickTwoChoices(instances: readonly RoutableInstance[], n: number, max: number, load: LoadOf, admit: AdmitFn, exclude: RoutableInstance | null): RoutableInstance | null {
    const a = this.firstEligible(instances, n, Math.floor(this.options.random() * n) % n, -1, max, load, admit, exclude);
    if (a < 0) return null;
    const b = this.firstEligible(instances, n, Math.floor(this.options.random() * n) % n, a, max, load, admit, exclude);
    const first = instances[a]!;
    if (b < 0) return first;
    const second = instances[b]!;
    return this.cost(second, load(second)) < this.cost(first, load(first)) ? second : first;
  }

  /** Index of the first eligible instance scanning circularly from `start`, skipping `skip`; -1 if none. */
  private firstEligible(
    instances: readonly RoutableInstance[],
    n: number,
    start: number,
    skip: number,
    max: number,
    load: LoadOf,
    admit: AdmitFn,
    exclude: RoutableInstance | null,
  ): number {
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      if (i === skip) continue;
      const inst = instances[i]!;
      if (this.candidateLoad(inst, max, load, exclude) >= 0 && (admit === null || admit(inst))) return i;
    }
    return -1;
  }

  /** The load of a routable instance with room, or -1 (noting busy/routable for the miss reason). */
  private candidateLoad(inst: RoutableInstance, max: number, load: LoadOf, exclude: RoutableInstance | null): number {
    if (inst === exclude) return -1;
    const state = inst.state;
    if (state !== 'ready' && state !== 'degraded') return -1;
    this.sawRoutable = true;
    const l = load(inst);
    if (l >= max) {
      this.sawBusy = true;
      return -1;
    }
    return l;
  }
}
