import type { SystemResources as Resources } from '../../../shared/domain';
import { formatBytes, formatPercent } from '../format';
import { Section } from './section';

function Meter({ fraction }: { fraction: number }) {
  const pct = Math.min(100, Math.max(0, fraction * 100));
  const tone = pct >= 90 ? 'bad' : pct >= 75 ? 'warn' : 'ok';
  return (
    <span className="meter" aria-hidden="true">
      <span className={`meter__fill meter__fill--${tone}`} style={{ width: `${pct}%` }} />
    </span>
  );
}

export function SystemResources({ system }: { system: Resources | null }) {
  return (
    <Section title="System" className="span-5">
      {system === null ? (
        <p className="empty">Not sampled yet — the first sample comes with the next health tick.</p>
      ) : (
        <dl className="stats stats--2">
          <div className="stat">
            <dt>CPU</dt>
            <dd>
              <span className="stat__value">{formatPercent(system.cpuPercent)}</span>
              <Meter fraction={system.cpuPercent / 100} />
            </dd>
          </div>
          <div className="stat">
            <dt>Memory</dt>
            <dd>
              <span className="stat__value">{formatBytes(system.memUsedBytes)}</span>
              <span className="stat__sub">of {formatBytes(system.memTotalBytes)}</span>
              <Meter fraction={system.memTotalBytes > 0 ? system.memUsedBytes / system.memTotalBytes : 0} />
            </dd>
          </div>
        </dl>
      )}
    </Section>
  );
}
