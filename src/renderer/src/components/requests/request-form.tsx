import { useId, type KeyboardEvent } from 'react';
import type { JsonCheck } from '../../state/requests-json';
import type { TargetOptions, TimeoutCheck } from '../../state/requests-form';

export interface RequestFormProps {
  options: TargetOptions;
  /** False until the first status arrives (the targets are not known yet). */
  loaded: boolean;
  targetKey: string;
  payloadText: string;
  timeoutText: string;
  idempotent: boolean;
  /** Send with `requests:stream` and show the chunks as they come. */
  stream: boolean;
  json: JsonCheck;
  timeout: TimeoutCheck;
  sending: boolean;
  /** What is being sent, when sending: a stream or one request. */
  sendingStream?: boolean;
  canSend: boolean;
  /** Why Send is disabled, when it is (besides sending). */
  blockedReason: string | null;
  onTarget(key: string): void;
  onPayload(text: string): void;
  onTimeout(text: string): void;
  onIdempotent(value: boolean): void;
  onStream(value: boolean): void;
  onFormat(): void;
  onSend(): void;
}

/** The line the JSON problem is on, with a caret under the column. */
function ProblemPointer({ text, line, column }: { text: string; line: number; column: number }) {
  const lineText = text.split('\n')[line - 1] ?? '';
  // Long lines: show a window around the column.
  const start = Math.max(0, column - 60);
  const shown = lineText.slice(start, start + 100).replace(/\t/g, ' ');
  return (
    <pre className="req-pointer" aria-hidden="true">
      {shown}
      {'\n'}
      {' '.repeat(column - 1 - start)}^
    </pre>
  );
}

export function RequestForm(props: RequestFormProps) {
  const { options, loaded, targetKey, payloadText, timeoutText, idempotent, stream, json, timeout, sending, canSend, blockedReason } = props;
  const id = useId();
  const onKeyDown = (ev: KeyboardEvent<HTMLTextAreaElement>) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      if (canSend) props.onSend();
    }
  };
  const noTargets = loaded && options.capabilities.length === 0 && options.plugins.length === 0;

  return (
    <section className="card req-form" aria-labelledby={`${id}-title`}>
      <div className="card__head">
        <h2 id={`${id}-title`}>Send a request</h2>
        <span className="card__aside muted">Routed like POST /api/v1/requests</span>
      </div>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          if (canSend) props.onSend();
        }}
      >
        <div className="req-row">
          <div className="req-field req-field--grow">
            <label htmlFor={`${id}-target`}>Target</label>
            <select id={`${id}-target`} value={targetKey} onChange={(ev) => props.onTarget(ev.target.value)} disabled={!loaded || noTargets}>
              {!loaded && <option value="">Loading plugins…</option>}
              {noTargets && <option value="">No plugins installed</option>}
              {options.capabilities.length > 0 && (
                <optgroup label="Capabilities (routed to any plugin that provides it)">
                  {options.capabilities.map((c) => (
                    <option key={c.name} value={`capability:${c.name}`}>
                      {c.name} — {c.plugins.join(', ')}
                    </option>
                  ))}
                </optgroup>
              )}
              {options.plugins.length > 0 && (
                <optgroup label="Plugins">
                  {options.plugins.map((p) => (
                    <option key={p.name} value={`plugin:${p.name}`}>
                      {p.name} ({p.state})
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          </div>
          <div className="req-field req-field--timeout">
            <label htmlFor={`${id}-timeout`}>Timeout (ms)</label>
            <input
              id={`${id}-timeout`}
              inputMode="numeric"
              placeholder="plugin default"
              value={timeoutText}
              aria-invalid={!timeout.ok}
              aria-describedby={!timeout.ok ? `${id}-timeout-error` : undefined}
              onChange={(ev) => props.onTimeout(ev.target.value)}
            />
          </div>
          <div className="req-checks">
            <div className="req-check">
              <input id={`${id}-stream`} type="checkbox" checked={stream} onChange={(ev) => props.onStream(ev.target.checked)} aria-describedby={`${id}-stream-hint`} />
              <label htmlFor={`${id}-stream`}>Stream the answer</label>
              <span id={`${id}-stream-hint`} className="visually-hidden">
                Show each chunk as the plugin produces it, with a Cancel button. A plugin that answers one value sends one chunk.
              </span>
            </div>
            <div className="req-check">
              <input
                id={`${id}-idem`}
                type="checkbox"
                checked={idempotent && !stream}
                disabled={stream}
                onChange={(ev) => props.onIdempotent(ev.target.checked)}
                aria-describedby={`${id}-idem-hint`}
              />
              <label htmlFor={`${id}-idem`} title={stream ? 'A stream is never retried on another instance.' : undefined}>
                Idempotent
              </label>
              <span id={`${id}-idem-hint`} className="visually-hidden">
                {stream ? 'Not for streams: a stream is never retried on another instance.' : 'Safe to retry: the router may send it to another instance if one crashes.'}
              </span>
            </div>
          </div>
        </div>
        {!timeout.ok && (
          <p id={`${id}-timeout-error`} className="req-field-error">
            {timeout.message}
          </p>
        )}
        {noTargets && (
          <p className="empty-state req-empty">
            No plugins to send to yet. Add one on the Plugins page (install from a folder), or put a plugin folder in the data dir’s <code>plugins</code> folder and restart.
          </p>
        )}

        <div className="req-field">
          <div className="req-label-row">
            <label htmlFor={`${id}-payload`}>Payload (JSON)</label>
            <button type="button" className="button button--ghost req-small" onClick={props.onFormat} disabled={!json.ok}>
              Format
            </button>
          </div>
          <textarea
            id={`${id}-payload`}
            className="req-payload"
            spellCheck={false}
            autoComplete="off"
            rows={9}
            value={payloadText}
            aria-invalid={!json.ok}
            aria-describedby={`${id}-payload-status`}
            onChange={(ev) => props.onPayload(ev.target.value)}
            onKeyDown={onKeyDown}
          />
          <div id={`${id}-payload-status`} aria-live="polite">
            {json.ok ? (
              <p className="req-json-ok">Valid JSON. Ctrl+Enter sends.</p>
            ) : (
              <div className="req-json-problem">
                <p>
                  <strong>Invalid JSON</strong> at line {json.problem.line}, column {json.problem.column}: {json.problem.message}
                </p>
                <ProblemPointer text={payloadText} line={json.problem.line} column={json.problem.column} />
              </div>
            )}
          </div>
        </div>

        <div className="req-actions">
          <button type="submit" className="button button--primary req-send" disabled={!canSend} aria-describedby={blockedReason ? `${id}-blocked` : undefined}>
            {sending ? (props.sendingStream ? 'Streaming…' : 'Sending…') : 'Send'}
          </button>
          {blockedReason && !sending && (
            <span id={`${id}-blocked`} className="muted">
              {blockedReason}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
