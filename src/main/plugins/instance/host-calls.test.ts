import { describe, expect, it } from 'vitest';
import type { OutboundRequestMessage } from '../../../shared/plugin-protocol';
import { outboundDeadline } from './host-calls';

const base: OutboundRequestMessage = { type: 'outbound-request', id: 1, target: { capability: 'x' }, payload: null };
const now = 1_000_000;

describe('outboundDeadline', () => {
  it('is the in-flight parent deadline, or earlier with timeoutMs', () => {
    expect(outboundDeadline({ ...base, parentId: 7, deadline: now + 99_999 }, { now, parentDeadline: now + 2_000, defaultTimeoutMs: 30_000 })).toBe(now + 2_000);
    expect(outboundDeadline({ ...base, parentId: 7, timeoutMs: 500 }, { now, parentDeadline: now + 2_000, defaultTimeoutMs: 30_000 })).toBe(now + 500);
    expect(outboundDeadline({ ...base, parentId: 7, timeoutMs: 60_000 }, { now, parentDeadline: now + 2_000, defaultTimeoutMs: 30_000 })).toBe(now + 2_000);
  });

  it('without a parent: timeoutMs, else the default', () => {
    expect(outboundDeadline({ ...base, timeoutMs: 60_000 }, { now, parentDeadline: undefined, defaultTimeoutMs: 30_000 })).toBe(now + 60_000);
    expect(outboundDeadline(base, { now, parentDeadline: undefined, defaultTimeoutMs: 30_000 })).toBe(now + 30_000);
  });

  it('a parent no longer in flight: its claimed deadline, capped by the default', () => {
    expect(outboundDeadline({ ...base, parentId: 7, deadline: now - 1 }, { now, parentDeadline: undefined, defaultTimeoutMs: 30_000 })).toBe(now - 1);
    expect(outboundDeadline({ ...base, parentId: 7, deadline: now + 10 ** 9 }, { now, parentDeadline: undefined, defaultTimeoutMs: 30_000 })).toBe(now + 30_000);
  });
});
