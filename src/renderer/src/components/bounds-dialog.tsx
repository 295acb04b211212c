import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { PluginSummary } from '../../../shared/domain';
import { usePluginActions } from '../state/plugins-client-context';

export const BOUNDS_LIMIT = 64;

/** Checks the two fields as the contract will (0 ≤ min ≤ max, 1 ≤ max ≤ 64); null when fine. */
export function validateBounds(minText: string, maxText: string): { min?: string; max?: string } | null {
  const errors: { min?: string; max?: string } = {};
  const min = Number(minText);
  const max = Number(maxText);
  if (minText.trim() === '' || !Number.isInteger(min) || min < 0 || min > BOUNDS_LIMIT) errors.min = `Enter a whole number from 0 to ${BOUNDS_LIMIT}.`;
  if (maxText.trim() === '' || !Number.isInteger(max) || max < 1 || max > BOUNDS_LIMIT) errors.max = `Enter a whole number from 1 to ${BOUNDS_LIMIT}.`;
  if (!errors.min && !errors.max && min > max) errors.min = 'Minimum must not be more than the maximum.';
  return errors.min || errors.max ? errors : null;
}

/** A modal form for a plugin's instance bounds, validated before it is sent. */
export function BoundsDialog({ plugin, open, onClose }: { plugin: PluginSummary; open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const minId = useId();
  const maxId = useId();
  const [min, setMin] = useState(String(plugin.min));
  const [max, setMax] = useState(String(plugin.max));
  const [errors, setErrors] = useState<{ min?: string; max?: string } | null>(null);
  const setBounds = usePluginActions((s) => s.setBounds);
  const record = usePluginActions((s) => s.byTarget[plugin.name]);
  const [sent, setSent] = useState(false);
  const busy = sent && record?.action === 'setBounds' && record.phase === 'running';
  const failed = sent && record?.action === 'setBounds' && record.phase === 'failed' ? record : null;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setMin(String(plugin.min));
      setMax(String(plugin.max));
      setErrors(null);
      setSent(false);
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
    // Reset only when it opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = validateBounds(min, max);
    setErrors(problems);
    if (problems) return;
    setSent(true);
    if (await setBounds(plugin.name, Number(min), Number(max))) onClose();
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id={titleId}>Instance bounds of {plugin.name}</h2>
        <p>The scaler keeps between the minimum and the maximum instances running. A minimum of 0 lets the plugin scale to zero when idle.</p>
        <div className="form-row">
          <div className="field">
            <label htmlFor={minId}>Minimum</label>
            <input
              id={minId}
              className="input"
              type="number"
              inputMode="numeric"
              min={0}
              max={BOUNDS_LIMIT}
              value={min}
              onChange={(e) => setMin(e.target.value)}
              aria-invalid={errors?.min ? true : undefined}
              aria-describedby={errors?.min ? `${minId}-error` : undefined}
            />
            {errors?.min && (
              <span id={`${minId}-error`} className="field__error">
                {errors.min}
              </span>
            )}
          </div>
          <div className="field">
            <label htmlFor={maxId}>Maximum</label>
            <input
              id={maxId}
              className="input"
              type="number"
              inputMode="numeric"
              min={1}
              max={BOUNDS_LIMIT}
              value={max}
              onChange={(e) => setMax(e.target.value)}
              aria-invalid={errors?.max ? true : undefined}
              aria-describedby={errors?.max ? `${maxId}-error` : undefined}
            />
            {errors?.max && (
              <span id={`${maxId}-error`} className="field__error">
                {errors.max}
              </span>
            )}
          </div>
        </div>
        {failed?.error && (
          <div className="notice notice--error" role="alert">
            <div className="notice__body">
              <strong>{failed.message}</strong>
              <span>
                <code className="error-code">{failed.error.code}</code> {failed.error.message}
              </span>
              {failed.hint && <span className="notice__hint">{failed.hint}</span>}
            </div>
          </div>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save bounds'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
