import { describe, expect, it } from 'vitest';
import type { BatchMessage } from '../../../shared/plugin-protocol';
import { CoalescingSender } from './coalescing-sender';

type Msg = { n: number };

function setup(options: { failOn?: (message: Msg | BatchMessage<Msg>) => boolean; holdAfterBusyTick?: boolean; maxBatch?: number } = {}) {
  const written: Array<Msg | BatchMessage<Msg>> = [];
  const unsendable: Msg[] = [];
  let scheduled: (() => void) | null = null;
  const sender = new CoalescingSender<Msg>({
    write: (message) => {
      if (options.failOn?.(message)) throw new TypeError('cannot serialise');
      written.push(message);
    },
    onUnsendable: (message) => unsendable.push(message),
    holdAfterBusyTick: options.holdAfterBusyTick,
    maxBatch: options.maxBatch,
    schedule: (flush) => {
      scheduled = flush;
    },
  });
  const tick = () => {
    const flush = scheduled;
    scheduled = null;
    flush?.();
  };
  return { sender, written, unsendable, tick, isScheduled: () => scheduled !== null };
}

describe('CoalescingSender', () => {
  it('a lone message goes out directly, with nothing left for the end of the tick', () => {
    const { sender, written, tick } = setup();
    sender.send({ n: 1 });
    expect(written).toEqual([{ n: 1 }]);
    tick();
    expect(written).toEqual([{ n: 1 }]);
    expect(sender.writes).toBe(1);
  });

  it('N messages in one tick: the first directly, the rest as one batch at the end of the tick', () => {
    const { sender, written, tick } = setup();
    for (let n = 1; n <= 5; n++) sender.send({ n });
    expect(written).toEqual([{ n: 1 }]);
    expect(sender.queued).toBe(4);
    tick();
    expect(written).toEqual([{ n: 1 }, { type: 'batch', messages: [{ n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }] }]);
    expect(sender.writes).toBe(2);
    // The next tick starts afresh: its first message is direct again.
    sender.send({ n: 6 });
    expect(written.at(-1)).toEqual({ n: 6 });
  });

  it('holdAfterBusyTick: after a busy tick the first message waits for the batch too; after a quiet tick it goes directly again', () => {
    const { sender, written, tick } = setup({ holdAfterBusyTick: true });
    for (let n = 1; n <= 3; n++) sender.send({ n });
    tick();
    expect(written).toEqual([{ n: 1 }, { type: 'batch', messages: [{ n: 2 }, { n: 3 }] }]);
    // Busy: this tick's messages all go out together.
    sender.send({ n: 4 });
    sender.send({ n: 5 });
    expect(written).toHaveLength(2);
    tick();
    expect(written.at(-1)).toEqual({ type: 'batch', messages: [{ n: 4 }, { n: 5 }] });
    // Still busy after a two-message tick: a lone message waits for the end of the tick.
    sender.send({ n: 6 });
    expect(written).toHaveLength(3);
    tick();
    expect(written.at(-1)).toEqual({ n: 6 });
    // That tick was quiet: the next first message is direct again.
    sender.send({ n: 7 });
    expect(written.at(-1)).toEqual({ n: 7 });
    tick();
    expect(sender.writes).toBe(5);
  });

  it('two messages in a tick: the second goes out alone, not as a batch of one', () => {
    const { sender, written, tick } = setup();
    sender.send({ n: 1 });
    sender.send({ n: 2 });
    tick();
    expect(written).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('a batch that cannot be written is retried one by one; only the bad message is reported', () => {
    const bad = (message: Msg | BatchMessage<Msg>) =>
      'messages' in message ? message.messages.some((m) => m.n === 3) : message.n === 3;
    const { sender, written, unsendable, tick } = setup({ failOn: bad });
    for (let n = 1; n <= 4; n++) sender.send({ n });
    tick();
    expect(written).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
    expect(unsendable).toEqual([{ n: 3 }]);
  });

  it('maxBatch: a full batch goes out at once, the rest of the tick at its end; the tick still counts as busy', () => {
    const { sender, written, tick } = setup({ holdAfterBusyTick: true, maxBatch: 3 });
    for (let n = 1; n <= 5; n++) sender.send({ n });
    expect(written).toEqual([{ n: 1 }, { type: 'batch', messages: [{ n: 2 }, { n: 3 }, { n: 4 }] }]);
    tick();
    expect(written.at(-1)).toEqual({ n: 5 });
    // Five messages made a busy tick, though only one was left for its end: the next first message waits.
    sender.send({ n: 6 });
    expect(written).toHaveLength(3);
    tick();
    expect(written.at(-1)).toEqual({ n: 6 });
    expect(sender.writes).toBe(4);
    expect(() => setup({ maxBatch: 1 })).toThrow(/maxBatch/);
  });

  it('uses setImmediate by default', async () => {
    const written: unknown[] = [];
    const sender = new CoalescingSender<Msg>({ write: (message) => written.push(message) });
    sender.send({ n: 1 });
    sender.send({ n: 2 });
    sender.send({ n: 3 });
    expect(written).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([{ n: 1 }, { type: 'batch', messages: [{ n: 2 }, { n: 3 }] }]);
  });
});
