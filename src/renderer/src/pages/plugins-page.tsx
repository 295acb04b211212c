/** The Plugins page (being built). */
export function PluginsPage() {
  return <p className="muted">Plugins: coming in this release.</p>;
}
