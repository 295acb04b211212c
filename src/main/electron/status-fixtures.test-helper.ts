/** Test data: a `StatusSnapshot` and `PluginSummary` with overrides (used by the shell's unit tests). */
import type { InstanceSummary, OverallState, PluginSummary, StatusSnapshot } from '../../shared/domain';

export function instance(id: string, overrides: Partial<InstanceSummary> = {}): InstanceSummary {
  return {
    id,
    pid: 1000,
    threadId: null,
    state: 'ready',
    startedAt: 1,
    inFlight: 0,
    served: 0,
    errors: 0,
    breaker: 'closed',
    cpuPercent: null,
    rssBytes: null,
    ...overrides,
  };
}

export function plugin(name: string, overrides: Partial<PluginSummary> = {}): PluginSummary {
  return {
    name,
    version: '1.0.0',
    description: '',
    state: 'ready',
    dir: `/plugins/${name}`,
    runtime: 'node',
    isolation: 'process',
    capabilities: [],
    dependsOn: [],
    required: false,
    enabled: true,
    min: 1,
    max: 2,
    instances: [instance(`${name}#1`)],
    queueDepth: 0,
    restarts: 0,
    metrics: { ratePerSec: 0, errorRate: 0, p50Ms: null, p99Ms: null, total: 0, errors: 0 },
    origin: 'bundled',
    cpuPercent: null,
    rssBytes: null,
    ...overrides,
  };
}

export function snapshot(state: OverallState, plugins: PluginSummary[] = []): StatusSnapshot {
  return {
    state,
    version: '0.1.0',
    pid: 1,
    startedAt: 0,
    uptimeMs: 0,
    dataDir: '/data',
    host: 'electron',
    steps: [],
    components: [],
    system: null,
    plugins,
    requests: { total: 0, errors: 0, inFlight: 0, ratePerSec: 0, p50Ms: null, p99Ms: null },
  };
}
