import { describe, expect, it } from 'vitest';
import type { WireLogLevel, WireStateOp, WireTarget } from '../../../shared/plugin-protocol';
import { createPluginContext, HandlerContext, toWireTarget, type ContextBackend } from './plugin-context';

class FakeBackend implements ContextBackend {
  readonly logs: Array<[WireLogLevel, string]> = [];
  readonly ops: WireStateOp[] = [];
  readonly requests: unknown[][] = [];
  log(level: WireLogLevel, message: string): void {
    this.logs.push([level, message]);
  }
  async state(op: WireStateOp): Promise<unknown> {
    this.ops.push(op);
    return op.op === 'increment' ? op.by : undefined;
  }
  async request(target: WireTarget, payload: unknown, options: unknown, parentId?: number, deadline?: number): Promise<unknown> {
    this.requests.push([target, payload, options, parentId, deadline]);
    return 'answer';
  }
}

function setup() {
  const backend = new FakeBackend();
  const ctx = createPluginContext({ name: 'p', instance: 'p#1' }, { a: 1 }, { K: 'v' }, backend);
  return { backend, ctx };
}

describe('the plugin context', () => {
  it('log formats like util.format', () => {
    const { backend, ctx } = setup();
    ctx.log.info('user %s has %d items', 'ann', 3);
    ctx.log.error('plain');
    ctx.log.debug('obj', { x: 1 });
    expect(backend.logs).toEqual([
      ['info', 'user ann has 3 items'],
      ['error', 'plain'],
      ['debug', 'obj { x: 1 }'],
    ]);
  });

  it('state ops become wire ops; increment defaults to 1; a bad key rejects E_BAD_REQUEST', async () => {
    const { backend, ctx } = setup();
    expect(await ctx.state.increment('n')).toBe(1);
    await ctx.state.keys('pre');
    await ctx.state.keys();
    await expect(ctx.state.set(1 as never, 'x')).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    expect(backend.ops).toEqual([{ op: 'increment', key: 'n', by: 1 }, { op: 'keys', prefix: 'pre' }, { op: 'keys' }]);
  });

  it('targets: a capability name, { capability } or { plugin }', () => {
    expect(toWireTarget('text.echo')).toEqual({ capability: 'text.echo' });
    expect(toWireTarget({ plugin: 'db' })).toEqual({ plugin: 'db' });
    expect(toWireTarget({ capability: 'c' })).toEqual({ capability: 'c' });
    expect(toWireTarget({} as never)).toBeNull();
  });
});

describe('HandlerContext', () => {
  it('a cancel before the signal is read still shows as aborted, with the reason', () => {
    const { backend, ctx } = setup();
    const rc = new HandlerContext(ctx, backend, 7, 'cap', 123);
    rc.abort('timeout');
    expect(rc.signal.aborted).toBe(true);
    expect((rc.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('a cancel after the signal is read fires it once', () => {
    const { backend, ctx } = setup();
    const rc = new HandlerContext(ctx, backend, 7, 'cap', 123);
    let fired = 0;
    rc.signal.addEventListener('abort', () => fired++);
    rc.abort('cancelled');
    rc.abort('timeout');
    expect(fired).toBe(1);
    expect((rc.signal.reason as DOMException).name).toBe('AbortError');
  });

  it('request carries the request id and deadline, even destructured', async () => {
    const { backend, ctx } = setup();
    const rc = new HandlerContext(ctx, backend, 7, undefined, 123);
    const { request, log, config, env, plugin } = rc;
    expect(await request({ plugin: 'db' }, 'q', { timeoutMs: 5 })).toBe('answer');
    expect(backend.requests).toEqual([[{ plugin: 'db' }, 'q', { timeoutMs: 5 }, 7, 123]]);
    expect([log, config, env, plugin]).toEqual([ctx.log, { a: 1 }, { K: 'v' }, { name: 'p', instance: 'p#1' }]);
  });
});
