import { capitalize } from '../format';

export type Tone = 'ok' | 'warn' | 'bad' | 'busy' | 'muted';

/** One colour language for every state the panel shows (overall, steps, components, plugins). */
const TONE_OF: Record<string, Tone> = {
  ready: 'ok',
  ok: 'ok',
  degraded: 'warn',
  idle: 'muted',
  forced: 'warn',
  down: 'bad',
  failed: 'bad',
  invalid: 'bad',
  quarantined: 'bad',
  crashed: 'bad',
  unreachable: 'bad',
  starting: 'busy',
  running: 'busy',
  stopping: 'busy',
  pending: 'muted',
  stopped: 'muted',
  disabled: 'muted',
  // Instances
  unready: 'warn',
  draining: 'busy',
  // Circuit breakers
  closed: 'ok',
  open: 'bad',
  halfOpen: 'warn',
};

/** Labels that capitalisation alone gets wrong. */
const LABELS: Record<string, string> = { ok: 'OK', halfOpen: 'Half-open' };

export function toneOf(state: string): Tone {
  return TONE_OF[state] ?? 'muted';
}

export function StateBadge({ state, label, large = false }: { state: string; label?: string; large?: boolean }) {
  const tone = toneOf(state);
  return (
    <span className={`badge badge--${tone}${large ? ' badge--large' : ''}`} data-state={state}>
      <span className="badge__dot" aria-hidden="true" />
      {label ?? LABELS[state] ?? capitalize(state)}
    </span>
  );
}
