/**
 * The live charts' data: `metrics:history` polled about once per health tick while a page with
 * charts is open and the connection is up (the answer is a few hundred small samples: cheap).
 */
import { useCallback, useState } from 'react';
import type { MetricsHistory } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/result';
import { usePolling } from '../hooks/use-polling';
import { useClient } from './plugins-client-context';
import { useConductor } from './store-context';

export const METRICS_POLL_MS = 1000;

export interface MetricsHistoryState {
  history: MetricsHistory | null;
  error: ErrorInfo | null;
}

export function useMetricsHistory(plugin?: string): MetricsHistoryState {
  const client = useClient();
  const open = useConductor((s) => s.connection === 'open');
  const [state, setState] = useState<MetricsHistoryState>({ history: null, error: null });
  const poll = useCallback(async () => {
    const result = await client.invoke('metrics:history', plugin === undefined ? {} : { plugin });
    setState(result.ok ? { history: result.value, error: null } : (s) => ({ history: s.history, error: result.error }));
  }, [client, plugin]);
  usePolling(poll, METRICS_POLL_MS, open);
  return state;
}
