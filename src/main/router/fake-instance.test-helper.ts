/**
 * In-memory `RoutableInstance`s for router tests: time from a ManualClock, answers under the
 * test's control (or automatic after a latency), failures and crashes on demand.
 */
import { ConductorError, type ErrorCode } from '../../shared/result';
import type { Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import type { CallOptions, InstanceState, RoutableInstance } from '../plugins/instance-types';
import type { RoutedPlugin } from './router-types';

export interface FakeCall {
  readonly payload: unknown;
  readonly options: CallOptions;
  readonly at: number;
  /** The call's signal was already aborted when it arrived (the router sent work it had given up on). */
  readonly abortedOnArrival: boolean;
  settled: boolean;
  resolve(value: unknown): void;
  fail(code: ErrorCode, message?: string): void;
}

export type FakeBehaviour =
  /** Answers only when the test settles the call. */
  | { kind: 'manual' }
  /** Answers `{ echo: payload, by: id }` after `latencyMs`. */
  | { kind: 'echo'; latencyMs: number }
  /** Fails with `code` after `latencyMs`. */
  | { kind: 'fail'; code: ErrorCode; latencyMs: number }
  /** Dies after `latencyMs`: every call in flight gets E_PLUGIN_CRASHED and the state becomes `crashed`. */
  | { kind: 'crash'; latencyMs: number };

export class FakeInstance implements RoutableInstance {
  state: InstanceState;
  inFlight = 0;
  readonly calls: FakeCall[] = [];
  behaviour: FakeBehaviour;
  /** Like a real instance: E_TIMEOUT at the deadline, and the call ends when its signal aborts. */
  honoursDeadline: boolean;
  private readonly open = new Set<FakeCall & { timers: Disposable[] }>();

  constructor(
    readonly id: string,
    private readonly clock: Clock,
    options: { state?: InstanceState; behaviour?: FakeBehaviour; honoursDeadline?: boolean } = {},
  ) {
    this.state = options.state ?? 'ready';
    this.behaviour = options.behaviour ?? { kind: 'manual' };
    this.honoursDeadline = options.honoursDeadline ?? true;
  }

  get served(): number {
    return this.calls.length;
  }

  /** Calls not yet answered. */
  get pending(): FakeCall[] {
    return [...this.open];
  }

  call(payload: unknown, options: CallOptions): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timers: Disposable[] = [];
      const finish = (): boolean => {
        if (call.settled) return false;
        call.settled = true;
        this.inFlight--;
        this.open.delete(call);
        for (const t of timers) t.dispose();
        options.signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const call: FakeCall & { timers: Disposable[] } = {
        payload,
        options,
        at: this.clock.now(),
        abortedOnArrival: options.signal?.aborted === true,
        settled: false,
        timers,
        resolve: (value) => {
          if (finish()) resolve(value);
        },
        fail: (code, message) => {
          if (finish()) reject(new ConductorError(code, message ?? `${this.id}: ${code}`));
        },
      };
      const onAbort = (): void => call.fail('E_TIMEOUT', 'aborted');
      this.inFlight++;
      this.calls.push(call);
      this.open.add(call);
      if (this.honoursDeadline) {
        timers.push(this.clock.setTimeout(() => call.fail('E_TIMEOUT', `${this.id}: deadline passed`), options.deadline - this.clock.now()));
        if (options.signal?.aborted) onAbort();
        else options.signal?.addEventListener('abort', onAbort);
      }
      const b = this.behaviour;
      if (b.kind === 'echo') timers.push(this.clock.setTimeout(() => call.resolve({ echo: payload, by: this.id }), b.latencyMs));
      else if (b.kind === 'fail') timers.push(this.clock.setTimeout(() => call.fail(b.code), b.latencyMs));
      else if (b.kind === 'crash') timers.push(this.clock.setTimeout(() => this.crash(), b.latencyMs));
    });
  }

  /** The process dies: every open call fails with E_PLUGIN_CRASHED. */
  crash(): void {
    this.state = 'crashed';
    for (const call of [...this.open]) call.fail('E_PLUGIN_CRASHED', `${this.id} crashed`);
  }

  /** Answers the oldest open call. */
  answerOldest(value: unknown = 'ok'): void {
    const first = this.open.values().next();
    if (first.done) throw new Error(`${this.id} has no open call`);
    first.value.resolve(value);
  }
}

/** A plugin whose instance list the test edits. */
export type FakePlugin = RoutedPlugin & { list: FakeInstance[]; demands: number };

export function fakePlugin(name: string, instances: FakeInstance[], overrides: Partial<RoutedPlugin> = {}): FakePlugin {
  const plugin: FakePlugin = {
    name,
    capabilities: [`${name}.cap`],
    requestTimeoutMs: 1000,
    queueLimit: 10,
    maxConcurrentPerInstance: 4,
    list: instances,
    demands: 0,
    instances: () => plugin.list,
    onDemand: () => {
      plugin.demands++;
    },
    ...overrides,
  };
  return plugin;
}

/** Lets promise continuations run (one macrotask turn); not a sleep. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Tracks a promise's outcome without awaiting it. */
export function track<T>(promise: Promise<T>): { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: ConductorError } {
  const t: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: ConductorError } = { state: 'pending' };
  promise.then(
    (value) => {
      t.state = 'resolved';
      t.value = value;
    },
    (error: ConductorError) => {
      t.state = 'rejected';
      t.error = error;
    },
  );
  return t;
}
