/** The Plugin detail page (being built). */
export function PluginDetailPage() {
  return <p className="muted">Plugin detail: coming in this release.</p>;
}
