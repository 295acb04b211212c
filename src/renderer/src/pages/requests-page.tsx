import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { getApi } from '../api/get-api';
import { RequestForm } from '../components/requests/request-form';
import { RequestHistoryList } from '../components/requests/request-history-list';
import { RequestResult } from '../components/requests/request-result';
import { parseTimeout, targetArgs, targetOptions } from '../state/requests-form';
import { parseTargetKey, requestsHistory, targetKey, type SentRequest } from '../state/requests-history';
import { checkJson } from '../state/requests-json';
import { useConductor } from '../state/store-context';
import './requests-page.css';

const DEFAULT_PAYLOAD = '{\n  "text": "hello"\n}';

/** A console that sends one JSON payload to a capability or a plugin through the router. */
export function RequestsPage() {
  const plugins = useConductor((s) => s.status?.plugins);
  const connected = useConductor((s) => s.connection === 'open');
  const options = useMemo(() => targetOptions(plugins ?? []), [plugins]);
  const history = useStore(requestsHistory, (s) => s.entries);

  const [chosenKey, setChosenKey] = useState<string>(() => (history[0] ? targetKey(history[0].target) : ''));
  const [payloadText, setPayloadText] = useState(() => history[0]?.payloadText ?? DEFAULT_PAYLOAD);
  const [timeoutText, setTimeoutText] = useState('');
  const [idempotent, setIdempotent] = useState(false);
  const [sending, setSending] = useState(false);
  const [last, setLast] = useState<SentRequest | null>(() => history[0] ?? null);

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
  const canSend = blockedReason === null && !sending;

  const send = async (req: Pick<SentRequest, 'target' | 'payloadText' | 'timeoutMs' | 'idempotent'>) => {
    const parsed = checkJson(req.payloadText);
    if (!parsed.ok) return;
    setSending(true);
    const sentAt = Date.now();
    const t0 = performance.now();
    const result = await getApi().invoke('requests:send', {
      ...targetArgs(req.target),
      payload: parsed.value,
      idempotent: req.idempotent,
      ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
    });
    const elapsedMs = Math.round((performance.now() - t0) * 10) / 10;
    const entry = requestsHistory.getState().add({
      ...req,
      sentAt,
      outcome: result.ok ? { ok: true, value: result.value.value, latencyMs: result.value.latencyMs } : { ok: false, error: result.error, elapsedMs },
    });
    setLast(entry);
    setSending(false);
  };

  const edit = (entry: SentRequest) => {
    setChosenKey(targetKey(entry.target));
    setPayloadText(entry.payloadText);
    setTimeoutText(entry.timeoutMs === undefined ? '' : String(entry.timeoutMs));
    setIdempotent(entry.idempotent);
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
          json={json}
          timeout={timeout}
          sending={sending}
          canSend={canSend}
          blockedReason={blockedReason}
          onTarget={setChosenKey}
          onPayload={setPayloadText}
          onTimeout={setTimeoutText}
          onIdempotent={setIdempotent}
          onFormat={() => {
            if (json.ok) setPayloadText(JSON.stringify(json.value, null, 2));
          }}
          onSend={() => {
            if (target && timeout.ok) void send({ target, payloadText, timeoutMs: timeout.value, idempotent });
          }}
        />
      </div>
      <div className="span-5 req-col">
        <RequestResult request={last} sending={sending} />
        <RequestHistoryList
          entries={history}
          disabled={sending || !connected}
          onResend={(entry) => {
            // The form shows what was sent again.
            edit(entry);
            void send(entry);
          }}
          onEdit={edit}
          onClear={() => requestsHistory.getState().clear()}
        />
      </div>
    </div>
  );
}
