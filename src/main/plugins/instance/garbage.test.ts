import { afterEach, describe, expect, it } from 'vitest';
import { ISOLATIONS, InstanceKit, inMs } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

describe.each(ISOLATIONS)('garbage from a plugin (%s)', (isolation) => {
  it('is dropped and logged (rate-limited); main and the instance carry on', async () => {
    const instance = await kit.started('garbage', isolation);
    await expect(instance.call('go', { deadline: inMs(5_000) })).resolves.toBe('still fine');
    const warnings = kit.host.logs.filter((entry) => entry.level === 'warn' && entry.message.startsWith('dropped an invalid message'));
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    expect(warnings.length).toBeLessThanOrEqual(5);
    const text = warnings.map((entry) => entry.message).join('\n');
    expect(text).toContain('not an object (string)');
    expect(warnings.every((entry) => entry.plugin === 'garbage' && entry.instance === instance.id)).toBe(true);
    // The valid message inside a batch got through; the huge one was cut.
    expect(kit.host.has('inside a batch')).toBe(true);
    const huge = kit.host.logs.find((entry) => entry.message.startsWith('xxxx'));
    expect(huge!.message.length).toBeLessThan(20_000);

    // Still serving, and a second round is suppressed by the rate limit rather than flooding the log.
    await expect(instance.call('again', { deadline: inMs(5_000) })).resolves.toBe('still fine');
    expect(instance.state).toBe('ready');
    expect(kit.host.logs.filter((entry) => entry.message.startsWith('dropped an invalid message')).length).toBeLessThanOrEqual(5);
    await expect(instance.ping(5_000)).resolves.toBeGreaterThanOrEqual(0);
  });
});
