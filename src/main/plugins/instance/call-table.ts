/**
 * The books of an instance: calls in flight (their deadlines behind one timer, their abort
 * signals watched with one listener per signal) and pending probes.
 */
import { DeadlineQueue, type Clock, type DeadlineNode } from '../../common/clock';
import type { Disposable } from '../../common/disposable';
import type { CallReceiver } from './call-receiver';

/** One call in flight; its outcome goes to `receiver` with `token`. */
export class PendingCall implements DeadlineNode<PendingCall> {
  deadlinePrev: PendingCall | null = null;
  deadlineNext: PendingCall | null = null;
  inDeadlineQueue = false;
  /** The caller's signal, the watch of it this call is in, and its links in the watch's list. */
  signal: AbortSignal | null = null;
  watch: SignalWatch | null = null;
  watchPrev: PendingCall | null = null;
  watchNext: PendingCall | null = null;
  constructor(
    readonly id: number,
    readonly deadline: number,
    private readonly receiver: CallReceiver<unknown>,
    private readonly token: unknown,
  ) {}

  /** Reports the plugin's answer now. */
  succeed(value: unknown): void {
    this.receiver.callSettled(this.token, true, value);
  }

  /** Reports a failure now. */
  fail(error: unknown): void {
    this.receiver.callSettled(this.token, false, error);
  }

  /** Reports a failure a microtask later (see `CallReceiver`: only answers are reported at once). */
  failSoon(error: unknown): void {
    // A promise's rejection reaches its handlers a microtask later anyway.
    if (this.receiver === PROMISE_RECEIVER) this.fail(error);
    else queueMicrotask(() => this.receiver.callSettled(this.token, false, error));
  }
}

/** The promise form of a call: the token is the promise's settle functions. */
export interface PromiseToken {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export const PROMISE_RECEIVER: CallReceiver<PromiseToken> = {
  callSettled(token, ok, result) {
    if (ok) token.resolve(result);
    else token.reject(result);
  },
};

/** One `abort` listener for every call in flight with one signal; its calls in an intrusive list. */
interface SignalWatch {
  readonly signal: AbortSignal;
  head: PendingCall | null;
  size: number;
  readonly listener: () => void;
  /** Calls ever watched through it. */
  uses: number;
}

/**
 * After this many deletions the id → call map is copied into a fresh one. A Map that churns (one
 * set and one delete per call) turns costly in V8 once its table is in the old generation (a full
 * GC during traffic puts it there): each rehash leaves the obsolete table pointing at its
 * successor, so every table and the calls it held survive the scavenges until the next full GC
 * (measured: main's CPU per routed echo request doubled after one forced GC). A fresh map ends the
 * chain; copying the few calls in flight every few thousand calls costs next to nothing.
 */
const RENEW_AFTER_DELETES = 4_096;

export interface CallTableHandlers {
  /** A call's deadline passed (it has left the table). */
  expire(call: PendingCall): void;
  /** A call's signal aborted (it has left the table). */
  cancel(call: PendingCall): void;
}

export interface Probe {
  kind: 'ping' | 'health';
  sentAt: number;
  timer: Disposable;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class CallTable {
  private calls = new Map<number, PendingCall>();
  private deletes = 0;
  private readonly probes = new Map<number, Probe>();
  private readonly deadlines: DeadlineQueue<PendingCall>;
  /**
   * The calls in flight per signal, with one `abort` listener per signal: many calls usually
   * share one (the router's). A watch goes when its last call settles, except the one most
   * recently emptied after serving several calls (so a shared signal keeps its listener between
   * calls); `dispose` removes that one too.
   */
  private readonly watches = new Map<AbortSignal, SignalWatch>();
  private sticky: SignalWatch | null = null;

  constructor(
    clock: Clock,
    private readonly handlers: CallTableHandlers,
  ) {
    this.deadlines = new DeadlineQueue<PendingCall>(clock, (call) => {
      if (this.settle(call.id) !== undefined) handlers.expire(call);
    });
  }

  get size(): number {
    return this.calls.size;
  }

  /** Adds a call; its deadline is enforced from now on, and `signal` (not aborted) is watched. */
  add(call: PendingCall, signal: AbortSignal | undefined): void {
    this.calls.set(call.id, call);
    this.deadlines.add(call);
    if (signal === undefined) return;
    call.signal = signal;
    let watch = this.sticky !== null && this.sticky.signal === signal ? this.sticky : this.watches.get(signal);
    if (watch === undefined) {
      const created: SignalWatch = { signal, head: null, size: 0, listener: () => this.aborted(created), uses: 0 };
      watch = created;
      this.watches.set(signal, watch);
      signal.addEventListener('abort', watch.listener, { once: true });
    }
    watch.uses++;
    call.watchNext = watch.head;
    if (watch.head !== null) watch.head.watchPrev = call;
    watch.head = call;
    watch.size++;
    call.watch = watch;
  }

  private aborted(watch: SignalWatch): void {
    this.watches.delete(watch.signal);
    if (this.sticky === watch) this.sticky = null;
    const calls: PendingCall[] = [];
    for (let call = watch.head; call !== null; call = call.watchNext) calls.push(call);
    for (const call of calls) {
      if (this.settle(call.id) !== undefined) this.handlers.cancel(call);
    }
  }

  /** A watch's last call settled. */
  private idle(watch: SignalWatch): void {
    if (watch === this.sticky) return;
    if (watch.uses > 1) {
      const previous = this.sticky;
      this.sticky = watch;
      if (previous !== null && previous.size === 0) this.unwatch(previous);
      return;
    }
    this.unwatch(watch);
  }

  private unwatch(watch: SignalWatch): void {
    if (this.sticky === watch) this.sticky = null;
    this.watches.delete(watch.signal);
    watch.signal.removeEventListener('abort', watch.listener);
  }

  /** Drops every deadline and signal listener (once nothing is in flight: the instance exited). */
  dispose(): void {
    this.deadlines.clear();
    for (const watch of [...this.watches.values()]) this.unwatch(watch);
  }

  deadlineOf(id: number): number | undefined {
    return this.calls.get(id)?.deadline;
  }

  /** Removes a call, its deadline and its watch; undefined if it was already settled. */
  settle(id: number): PendingCall | undefined {
    const call = this.calls.get(id);
    if (call === undefined) return undefined;
    this.calls.delete(id);
    if (++this.deletes >= RENEW_AFTER_DELETES) {
      this.deletes = 0;
      this.calls = new Map(this.calls);
    }
    this.deadlines.remove(call);
    const watch = call.watch;
    if (watch !== null) {
      call.watch = null;
      const { watchPrev, watchNext } = call;
      if (watchPrev !== null) watchPrev.watchNext = watchNext;
      else watch.head = watchNext;
      if (watchNext !== null) watchNext.watchPrev = watchPrev;
      call.watchPrev = null;
      call.watchNext = null;
      watch.size--;
      if (watch.size === 0 && this.watches.get(watch.signal) === watch) this.idle(watch);
    }
    return call;
  }

  settleAll(): PendingCall[] {
    return [...this.calls.keys()].map((id) => this.settle(id)!);
  }

  addProbe(id: number, probe: Probe): void {
    this.probes.set(id, probe);
  }

  /** For the probe's own timeout: true if it was still pending. */
  dropProbe(id: number): boolean {
    return this.probes.delete(id);
  }

  settleProbe(id: number, kind: Probe['kind']): Probe | undefined {
    const probe = this.probes.get(id);
    if (probe === undefined || probe.kind !== kind) return undefined;
    this.probes.delete(id);
    probe.timer.dispose();
    return probe;
  }

  settleAllProbes(): Probe[] {
    return [...this.probes].map(([id, probe]) => this.settleProbe(id, probe.kind)!);
  }
}
