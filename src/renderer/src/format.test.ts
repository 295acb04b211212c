import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatPercent, formatUptime, joinPath } from './format';

describe('format', () => {
  it('formats uptime at every scale', () => {
    expect(formatUptime(0)).toBe('0s');
    expect(formatUptime(12_345)).toBe('12s');
    expect(formatUptime(249_000)).toBe('4m 09s');
    expect(formatUptime(7_500_000)).toBe('2h 05m');
    expect(formatUptime(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
    expect(formatUptime(-5)).toBe('0s');
  });

  it('formats durations, bytes and percentages', () => {
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(12)).toBe('12 ms');
    expect(formatMs(1234.6)).toBe('1,235 ms');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3.25 * 1024 * 1024)).toBe('3.3 MiB');
    expect(formatBytes(24 * 1024 ** 3)).toBe('24.0 GiB');
    expect(formatPercent(3.14159)).toBe('3.1%');
    expect(formatPercent(42.6)).toBe('43%');
  });

  it('joins paths with the folder’s own separator', () => {
    expect(joinPath('/tmp/data', 'plugins')).toBe('/tmp/data/plugins');
    expect(joinPath('/tmp/data/', 'plugins')).toBe('/tmp/data/plugins');
    expect(joinPath('C:\\Users\\me\\Conductor', 'plugins')).toBe('C:\\Users\\me\\Conductor\\plugins');
  });
});
