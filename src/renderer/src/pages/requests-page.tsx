/** The Requests page (being built). */
export function RequestsPage() {
  return <p className="muted">Requests: coming in this release.</p>;
}
