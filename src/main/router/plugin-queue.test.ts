import { describe, expect, it } from 'vitest';
import { PluginQueue, type QueueNode } from './plugin-queue';

class Item implements QueueNode<Item> {
  prev: Item | null = null;
  next: Item | null = null;
  queued = false;
  constructor(readonly id: number) {}
}

function drain(q: PluginQueue<Item>): number[] {
  const out: number[] = [];
  for (let i = q.shift(); i !== null; i = q.shift()) out.push(i.id);
  return out;
}

describe('PluginQueue', () => {
  it('is FIFO, bounded by its limit, and pushFront ignores the bound', () => {
    const q = new PluginQueue<Item>(3);
    const items = [1, 2, 3, 4].map((n) => new Item(n));
    expect(items.map((i) => q.pushBack(i))).toEqual([true, true, true, false]);
    expect(q.isFull).toBe(true);
    expect(items[3]!.queued).toBe(false);
    q.pushFront(new Item(0));
    expect(q.size).toBe(4);
    expect(drain(q)).toEqual([0, 1, 2, 3]);
    expect(q.size).toBe(0);
    expect(q.peek()).toBeNull();
  });

  it('removes from the head, the middle and the tail; removing twice is a no-op', () => {
    const q = new PluginQueue<Item>(10);
    const items = [1, 2, 3, 4, 5].map((n) => new Item(n));
    for (const i of items) q.pushBack(i);
    expect(q.remove(items[2]!)).toBe(true);
    expect(q.remove(items[2]!)).toBe(false);
    expect(q.remove(items[0]!)).toBe(true);
    expect(q.remove(items[4]!)).toBe(true);
    expect(q.size).toBe(2);
    q.pushBack(new Item(6));
    expect(drain(q)).toEqual([2, 4, 6]);
    expect(items.every((i) => !i.queued && i.prev === null && i.next === null)).toBe(true);
  });

  it('a zero limit refuses every pushBack', () => {
    const q = new PluginQueue<Item>(0);
    expect(q.pushBack(new Item(1))).toBe(false);
    expect(q.size).toBe(0);
  });
});
