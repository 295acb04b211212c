import { memo } from 'react';
import type { LogEntry } from '../../../../shared/domain';
import { formatLogTime, formatLogTimestamp, originOf } from '../../state/logs-window';

export interface LogRowProps {
  entry: LogEntry;
  index: number;
  setSize: number;
  top: number;
  height: number;
  selected: boolean;
  onSelect(seq: number): void;
}

/** One line of the log: time, level, origin and the message's first line (all of it in the detail). */
export const LogRow = memo(function LogRow({ entry, index, setSize, top, height, selected, onSelect }: LogRowProps) {
  const newline = entry.message.indexOf('\n');
  const firstLine = newline >= 0 ? `${entry.message.slice(0, newline)} …` : entry.message;
  return (
    <div
      role="listitem"
      id={`log-${entry.seq}`}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      aria-current={selected ? 'true' : undefined}
      className={`log-row log-row--${entry.level}${selected ? ' log-row--selected' : ''}`}
      style={{ transform: `translateY(${top}px)`, height }}
      data-seq={entry.seq}
      onClick={() => onSelect(entry.seq)}
    >
      <time className="log-row__time" dateTime={new Date(entry.ts).toISOString()} title={formatLogTimestamp(entry.ts)}>
        {formatLogTime(entry.ts)}
      </time>
      <span className="log-row__level">{entry.level.toUpperCase()}</span>
      <span className="log-row__origin" title={entry.source}>
        {originOf(entry)}
      </span>
      <span className="log-row__message">{firstLine}</span>
    </div>
  );
});
