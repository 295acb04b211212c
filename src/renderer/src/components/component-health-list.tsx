import type { ComponentHealth } from '../../../shared/domain';
import { Section } from './section';
import { StateBadge, toneOf } from './state-badge';

export function ComponentHealthList({ components }: { components: ComponentHealth[] }) {
  const healthy = components.filter((c) => toneOf(c.state) === 'ok').length;
  return (
    <Section
      title="Components"
      className="span-5"
      aside={
        <span className="muted">
          {healthy} of {components.length} ready
        </span>
      }
    >
      {components.length === 0 ? (
        <p className="empty">No components reported yet.</p>
      ) : (
        <ul className="health-list">
          {components.map((c) => (
            <li key={c.name} className="health-item" data-component={c.name}>
              <span className="health-item__title">{c.title}</span>
              <StateBadge state={c.state} />
              {c.message && <span className="health-item__message">{c.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
