import { useId } from 'react';
import type { LogLevel } from '../../../../shared/domain';
import type { ExportFormat, LogFilter } from '../../state/logs-window';

const LEVEL_OPTIONS: { value: LogLevel | ''; label: string }[] = [
  { value: '', label: 'All levels' },
  { value: 'info', label: 'Info and above' },
  { value: 'warn', label: 'Warnings and errors' },
  { value: 'error', label: 'Errors only' },
];

export interface LogToolbarProps {
  filter: LogFilter;
  plugins: readonly string[];
  paused: boolean;
  exportCount: number;
  onLevel(level: LogLevel | undefined): void;
  onPlugin(plugin: string | undefined): void;
  onText(text: string): void;
  onTogglePause(): void;
  onExport(format: ExportFormat): void;
}

/** Filters (level, plugin, text), pause/resume and export, each a labelled control. */
export function LogToolbar({ filter, plugins, paused, exportCount, onLevel, onPlugin, onText, onTogglePause, onExport }: LogToolbarProps) {
  const id = useId();
  const pluginOptions = filter.plugin !== undefined && !plugins.includes(filter.plugin) ? [...plugins, filter.plugin] : plugins;
  return (
    <div className="logs-toolbar" role="search" aria-label="Filter logs">
      <div className="logs-field">
        <label htmlFor={`${id}-level`}>Level</label>
        <select id={`${id}-level`} value={filter.level ?? ''} onChange={(ev) => onLevel((ev.target.value || undefined) as LogLevel | undefined)}>
          {LEVEL_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <div className="logs-field">
        <label htmlFor={`${id}-plugin`}>Plugin</label>
        <select id={`${id}-plugin`} value={filter.plugin ?? ''} onChange={(ev) => onPlugin(ev.target.value || undefined)}>
          <option value="">All sources</option>
          {pluginOptions.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <div className="logs-field logs-field--grow">
        <label htmlFor={`${id}-text`}>Search</label>
        <input
          id={`${id}-text`}
          type="search"
          placeholder="Text in the message"
          autoComplete="off"
          spellCheck={false}
          value={filter.text ?? ''}
          onChange={(ev) => onText(ev.target.value)}
        />
      </div>
      <div className="logs-actions">
        <button type="button" className="button" aria-pressed={paused} onClick={onTogglePause}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="button" disabled={exportCount === 0} onClick={() => onExport('log')} title="Download the entries shown, as text">
          Export .log
        </button>
        <button type="button" className="button" disabled={exportCount === 0} onClick={() => onExport('ndjson')} title="Download the entries shown, one JSON object per line">
          Export NDJSON
        </button>
      </div>
    </div>
  );
}
