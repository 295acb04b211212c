/** The Logs page (being built). */
export function LogsPage() {
  return <p className="muted">Logs: coming in this release.</p>;
}
