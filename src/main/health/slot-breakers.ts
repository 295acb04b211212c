import type { ErrorCode } from '../../shared/result';
import type { Clock } from '../common/clock';
import { DisposableStore, type Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { CircuitBreaker, type CircuitBreakerEvents, type CircuitBreakerSnapshot } from './circuit-breaker';
import { resolveCircuitBreakerOptions, type CircuitBreakerOptions } from './circuit-breaker-options';
import { checkFunction, checkPositiveInt, withDefaults } from './option-checks';

/** What an ended call says about the instance's health. */
export type CallVerdict = 'success' | 'failure' | 'ignore';

/**
 * Default classification of a failed call's code:
 * - failure: the instance misbehaved — `E_PLUGIN_ERROR` (the plugin threw), `E_PLUGIN_CRASHED`,
 *   `E_TIMEOUT`, `E_INTERNAL`, and any code not listed below;
 * - success: the instance answered properly that the *caller* was wrong — `E_BAD_REQUEST`,
 *   `E_NOT_FOUND`, `E_PLUGIN_NOT_FOUND`, `E_UNAUTHORIZED`, `E_FORBIDDEN`, `E_PAYLOAD_TOO_LARGE`;
 * - ignore: the call ended without saying anything about the instance — `E_CONFLICT` (the caller
 *   cancelled), `E_SHUTTING_DOWN`, and the router's own refusals (`E_OVERLOADED`,
 *   `E_CIRCUIT_OPEN`), which never reach an instance.
 */
export function classifyCallError(code: ErrorCode): CallVerdict {
  switch (code) {
    case 'E_BAD_REQUEST':
    case 'E_NOT_FOUND':
    case 'E_PLUGIN_NOT_FOUND':
    case 'E_UNAUTHORIZED':
    case 'E_FORBIDDEN':
    case 'E_PAYLOAD_TOO_LARGE':
      return 'success';
    case 'E_CONFLICT':
    case 'E_SHUTTING_DOWN':
    case 'E_OVERLOADED':
    case 'E_CIRCUIT_OPEN':
      return 'ignore';
    default:
      return 'failure';
  }
}

export interface SlotBreakersOptions {
  /** Options of every slot's breaker (validated here). Default: `DEFAULT_CIRCUIT_BREAKER_OPTIONS`. */
  breaker: Partial<CircuitBreakerOptions>;
  /** Verdict for a failed call's code. Default `classifyCallError` (see there). */
  classify: (code: ErrorCode) => CallVerdict;
  /** Highest slot count; slot indexes are 0 … maxSlots − 1. Default 64, the manifest's `instances.max` bound. */
  maxSlots: number;
}

export const DEFAULT_SLOT_BREAKERS_OPTIONS: Readonly<SlotBreakersOptions> = Object.freeze({
  breaker: {},
  classify: classifyCallError,
  maxSlots: 64,
});

export interface SlotBreakerChange {
  /** Slot index whose breaker moved. */
  slot: number;
  /** The breaker's own event payload (an open one carries `openMs`, `until`, `consecutiveOpens`). */
  transition: CircuitBreakerEvents[keyof CircuitBreakerEvents];
}

export interface SlotBreakersEvents {
  /** A slot's breaker changed state (`open`, `halfOpen` or `close`). */
  change: SlotBreakerChange;
}

/**
 * One plugin's breakers, one per slot index — the adapter between `CircuitBreaker` and the
 * router's hooks (`admit`, `onCallStart`, `onCallResult`). A breaker belongs to its slot for
 * the life of the plugin: `bind(instance, slot)` points an instance at its slot's breaker, and
 * the replacement of a recycled or crashed instance is bound to the same slot index, so it
 * inherits the history (a slot that keeps failing keeps its growing open period). Instances are
 * held weakly: an old instance's late results still land in its slot's breaker (a crash that
 * fails its in-flight calls counts), and nothing needs unbinding.
 */
export class SlotBreakers<I extends object = object> implements Disposable {
  readonly options: Readonly<SlotBreakersOptions>;
  private readonly breakerOptions: CircuitBreakerOptions;
  private readonly slots: (CircuitBreaker | undefined)[] = [];
  private readonly byInstance = new WeakMap<I, CircuitBreaker>();
  private readonly emitter = new Emitter<SlotBreakersEvents>();
  private readonly subscriptions = new DisposableStore();

  constructor(
    options: Partial<SlotBreakersOptions> | undefined,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.options = Object.freeze(withDefaults(DEFAULT_SLOT_BREAKERS_OPTIONS, options));
    checkFunction('SlotBreakersOptions', 'classify', this.options.classify);
    checkPositiveInt('SlotBreakersOptions', 'maxSlots', this.options.maxSlots);
    this.breakerOptions = resolveCircuitBreakerOptions(this.options.breaker);
  }

  /** The breaker of slot `index`, created on first use and kept for the plugin's life. */
  forSlot(index: number): CircuitBreaker {
    if (!Number.isInteger(index) || index < 0 || index >= this.options.maxSlots) {
      throw new RangeError(`slot index must be an integer in [0, ${this.options.maxSlots - 1}], got ${String(index)}`);
    }
    let breaker = this.slots[index];
    if (!breaker) {
      breaker = new CircuitBreaker(this.breakerOptions, this.clock);
      this.slots[index] = breaker;
      const forward = (transition: SlotBreakerChange['transition']): void => this.emitter.emit('change', { slot: index, transition });
      this.subscriptions.add(breaker.on('open', forward));
      this.subscriptions.add(breaker.on('halfOpen', forward));
      this.subscriptions.add(breaker.on('close', forward));
    }
    return breaker;
  }

  /** Points `instance` (a new one, or the replacement of a recycled one) at slot `index`'s breaker. */
  bind(instance: I, index: number): CircuitBreaker {
    const breaker = this.forSlot(index);
    this.byInstance.set(instance, breaker);
    return breaker;
  }

  /** The breaker an instance is bound to, if any. */
  breakerOf(instance: I): CircuitBreaker | undefined {
    return this.byInstance.get(instance);
  }

  /** Router `admit` hook: cheap, no allocation; an unbound instance is admitted. */
  admit(instance: I): boolean {
    const breaker = this.byInstance.get(instance);
    return breaker === undefined || breaker.canPass();
  }

  /** Router `onCallStart` hook: claims a half-open trial. */
  onCallStart(instance: I): void {
    this.byInstance.get(instance)?.onCallStart();
  }

  /** Router `onCallResult` hook: `code` is classified by `options.classify` when `ok` is false. */
  onCallResult(instance: I, ok: boolean, latencyMs: number, code: ErrorCode | null): void {
    const breaker = this.byInstance.get(instance);
    if (breaker === undefined) return;
    if (ok || code === null) {
      breaker.onResult(ok, latencyMs);
      return;
    }
    const verdict = this.options.classify(code);
    if (verdict === 'ignore') breaker.release(latencyMs);
    else breaker.onResult(verdict === 'success', latencyMs);
  }

  /** Health tick: due open → half-open steps happen (and are announced) without traffic. */
  tick(): void {
    for (const breaker of this.slots) breaker?.tick();
  }

  /** Closes every slot's breaker and forgets its history (the person retried the plugin). */
  resetAll(reason = 'reset'): void {
    for (const breaker of this.slots) breaker?.reset(reason);
  }

  /** Slots with a breaker, for status. */
  snapshot(): (CircuitBreakerSnapshot & { slot: number })[] {
    const rows: (CircuitBreakerSnapshot & { slot: number })[] = [];
    this.slots.forEach((breaker, slot) => {
      if (breaker) rows.push({ slot, ...breaker.snapshot() });
    });
    return rows;
  }

  on<K extends keyof SlotBreakersEvents>(event: K, listener: (payload: SlotBreakersEvents[K]) => void): Disposable {
    return this.emitter.on(event, listener);
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
