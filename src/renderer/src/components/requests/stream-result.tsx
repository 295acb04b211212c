import { memo, useLayoutEffect, useRef, type CSSProperties, type ReactNode, type RefObject } from 'react';
import { formatCount, formatMs } from '../../format';
import { useNow } from '../../hooks/use-now';
import { nextStepFor, pluginOfTarget } from '../../state/requests-history';
import { chunkCount, type StreamChunk, type StreamStatus, type StreamView } from '../../state/requests-stream';

/** One chunk as a single line of JSON. */
export function compactJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const ChunkRow = memo(function ChunkRow({ chunk }: { chunk: StreamChunk }) {
  return (
    <li className="req-chunk">
      <span className="req-chunk__index" aria-hidden="true">
        {chunk.index}
      </span>
      <code className="req-chunk__value">{compactJson(chunk.chunk)}</code>
    </li>
  );
});

/**
 * Keeps a scroll box pinned to its bottom while new content arrives, unless the person has
 * scrolled up to read (then it stays where they are).
 */
function useStickToBottom(ref: RefObject<HTMLElement | null>, version: unknown) {
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [ref, version]);
  return () => {
    const el = ref.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };
}

const STATUS: Record<StreamStatus, { label: string; badge: string }> = {
  streaming: { label: 'Streaming…', badge: 'badge--busy' },
  done: { label: 'Done', badge: 'badge--ok' },
  cancelled: { label: 'Cancelled', badge: 'badge--warn' },
  failed: { label: 'Failed', badge: 'badge--bad' },
};

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="req-stat">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The time since sending, ticking while the stream runs; the final figure once it ended. */
function Elapsed({ view }: { view: StreamView }) {
  const running = view.status === 'streaming';
  const now = useNow(100, running);
  const ms = view.elapsedMs ?? Math.max(0, now - view.sentAt);
  return <>{formatMs(ms)}</>;
}

/** A streamed answer: its state, counts and timings, the token text, and the chunks as they come. */
export function StreamResult({ view, onCancel }: { view: StreamView; onCancel(): void }) {
  const status = STATUS[view.status];
  const count = chunkCount(view);
  const streaming = view.status === 'streaming';
  const listRef = useRef<HTMLOListElement>(null);
  const textRef = useRef<HTMLPreElement>(null);
  const onListScroll = useStickToBottom(listRef, view.chunks);
  const onTextScroll = useStickToBottom(textRef, view.text);
  const plugin = pluginOfTarget(view.target);

  return (
    <div className="req-outcome req-stream">
      <div className="req-outcome__line req-stream__line">
        <span role="status" className={`badge ${status.badge}`}>
          {streaming ? <span className="spinner spinner--small" aria-hidden="true" /> : <span className="badge__dot" aria-hidden="true" />}
          {status.label}
        </span>
        {view.error && <code className="error-code">{view.error.code}</code>}
        {streaming && (
          <button type="button" className="button button--small req-cancel" onClick={onCancel} disabled={view.cancelRequested}>
            {view.cancelRequested ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>

      <dl className="req-stream__stats" aria-label="Stream timings">
        <Stat label="Chunks">
          <span className="req-stream__count">{formatCount(count)}</span>
        </Stat>
        <Stat label="First chunk">{view.firstChunkMs === null ? <span className="muted">{streaming ? 'waiting…' : 'none'}</span> : formatMs(view.firstChunkMs)}</Stat>
        <Stat label={view.status === 'done' ? 'Latency' : 'Elapsed'}>
          <Elapsed view={view} />
        </Stat>
      </dl>

      {view.status === 'cancelled' && view.error && (
        <p className="req-stream__note">
          Cancelled after {formatCount(count)} {count === 1 ? 'chunk' : 'chunks'}: the plugin was told to stop ({view.error.message}).
        </p>
      )}
      {view.status === 'failed' && view.error && (
        <div className="req-outcome req-outcome--error" role="alert">
          <p className="req-error-message">{view.error.message}</p>
          <p className="req-next">
            <strong>What to do:</strong> {nextStepFor(view.error.code)}
            {plugin !== null && (
              <>
                {' '}
                <a href={`#/logs?plugin=${encodeURIComponent(plugin)}`}>Open the plugin’s logs</a>
              </>
            )}
          </p>
        </div>
      )}

      {view.text !== null && (
        <div className="req-stream__block">
          <h3 className="req-stream__title">Text</h3>
          <pre ref={textRef} className="req-json req-stream__text" aria-label="Streamed text" tabIndex={0} onScroll={onTextScroll}>
            {view.textDropped > 0 && <span className="muted">…</span>}
            {view.text}
            {streaming && <span className="req-caret" aria-hidden="true" />}
          </pre>
        </div>
      )}

      <div className="req-stream__block">
        <h3 className="req-stream__title">Chunks</h3>
        {view.dropped > 0 && (
          <p className="req-stream__dropped muted">
            Showing the last {formatCount(view.chunks.length)} of {formatCount(view.received)} chunks; the {formatCount(view.dropped)} older ones were dropped from this page.
          </p>
        )}
        {view.chunks.length === 0 ? (
          <p className="muted req-stream__empty">{streaming ? 'Waiting for the first chunk…' : 'No chunks arrived.'}</p>
        ) : (
          <ol
            ref={listRef}
            className="req-chunks"
            aria-label="Chunks"
            tabIndex={0}
            onScroll={onListScroll}
            style={{ '--req-index-ch': String(view.chunks[view.chunks.length - 1]!.index).length } as CSSProperties}
          >
            {view.chunks.map((c) => (
              <ChunkRow key={c.index} chunk={c} />
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
