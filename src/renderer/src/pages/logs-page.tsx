import { useCallback, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { getApi } from '../api/get-api';
import { LogDetail } from '../components/logs/log-detail';
import { LogList } from '../components/logs/log-list';
import { LogToolbar } from '../components/logs/log-toolbar';
import { formatCount } from '../format';
import { createLogsStore, type LogsStore } from '../state/logs-store';
import { exportFileName, exportText, type ExportFormat, type LogFilter } from '../state/logs-window';
import { useConductor } from '../state/store-context';
import './logs-page.css';

/** `#/logs?plugin=echo&level=warn&text=boom` opens the page filtered (links from other pages). */
export function filterFromHash(hash: string): LogFilter {
  const q = hash.indexOf('?');
  if (q < 0) return {};
  const params = new URLSearchParams(hash.slice(q + 1));
  const filter: LogFilter = {};
  const level = params.get('level');
  if (level === 'error' || level === 'warn' || level === 'info' || level === 'debug') filter.level = level;
  const plugin = params.get('plugin');
  if (plugin) filter.plugin = plugin;
  const text = params.get('text');
  if (text) filter.text = text;
  return filter;
}

function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference to the blob once started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A live tail of the conductor's and the plugins' logs, backed by the store for history. */
export function LogsPage() {
  const [store] = useState<LogsStore>(() => createLogsStore(getApi(), { initialFilter: filterFromHash(window.location.hash) }));
  useEffect(() => store.start(), [store]);

  const s = useStore(store);
  const statusPlugins = useConductor((c) => c.status?.plugins);
  const plugins = useMemo(() => (statusPlugins ?? []).map((p) => p.name).sort(), [statusPlugins]);
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const selectedEntry = useMemo(() => (selectedSeq === null ? undefined : s.entries.find((e) => e.seq === selectedSeq)), [s.entries, selectedSeq]);
  const [following, setFollowing] = useState(true);

  const onExport = useCallback(
    (format: ExportFormat) => {
      const entries = store.getState().entries;
      download(exportText(entries, format), exportFileName(format, Date.now()), format === 'ndjson' ? 'application/x-ndjson' : 'text/plain');
    },
    [store],
  );

  // The count when the window was last replaced: announced once, not on every live entry.
  const settledCount = useMemo(() => s.entries.length, [s.resetVersion]);
  const filtered = s.filter.level !== undefined || s.filter.plugin !== undefined || (s.filter.text ?? '') !== '';
  const busy = s.phase === 'loading' || s.phase === 'filtering';

  let stateText: string;
  if (s.phase === 'loading') stateText = 'Loading logs…';
  else if (s.phase === 'filtering') stateText = 'Filtering…';
  else if (s.phase === 'error') stateText = 'Could not load the logs.';
  else stateText = `${formatCount(s.entries.length)} ${s.entries.length === 1 ? 'entry' : 'entries'}${filtered ? ' match' : ''}`;

  let modeText: string;
  if (s.paused) modeText = s.pendingCount > 0 ? `Paused · ${formatCount(s.pendingCount)} new` : 'Paused';
  else if (s.hasNewer) modeText = `Viewing older entries${s.pendingCount > 0 ? ` · ${formatCount(s.pendingCount)} new` : ''}`;
  else if (following) modeText = 'Following live';
  else modeText = 'Scrolled up';

  return (
    <div className="logs-page">
      <section className="card logs-card" aria-labelledby="logs-title">
        <div className="card__head">
          <h2 id="logs-title">Logs</h2>
          <p className="logs-counts card__aside">
            <span className={busy ? 'logs-state logs-state--busy' : 'logs-state'} data-phase={s.phase}>
              {busy && <span className="spinner" aria-hidden="true" />}
              {stateText}
            </span>
            {s.phase === 'ready' && s.hasOlder && <span className="muted"> · older entries above</span>}
            <span className={`logs-mode${s.paused ? ' logs-mode--paused' : ''}`}> · {modeText}</span>
          </p>
        </div>
        {/* Announces filtering and its outcome, not every live entry. */}
        <p className="visually-hidden" role="status" aria-live="polite">
          {busy ? stateText : s.phase === 'ready' && s.resetVersion > 0 ? `${formatCount(settledCount)} ${filtered ? 'matching ' : ''}entries loaded` : ''}
        </p>

        <LogToolbar
          filter={s.filter}
          plugins={plugins}
          paused={s.paused}
          exportCount={s.entries.length}
          onLevel={s.setLevel}
          onPlugin={s.setPlugin}
          onText={s.setText}
          onTogglePause={s.paused ? s.resume : s.pause}
          onExport={onExport}
        />

        {s.error && (
          <div className="notice notice--error logs-error" role="alert">
            <div className="notice__body">
              <strong>{s.phase === 'error' ? 'Could not load the logs' : 'Could not load older entries'}</strong>
              <span>
                <code className="error-code">{s.error.code}</code> {s.error.message}
              </span>
              <span className="muted">Check that Conductor is running (the banner above says when the connection is lost), then try again.</span>
            </div>
            <button type="button" className="button" onClick={() => void s.reload()}>
              Try again
            </button>
          </div>
        )}

        <div className={busy && s.entries.length > 0 ? 'logs-body logs-body--stale' : 'logs-body'} aria-busy={busy}>
          {s.phase === 'ready' && s.entries.length === 0 ? (
            <div className="empty-state logs-empty">
              {filtered ? (
                <>
                  <p className="empty-state__title">No entries match these filters.</p>
                  <p>
                    Loosen the level, pick another plugin or change the search.{' '}
                    <button
                      type="button"
                      className="button button--ghost logs-inline-button"
                      onClick={() => {
                        s.setLevel(undefined);
                        s.setPlugin(undefined);
                        s.setText('');
                      }}
                    >
                      Clear filters
                    </button>
                  </p>
                </>
              ) : (
                <>
                  <p className="empty-state__title">No log entries yet.</p>
                  <p>Entries appear here as Conductor and its plugins write them.</p>
                </>
              )}
            </div>
          ) : (
            <LogList
              entries={s.entries}
              headShift={s.headShift}
              resetVersion={s.resetVersion}
              paused={s.paused}
              hasOlder={s.hasOlder}
              hasNewer={s.hasNewer}
              loadingOlder={s.loadingOlder}
              pendingCount={s.pendingCount}
              selectedSeq={selectedSeq}
              onSelect={setSelectedSeq}
              onLoadOlder={() => void s.loadOlder()}
              onJumpToLatest={s.jumpToLatest}
              onFollowingChange={setFollowing}
            />
          )}
        </div>
        {selectedEntry && <LogDetail entry={selectedEntry} onClose={() => setSelectedSeq(null)} />}
      </section>
    </div>
  );
}
