/**
 * The plugin's stored events (`events:query {source: 'plugin:<name>'}`) in words and in lanes
 * for the detail page's time axis: probes, breaker changes, restarts, scaling, state (pure).
 */
import type { StoredEvent } from '../../../../shared/domain';
import type { ChartColor } from '../charts/time-series-chart';

export type EventLane = 'probes' | 'breaker' | 'restarts' | 'scaling' | 'state';

export const LANES: readonly { lane: EventLane; title: string; color: ChartColor; y: number }[] = [
  { lane: 'probes', title: 'Probes', color: 'blue', y: 5 },
  { lane: 'breaker', title: 'Breaker', color: 'red', y: 4 },
  { lane: 'restarts', title: 'Restarts', color: 'amber', y: 3 },
  { lane: 'scaling', title: 'Scaling', color: 'violet', y: 2 },
  { lane: 'state', title: 'State', color: 'grey', y: 1 },
];

export const LANE_BY_Y = new Map(LANES.map((l) => [l.y, l]));

export interface DescribedEvent {
  id: number;
  ts: number;
  kind: string;
  lane: EventLane;
  /** One line, plain words. */
  text: string;
  /** Tone for the badge: bad for crashes and opens, ok for recoveries. */
  tone: 'ok' | 'warn' | 'bad' | 'muted' | 'busy';
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function exitOf(d: Record<string, unknown>): string {
  const signal = str(d['signal']);
  if (signal) return `signal ${signal}`;
  const code = num(d['code']);
  return code === null ? 'no exit code' : `exit code ${code}`;
}

function seconds(ms: number | null): string {
  return ms === null ? '' : ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

export function laneOf(kind: string, data: Record<string, unknown> = {}): EventLane {
  if (kind === 'instance.readiness') return 'probes';
  if (kind === 'instance.recycled' && data['cause'] !== 'memory') return 'probes';
  if (kind.startsWith('breaker.')) return 'breaker';
  if (kind === 'scaling.decision' || kind === 'plugin.bounds') return 'scaling';
  if (kind.startsWith('instance.') || kind === 'plugin.restart' || kind === 'plugin.quarantined' || kind === 'plugin.released') return 'restarts';
  return 'state';
}

export function describeEvent(e: StoredEvent): DescribedEvent {
  const d = e.data ?? {};
  const inst = str(d['instance']) ?? 'an instance';
  const reason = str(d['reason']);
  const because = reason ? `: ${reason}` : '';
  let text: string;
  let tone: DescribedEvent['tone'] = 'muted';
  switch (e.kind) {
    case 'instance.readiness':
      text = `${inst} readiness ${str(d['from']) ?? '?'} → ${str(d['to']) ?? '?'}${because}`;
      tone = d['to'] === 'ready' ? 'ok' : 'warn';
      break;
    case 'breaker.open': {
      const openMs = num(d['openMs']);
      // The breaker's own reason usually says how long it stays open; say it only when it does not.
      const says = reason !== null && /\bfor \d/.test(reason);
      text = `Breaker of ${inst} opened${because}${openMs !== null && !says ? ` (for ${seconds(openMs)})` : ''}`;
      tone = 'bad';
      break;
    }
    case 'breaker.halfOpen':
      text = `Breaker of ${inst} half-open: trial requests let through${because}`;
      tone = 'warn';
      break;
    case 'breaker.close':
      text = `Breaker of ${inst} closed${because}`;
      tone = 'ok';
      break;
    case 'instance.started': {
      const pid = num(d['pid']);
      const thread = num(d['threadId']);
      text = `${inst} started${pid !== null ? ` (pid ${pid})` : thread !== null ? ` (thread ${thread})` : ''}`;
      tone = 'ok';
      break;
    }
    case 'instance.crashed':
      text = `${inst} ${str(d['recycled']) ? `recycled (${str(d['recycled'])})` : 'crashed'} — ${exitOf(d)}`;
      tone = 'bad';
      break;
    case 'instance.start-failed':
      text = `${inst} failed to start: ${str(d['error']) ?? exitOf(d)}`;
      tone = 'bad';
      break;
    case 'instance.recycled':
      text = `${inst} recycled by the ${str(d['cause']) ?? 'health'} check${because}`;
      tone = 'warn';
      break;
    case 'instance.stopped':
      text = `${inst} stopped`;
      break;
    case 'plugin.restart':
      text = `Rolling restart of ${num(d['instances']) ?? '?'} instance(s)`;
      tone = 'busy';
      break;
    case 'plugin.quarantined':
      text = `Quarantined${because}`;
      tone = 'bad';
      break;
    case 'plugin.released':
      text = `Released from quarantine${because}`;
      tone = 'ok';
      break;
    case 'scaling.decision': {
      const prev = num(d['previous']);
      const desired = num(d['desired']);
      const blocked = d['blocked'] === true;
      text = `${blocked ? 'Scaling blocked' : 'Scaled'} ${prev ?? '?'} → ${desired ?? '?'} instance(s)${because}`;
      tone = blocked ? 'warn' : 'busy';
      break;
    }
    case 'plugin.bounds':
      text = `Instance bounds set to ${num(d['min']) ?? '?'}–${num(d['max']) ?? '?'}`;
      break;
    case 'plugin.state':
      text = `State ${str(d['from']) ?? '?'} → ${str(d['to']) ?? '?'}${because}`;
      tone = d['to'] === 'ready' ? 'ok' : d['to'] === 'quarantined' || d['to'] === 'invalid' ? 'bad' : 'muted';
      break;
    case 'plugin.enabled':
      text = 'Enabled';
      break;
    case 'plugin.disabled':
      text = 'Disabled';
      break;
    case 'plugin.installed':
      text = `Installed ${str(d['version']) ?? ''}`.trim();
      break;
    case 'plugin.upgraded':
      text = `Upgraded ${str(d['from']) ?? '?'} → ${str(d['to']) ?? '?'}`;
      break;
    default:
      text = `${e.kind}${Object.keys(d).length > 0 ? ` ${JSON.stringify(d)}` : ''}`;
  }
  return { id: e.id, ts: e.ts, kind: e.kind, lane: laneOf(e.kind, d), text, tone };
}

/**
 * The lanes chart's columns: one x per distinct second-resolution time, one series per lane with
 * its lane height where an event of that lane happened (null elsewhere).
 */
export function laneColumns(events: readonly DescribedEvent[]): { ts: number[]; values: Record<EventLane, (number | null)[]> } {
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  const ts: number[] = [];
  const values = Object.fromEntries(LANES.map((l) => [l.lane, [] as (number | null)[]])) as Record<EventLane, (number | null)[]>;
  for (const e of sorted) {
    if (ts.length === 0 || ts[ts.length - 1] !== e.ts) {
      ts.push(e.ts);
      for (const l of LANES) values[l.lane].push(null);
    }
    const y = LANES.find((l) => l.lane === e.lane)!.y;
    values[e.lane][ts.length - 1] = y;
  }
  return { ts, values };
}
