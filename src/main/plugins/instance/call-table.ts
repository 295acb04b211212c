/** The books of an instance: calls in flight (with their deadline timers) and pending probes. */
import type { Disposable } from '../../common/disposable';

export class PendingCall {
  timer: Disposable | null = null;
  signal: AbortSignal | null = null;
  onAbort: (() => void) | null = null;
  constructor(
    readonly deadline: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

export interface Probe {
  kind: 'ping' | 'health';
  sentAt: number;
  timer: Disposable;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class CallTable {
  private readonly calls = new Map<number, PendingCall>();
  private readonly probes = new Map<number, Probe>();

  get size(): number {
    return this.calls.size;
  }

  add(id: number, call: PendingCall): void {
    this.calls.set(id, call);
  }

  deadlineOf(id: number): number | undefined {
    return this.calls.get(id)?.deadline;
  }

  /** Removes a call, its timer and its abort listener; undefined if it was already settled. */
  settle(id: number): PendingCall | undefined {
    const call = this.calls.get(id);
    if (call === undefined) return undefined;
    this.calls.delete(id);
    call.timer?.dispose();
    if (call.signal !== null && call.onAbort !== null) call.signal.removeEventListener('abort', call.onAbort);
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
