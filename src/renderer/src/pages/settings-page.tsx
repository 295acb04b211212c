/** The Settings page (being built). */
export function SettingsPage() {
  return <p className="muted">Settings: coming in this release.</p>;
}
