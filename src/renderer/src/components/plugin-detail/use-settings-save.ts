import { useCallback, useRef, useState } from 'react';
import type { PluginDetail } from '../../../../shared/domain';
import type { ErrorInfo, Result } from '../../../../shared/result';
import { saveHint, savedMessage } from '../../state/plugin-settings';

/** Where one settings form's save is: nothing yet, in flight, done (with what happened), or failed. */
export type SaveStatus =
  | { phase: 'idle' }
  | { phase: 'invalid'; message: string }
  | { phase: 'saving'; message: string }
  | { phase: 'done'; message: string }
  | { phase: 'failed'; title: string; error: ErrorInfo; hint: string };

/**
 * Runs one save at a time for a form and keeps its outcome for the status line. On success the
 * caller gets the returned detail (shown at once, before the next poll).
 */
export function useSettingsSave(kind: 'config' | 'env', plugin: string, onSaved: (detail: PluginDetail) => void) {
  const [status, setStatus] = useState<SaveStatus>({ phase: 'idle' });
  const busy = useRef(false);

  const run = useCallback(
    async (opts: { progress: string; failTitle: string; summary: string; before: PluginDetail; send: () => Promise<Result<PluginDetail>> }): Promise<boolean> => {
      if (busy.current) return false;
      busy.current = true;
      setStatus({ phase: 'saving', message: opts.progress });
      try {
        const r = await opts.send();
        if (!r.ok) {
          setStatus({ phase: 'failed', title: opts.failTitle, error: r.error, hint: saveHint(r.error, kind) });
          return false;
        }
        onSaved(r.value);
        setStatus({ phase: 'done', message: savedMessage(plugin, opts.summary, opts.before, r.value) });
        return true;
      } catch (error) {
        const info: ErrorInfo = { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
        setStatus({ phase: 'failed', title: opts.failTitle, error: info, hint: saveHint(info, kind) });
        return false;
      } finally {
        busy.current = false;
      }
    },
    [kind, plugin, onSaved],
  );

  return { status, setStatus, run, saving: status.phase === 'saving' };
}
