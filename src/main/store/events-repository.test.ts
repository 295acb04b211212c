import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { Store } from './store';

describe('EventsRepository', () => {
  let dir: string;
  let clock: ManualClock;
  let store: Store;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-events-'));
    clock = new ManualClock(10_000);
    store = new Store({ dataDir: dir, clock });
    store.open();
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('appends with the clock time and returns the stored row', () => {
    const event = store.events.append('step:started', 'conductor', { step: 'db', at: new Date(0), skip: undefined });
    expect(event).toEqual({ id: 1, ts: 10_000, kind: 'step:started', source: 'conductor', data: { step: 'db', at: '1970-01-01T00:00:00.000Z' } });
    expect(store.events.query({ limit: 1 })).toEqual([event]);
    expect(store.events.count()).toBe(1);
  });

  it('pages newest first with beforeId', () => {
    for (let i = 1; i <= 25; i++) {
      store.events.append('tick', 'health', { i });
      clock.advance(1);
    }
    const page1 = store.events.query({ limit: 10 });
    expect(page1.map((e) => e.data.i)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    const page2 = store.events.query({ limit: 10, beforeId: page1.at(-1)!.id });
    expect(page2.map((e) => e.data.i)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    const page3 = store.events.query({ limit: 10, beforeId: page2.at(-1)!.id });
    expect(page3.map((e) => e.data.i)).toEqual([5, 4, 3, 2, 1]);
    expect(store.events.query({ limit: 10, beforeId: page3.at(-1)!.id })).toEqual([]);
  });

  it('filters by kind (with paging) and by sinceTs', () => {
    store.events.appendMany([
      { kind: 'plugin:started', source: 'plugins', data: { n: 1 } },
      { kind: 'breaker:open', source: 'health', data: { n: 2 } },
      { kind: 'plugin:started', source: 'plugins', data: { n: 3 } },
    ]);
    clock.advance(500);
    store.events.append('plugin:started', 'plugins', { n: 4 });

    expect(store.events.query({ kind: 'plugin:started', limit: 10 }).map((e) => e.data.n)).toEqual([4, 3, 1]);
    expect(store.events.query({ kind: 'plugin:started', limit: 2 }).map((e) => e.data.n)).toEqual([4, 3]);
    expect(store.events.query({ kind: 'plugin:started', beforeId: 3, limit: 10 }).map((e) => e.data.n)).toEqual([1]);
    expect(store.events.query({ kind: 'breaker:open', limit: 10 }).map((e) => e.source)).toEqual(['health']);
    expect(store.events.query({ kind: 'nope', limit: 10 })).toEqual([]);
    expect(store.events.query({ sinceTs: 10_500, limit: 10 }).map((e) => e.data.n)).toEqual([4]);
  });

  it('appendMany is one transaction: a bad event stores none', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() =>
      store.events.appendMany([
        { kind: 'a', source: 's', data: {} },
        { kind: 'b', source: 's', data: circular },
      ]),
    ).toThrow();
    expect(store.events.count()).toBe(0);
    expect(store.events.appendMany([])).toEqual([]);
  });

  it('prunes events older than a time', () => {
    store.events.append('old', 's', {});
    clock.advance(1000);
    store.events.append('new', 's', {});
    expect(store.events.prune(clock.now())).toBe(1);
    expect(store.events.query({ limit: 10 }).map((e) => e.kind)).toEqual(['new']);
  });

  it('refuses a limit out of range with E_BAD_REQUEST naming the field', () => {
    expect(() => store.events.query({ limit: 0 })).toThrow(expect.objectContaining({ code: 'E_BAD_REQUEST', details: { field: 'limit' } }));
    expect(() => store.events.query({ limit: 1.5 })).toThrow('limit must be an integer');
  });
});
