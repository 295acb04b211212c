import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConductorError } from '../../shared/result';
import { ManualClock } from '../common/clock';
import type { InstanceState } from '../plugins/instance-types';
import { FakeInstance, fakePlugin, flush } from './fake-instance.test-helper';
import { Router } from './router';

type Op =
  | { kind: 'request'; idempotent: boolean; timeoutMs: number; cancellable: boolean }
  | { kind: 'answer'; inst: number }
  | { kind: 'fail'; inst: number; code: 'E_PLUGIN_ERROR' | 'E_PLUGIN_CRASHED' }
  | { kind: 'crash'; inst: number }
  | { kind: 'state'; inst: number; state: InstanceState }
  | { kind: 'advance'; ms: number }
  | { kind: 'abort'; which: number };

const inst = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('request' as const), idempotent: fc.boolean(), timeoutMs: fc.integer({ min: 5, max: 60 }), cancellable: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('answer' as const), inst }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), inst, code: fc.constantFrom('E_PLUGIN_ERROR' as const, 'E_PLUGIN_CRASHED' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), inst }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('state' as const), inst, state: fc.constantFrom<InstanceState>('ready', 'degraded', 'unready', 'starting') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), which: fc.nat() }) },
);
/** Index of the op before which the gate closes; -1: never (half the runs). */
const quiesceAt = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 80 }));

interface Tracked {
  deadline: number;
  settlements: number;
  settledAt: number | null;
  error: ConductorError | null;
  controller: AbortController | null;
}

describe('Router property', () => {
  it('for random interleavings every request settles exactly once, never times out early, and in-flight returns to 0', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 80, size: 'large' }), quiesceAt, async (ops, closeAt) => {
        const clock = new ManualClock();
        const router = new Router(clock);
        await router.start();
        const instances = [0, 1, 2].map((i) => new FakeInstance(`i${i}`, clock));
        router.register(fakePlugin('p', instances, { maxConcurrentPerInstance: 1, queueLimit: 3, requestTimeoutMs: 1000 }));
        const tracked: Tracked[] = [];
        const step = async (ms: number): Promise<void> => {
          for (let i = 0; i < ms; i++) {
            clock.advance(1);
            await flush();
          }
        };

        for (const [index, o] of ops.entries()) {
          if (index === closeAt) router.quiesce();
          switch (o.kind) {
            case 'request': {
              const controller = o.cancellable ? new AbortController() : null;
              const t: Tracked = { deadline: clock.now() + o.timeoutMs, settlements: 0, settledAt: null, error: null, controller };
              tracked.push(t);
              router.request({ plugin: 'p', payload: tracked.length, idempotent: o.idempotent, timeoutMs: o.timeoutMs, signal: controller?.signal }).then(
                () => {
                  t.settlements++;
                  t.settledAt = clock.now();
                },
                (error: ConductorError) => {
                  t.settlements++;
                  t.settledAt = clock.now();
                  t.error = error;
                },
              );
              break;
            }
            case 'answer':
              if (instances[o.inst]!.pending.length > 0) instances[o.inst]!.answerOldest();
              break;
            case 'fail':
              instances[o.inst]!.pending[0]?.fail(o.code);
              break;
            case 'crash':
              instances[o.inst]!.crash();
              instances[o.inst]!.state = 'ready'; // restarted
              router.instancesChanged('p');
              break;
            case 'state':
              instances[o.inst]!.state = o.state;
              router.instancesChanged('p');
              break;
            case 'advance':
              await step(o.ms);
              break;
            case 'abort':
              if (tracked.length > 0) tracked[o.which % tracked.length]!.controller?.abort();
              break;
          }
          await flush();
        }
        for (const i of instances) i.state = 'ready';
        router.instancesChanged('p');
        await step(61);

        for (const t of tracked) {
          expect(t.settlements).toBe(1);
          if (t.error?.code === 'E_TIMEOUT') expect(t.settledAt!).toBeGreaterThanOrEqual(t.deadline);
        }
        const overall = router.overallMetrics();
        expect(overall.total).toBe(tracked.length);
        expect(overall.inFlight).toBe(0);
        expect(overall.queueDepth).toBe(0);
        expect(router.pluginMetrics('p')!.inFlight).toBe(0);
        expect(instances.map((i) => i.inFlight)).toEqual([0, 0, 0]);
        // The router's own count of outstanding calls per instance is back to 0 (a WeakMap: counts stay, at 0).
        const outstanding = (router as unknown as { outstanding: WeakMap<object, number> }).outstanding;
        for (const i of instances) expect(outstanding.get(i) ?? 0).toBe(0);
        expect(clock.pendingTimers).toBe(0);
        const attemptsPerRequest = new Map<unknown, string[]>();
        for (const i of instances) {
          for (const call of i.calls) {
            expect(call.abortedOnArrival).toBe(false);
            attemptsPerRequest.set(call.payload, [...(attemptsPerRequest.get(call.payload) ?? []), i.id]);
          }
        }
        for (const ids of attemptsPerRequest.values()) {
          expect(ids.length).toBeLessThanOrEqual(2);
          expect(new Set(ids).size).toBe(ids.length); // a retry goes to another instance
        }
        await expect(router.drain(clock.now())).resolves.toEqual({ drained: true, remaining: 0 });
      }),
      { numRuns: 80 },
    );
  });
});
