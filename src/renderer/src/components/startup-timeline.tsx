import { STEP_NAMES, STEP_TITLES, type OverallState, type StepName, type StepTiming } from '../../../shared/domain';
import { formatMs } from '../format';
import { ProgressBar } from './progress-bar';
import { Section } from './section';
import { StateBadge, toneOf } from './state-badge';

interface Row {
  name: StepName;
  timing: StepTiming | undefined;
}

const isFinished = (t: StepTiming) => t.outcome !== 'running';

/** Where each row's bar sits on a shared time axis (percentages of the whole phase). */
function scale(timings: StepTiming[]): (t: StepTiming) => { left: number; width: number } {
  if (timings.length === 0) return () => ({ left: 0, width: 0 });
  const t0 = Math.min(...timings.map((t) => t.startedAt));
  const end = Math.max(...timings.map((t) => t.startedAt + (t.durationMs ?? 0)));
  const span = Math.max(1, end - t0);
  return (t) => ({
    left: ((t.startedAt - t0) / span) * 100,
    width: ((t.durationMs ?? 0) / span) * 100,
  });
}

function StepList({ label, rows, timings }: { label: string; rows: Row[]; timings: StepTiming[] }) {
  const place = scale(timings);
  return (
    <ol className="steps" aria-label={label}>
      {rows.map(({ name, timing }, index) => {
        const state = timing?.outcome ?? 'pending';
        const bar = timing ? place(timing) : null;
        return (
          <li key={name} className="step" data-step={name}>
            <span className="step__index" aria-hidden="true">
              {index + 1}
            </span>
            <span className="step__title">{STEP_TITLES[name]}</span>
            <span className="step__track" aria-hidden="true">
              {bar && (
                <span
                  className={`step__bar step__bar--${toneOf(state)}${state === 'running' ? ' step__bar--running' : ''}`}
                  style={{ left: `${bar.left}%`, width: `max(3px, ${bar.width}%)` }}
                />
              )}
            </span>
            <span className="step__duration">
              {timing?.durationMs !== undefined ? formatMs(timing.durationMs) : state === 'running' ? '…' : '—'}
            </span>
            <StateBadge state={state} />
            {timing?.error && <span className="step__error">{timing.error}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/** The eight startup steps with their durations and outcomes, and the stop phase once it runs. */
export function StartupTimeline({ steps, state }: { steps: StepTiming[]; state: OverallState }) {
  const starts = steps.filter((t) => t.phase === 'start');
  const stops = steps.filter((t) => t.phase === 'stop');
  const startOf = new Map(starts.map((t) => [t.name, t]));
  const stopOf = new Map(stops.map((t) => [t.name, t]));
  const startRows: Row[] = STEP_NAMES.map((name) => ({ name, timing: startOf.get(name) }));
  // Shutdown unwinds the started steps in reverse order.
  const started = STEP_NAMES.filter((name) => startOf.has(name));
  const stopRows: Row[] = [...started].reverse().map((name) => ({ name, timing: stopOf.get(name) }));

  const startDone = starts.filter(isFinished).length;
  const stopTotal = Math.max(stopRows.length, stops.length);
  const stopDone = stops.filter(isFinished).length;
  const allStarted = starts.length === STEP_NAMES.length && starts.every(isFinished);
  const startTotalMs = allStarted ? totalSpan(starts) : null;

  return (
    <Section
      title="Startup"
      className="span-7"
      aside={startTotalMs !== null ? <span className="muted">started in {formatMs(startTotalMs)}</span> : undefined}
    >
      {state === 'starting' && startDone < STEP_NAMES.length && <ProgressBar label="Startup progress" done={startDone} total={STEP_NAMES.length} />}
      <StepList label="Startup steps" rows={startRows} timings={starts} />
      {(state === 'stopping' || stops.length > 0) && (
        <>
          <h3 className="subhead">Shutdown</h3>
          {state === 'stopping' && stopDone < stopTotal && <ProgressBar label="Shutdown progress" done={stopDone} total={stopTotal} />}
          <StepList label="Shutdown steps" rows={stopRows} timings={stops} />
        </>
      )}
    </Section>
  );
}

function totalSpan(timings: StepTiming[]): number {
  const t0 = Math.min(...timings.map((t) => t.startedAt));
  const end = Math.max(...timings.map((t) => t.startedAt + (t.durationMs ?? 0)));
  return end - t0;
}
