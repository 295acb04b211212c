/** A labelled determinate progress bar: `done` of `total`. */
export function ProgressBar({ label, done, total }: { label: string; done: number; total: number }) {
  const safeTotal = Math.max(1, total);
  const clamped = Math.min(Math.max(0, done), safeTotal);
  return (
    <div className="progress-row">
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={safeTotal}
        aria-valuenow={clamped}
        aria-valuetext={`${clamped} of ${safeTotal} steps`}
      >
        <span className="progress__fill" style={{ width: `${(clamped / safeTotal) * 100}%` }} />
      </div>
      <span className="progress-row__text">
        {clamped} of {safeTotal} steps
      </span>
    </div>
  );
}
