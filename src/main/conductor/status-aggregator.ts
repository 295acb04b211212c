import {
  STEP_NAMES,
  STEP_TITLES,
  type ComponentHealth,
  type ComponentState,
  type OverallState,
  type PluginSummary,
  type StepName,
  type StepTiming,
} from '../../shared/domain';
import type { ComponentReport } from '../common/health';

export type LifecycleState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** The latest start and stop timing per step, in step order (start phases, then stop phases). */
export class StepTimeline {
  private readonly starts = new Map<StepName, StepTiming>();
  private readonly stops = new Map<StepName, StepTiming>();

  record(timing: StepTiming): void {
    (timing.phase === 'start' ? this.starts : this.stops).set(timing.name, timing);
  }

  list(): StepTiming[] {
    const out: StepTiming[] = [];
    for (const name of STEP_NAMES) {
      const t = this.starts.get(name);
      if (t) out.push(t);
    }
    for (const name of [...STEP_NAMES].reverse()) {
      const t = this.stops.get(name);
      if (t) out.push(t);
    }
    return out;
  }

  /** A component's state from its step's lifecycle, or its own report while it runs. */
  componentState(name: StepName, report: ComponentReport | null): { state: ComponentState; message?: string } {
    const stop = this.stops.get(name);
    if (stop) {
      if (stop.outcome === 'running') return { state: 'stopping' };
      return stop.error ? { state: 'stopped', message: stop.error } : { state: 'stopped' };
    }
    const start = this.starts.get(name);
    if (!start) return { state: 'pending' };
    if (start.outcome === 'running') return { state: 'starting' };
    if (start.outcome !== 'ok') return start.error ? { state: 'failed', message: start.error } : { state: 'failed' };
    if (!report) return { state: 'ready' };
    return report.message === undefined ? { state: report.state } : { state: report.state, message: report.message };
  }
}

export function componentsOf(timeline: StepTimeline, reports: (name: StepName) => ComponentReport | null): ComponentHealth[] {
  return STEP_NAMES.map((name) => {
    const { state, message } = timeline.componentState(name, reports(name));
    const health: ComponentHealth = { name, title: STEP_TITLES[name], state };
    if (message !== undefined) health.message = message;
    return health;
  });
}

const RANK: Record<'ready' | 'degraded' | 'down', number> = { ready: 0, degraded: 1, down: 2 };

/** The overall state: the lifecycle while starting or stopping, else the worst of the parts. */
export function overallState(lifecycle: LifecycleState, components: ComponentHealth[], plugins: PluginSummary[]): OverallState {
  if (lifecycle === 'idle' || lifecycle === 'starting') return 'starting';
  if (lifecycle === 'stopping' || lifecycle === 'stopped') return 'stopping';
  if (lifecycle === 'failed') return 'down';
  let worst: 'ready' | 'degraded' | 'down' = 'ready';
  const bump = (s: 'ready' | 'degraded' | 'down') => {
    if (RANK[s] > RANK[worst]) worst = s;
  };
  for (const c of components) {
    if (c.state === 'degraded') bump('degraded');
    else if (c.state === 'down' || c.state === 'failed' || c.state === 'stopped') bump('down');
  }
  for (const p of plugins) {
    if (!p.required) continue;
    if (p.state === 'invalid' || p.state === 'quarantined' || p.state === 'stopped' || p.state === 'disabled') bump('down');
    else if (p.state === 'degraded' || p.state === 'starting') bump('degraded');
  }
  return worst;
}
