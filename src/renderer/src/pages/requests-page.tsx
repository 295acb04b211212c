import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { getApi } from '../api/get-api';
import { RequestForm } from '../components/requests/request-form';
import { RequestHistoryList } from '../components/requests/request-history-list';
import { RequestResult } from '../components/requests/request-result';
import { parseTimeout, targetArgs, targetOptions } from '../state/requests-form';
import { parseTargetKey, requestsHistory, targetKey, type SentRequest } from '../state/requests-history';
import { checkJson } from '../state/requests-json';
import { cancelStream, requestsStream, runStream, streamOutcome, streamSummary } from '../state/requests-stream';
import { useConductor } from '../state/store-context';
import './requests-page.css';

const DEFAULT_PAYLOAD = '{\n  "text": "hello"\n}';

/** What the form sends: one request, or a stream. */
type Draft = Pick<SentRequest, 'target' | 'payloadText' | 'timeoutMs' | 'idempotent'> & { stream: boolean };

const draftOf = (entry: SentRequest): Draft => ({
  target: entry.target,
  payloadText: entry.payloadText,
  timeoutMs: entry.timeoutMs,
  idempotent: entry.idempotent,
  stream: entry.stream !== undefined,
});

/**
 * A console that sends one JSON payload to a capability or a plugin through the router, and shows
 * the answer, or its chunks as they come when streamed.
 */
export function RequestsPage() {
  const plugins = useConductor((s) => s.status?.plugins);
  const connected = useConductor((s) => s.connection === 'open');
  const options = useMemo(() => targetOptions(plugins ?? []), [plugins]);
  const history = useStore(requestsHistory, (s) => s.entries);

  const [chosenKey, setChosenKey] = useState<string>(() => (history[0] ? targetKey(history[0].target) : ''));
  const [payloadText, setPayloadText] = useState(() => history[0]?.payloadText ?? DEFAULT_PAYLOAD);
  const [timeoutText, setTimeoutText] = useState('');
  const [idempotent, setIdempotent] = useState(false);
  const [stream, setStream] = useState(() => history[0]?.stream !== undefined);
  /** What this page is sending now: one request, a stream, or nothing. */
  const [sending, setSending] = useState<'request' | 'stream' | null>(null);
  const [sentHere, setSentHere] = useState<SentRequest | null>(() => history[0] ?? null);
  // A stream that ended while the page was away was recorded by an earlier mount of this page.
  const newest = history[0];
  const last = newest !== undefined && (sentHere === null || newest.id > sentHere.id) ? newest : sentHere;
  // The running stream, or the last one (kept outside the page: it runs on when the page is left).
  const live = useStore(requestsStream, (s) => s.view);
  const streaming = live?.status === 'streaming';
  const busy = sending !== null || streaming;
  // Shown while it runs, and after it ended as long as it is the last request sent.
  const shownLive =
    live !== null && (streaming || sending === 'stream' || (sending === null && last?.stream !== undefined && last.stream.streamId === live.streamId)) ? live : null;

  // The chosen target, or the first capability until one is chosen.
  const firstKey = options.capabilities[0] ? `capability:${options.capabilities[0].name}` : options.plugins[0] ? `plugin:${options.plugins[0].name}` : '';
  const key = chosenKey !== '' ? chosenKey : firstKey;
  const target = parseTargetKey(key);
  const json = useMemo(() => checkJson(payloadText), [payloadText]);
  const timeout = parseTimeout(timeoutText);

  let blockedReason: string | null = null;
  if (!connected) blockedReason = 'Not connected to Conductor.';
  else if (target === null) blockedReason = 'Choose a target.';
  else if (!json.ok) blockedReason = 'Fix the payload’s JSON to send it.';
  else if (!timeout.ok) blockedReason = 'Fix the timeout to send.';
  const canSend = blockedReason === null && !busy;

  const send = async (req: Draft) => {
    const parsed = checkJson(req.payloadText);
    if (!parsed.ok) return;
    setSending(req.stream ? 'stream' : 'request');
    try {
      if (req.stream) {
        const view = await runStream(getApi(), { target: req.target, payload: parsed.value, timeoutMs: req.timeoutMs }, { store: requestsStream });
        // Streams are never retried on another instance: not idempotent.
        const { stream: _stream, ...sent } = req;
        setSentHere(requestsHistory.getState().add({ ...sent, idempotent: false, sentAt: view.sentAt, stream: streamSummary(view), outcome: streamOutcome(view) }));
        return;
      }
      const sentAt = Date.now();
      const t0 = performance.now();
      const result = await getApi().invoke('requests:send', {
        ...targetArgs(req.target),
        payload: parsed.value,
        idempotent: req.idempotent,
        ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
      });
      const elapsedMs = Math.round((performance.now() - t0) * 10) / 10;
      const { stream: _stream, ...sent } = req;
      const entry = requestsHistory.getState().add({
        ...sent,
        sentAt,
        outcome: result.ok ? { ok: true, value: result.value.value, latencyMs: result.value.latencyMs } : { ok: false, error: result.error, elapsedMs },
      });
      setSentHere(entry);
    } finally {
      setSending(null);
    }
  };

  const edit = (entry: SentRequest) => {
    setChosenKey(targetKey(entry.target));
    setPayloadText(entry.payloadText);
    setTimeoutText(entry.timeoutMs === undefined ? '' : String(entry.timeoutMs));
    setIdempotent(entry.idempotent);
    setStream(entry.stream !== undefined);
  };

  return (
    <div className="grid req-page">
      <div className="span-7 req-col">
        <RequestForm
          options={options}
          loaded={plugins !== undefined}
          targetKey={key}
          payloadText={payloadText}
          timeoutText={timeoutText}
          idempotent={idempotent}
          stream={stream}
          json={json}
          timeout={timeout}
          sending={busy}
          sendingStream={streaming || sending === 'stream'}
          canSend={canSend}
          blockedReason={blockedReason}
          onTarget={setChosenKey}
          onPayload={setPayloadText}
          onTimeout={setTimeoutText}
          onIdempotent={setIdempotent}
          onStream={setStream}
          onFormat={() => {
            if (json.ok) setPayloadText(JSON.stringify(json.value, null, 2));
          }}
          onSend={() => {
            if (target && timeout.ok) void send({ target, payloadText, timeoutMs: timeout.value, idempotent, stream });
          }}
        />
      </div>
      <div className="span-5 req-col">
        <RequestResult
          request={last}
          sending={sending === 'request'}
          live={shownLive}
          onCancel={() => {
            void cancelStream(getApi(), requestsStream);
          }}
        />
        <RequestHistoryList
          entries={history}
          disabled={busy || !connected}
          onResend={(entry) => {
            // The form shows what was sent again.
            edit(entry);
            void send(draftOf(entry));
          }}
          onEdit={edit}
          onClear={() => requestsHistory.getState().clear()}
        />
      </div>
    </div>
  );
}
