/** Figures of a plugin the tables and the detail page show (pure, tested). */
import type { InstanceSummary, PluginSummary } from '../../../shared/domain';
import { formatBytes, formatPercent } from '../format';

export function readyCount(p: PluginSummary): number {
  return p.instances.filter((i) => i.state === 'ready' || i.state === 'degraded').length;
}

export function inFlightOf(p: PluginSummary): number {
  return p.instances.reduce((sum, i) => sum + i.inFlight, 0);
}

export type BreakerView = { state: 'closed' | 'open' | 'halfOpen' | 'none'; label: string };

/** The worst breaker of the plugin's instances, with how many are in that state. */
export function breakerOf(p: Pick<PluginSummary, 'instances'>): BreakerView {
  const live = p.instances.filter((i) => i.state !== 'stopped' && i.state !== 'crashed');
  if (live.length === 0) return { state: 'none', label: '—' };
  const open = live.filter((i) => i.breaker === 'open').length;
  const half = live.filter((i) => i.breaker === 'halfOpen').length;
  if (open > 0) return { state: 'open', label: open === live.length ? 'Open' : `Open (${open} of ${live.length})` };
  if (half > 0) return { state: 'halfOpen', label: half === live.length ? 'Half-open' : `Half-open (${half} of ${live.length})` };
  return { state: 'closed', label: 'Closed' };
}

export function optionalPercent(value: number | null): string {
  return value === null ? '—' : formatPercent(value);
}

export function optionalBytes(value: number | null): string {
  return value === null ? '—' : formatBytes(value);
}

/** Said where a per-process figure does not apply: a worker thread shares the conductor's process. */
export const NOT_APPLICABLE = { text: 'n/a', title: 'Not applicable: worker threads share the conductor’s process, so they have no CPU or memory of their own' } as const;

/** CPU and RSS cells of a process, or "n/a" (with why) for worker threads. */
export function usageCells(isolation: 'process' | 'thread', cpuPercent: number | null, rssBytes: number | null): { cpu: string; rss: string; title?: string } {
  if (isolation === 'thread') return { cpu: NOT_APPLICABLE.text, rss: NOT_APPLICABLE.text, title: NOT_APPLICABLE.title };
  return { cpu: optionalPercent(cpuPercent), rss: optionalBytes(rssBytes) };
}

/** `pid 1234` or `thread 3`. */
export function instanceHandle(i: InstanceSummary): string {
  if (i.pid !== null) return `pid ${i.pid}`;
  if (i.threadId !== null) return `thread ${i.threadId}`;
  return '—';
}

/** Error share in percent, `0%` without requests. */
export function errorPercent(p: PluginSummary): string {
  return formatPercent(p.metrics.errorRate * 100);
}

/** Whether the person may uninstall it (only plugins installed into the data dir). */
export function canUninstall(p: PluginSummary): boolean {
  return p.origin === 'data-dir';
}
