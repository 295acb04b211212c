import { useId, type ReactNode } from 'react';

/** A labelled region (`<section aria-labelledby>`) drawn as a card. */
export function Section({
  title,
  aside,
  className,
  children,
}: {
  title: string;
  aside?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={id}>
      <div className="card__head">
        <h2 id={id}>{title}</h2>
        {aside !== undefined && <div className="card__aside">{aside}</div>}
      </div>
      {children}
    </section>
  );
}
