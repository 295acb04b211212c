import { getApi } from './api/get-api';
import { ConnectionBanner } from './components/connection-banner';
import { StatusHeader } from './components/status-header';
import { useHashRoute } from './hooks/use-hash-route';
import { DEFAULT_PAGE_ID, PAGES } from './pages/pages';
import { ClientProvider } from './state/plugins-client-context';

export function App() {
  const route = useHashRoute(DEFAULT_PAGE_ID);
  const page = PAGES.find((p) => p.id === route) ?? PAGES[0]!;
  const { Component } = page;
  // The plugin detail page belongs under Plugins in the nav.
  const navId = page.id === 'plugin' ? 'plugins' : page.id;

  return (
    <ClientProvider client={getApi()}>
      <div className="app">
        <a
          className="skip-link"
          href="#main"
          onClick={(event) => {
            // Routes live in the hash: move focus without changing it.
            event.preventDefault();
            document.getElementById('main')?.focus();
          }}
        >
          Skip to content
        </a>
        <header className="app-header">
          <StatusHeader />
          <nav className="nav" aria-label="Pages">
            <ul>
              {PAGES.filter((p) => !p.hidden).map((p) => (
                <li key={p.id}>
                  <a href={`#/${p.id}`} className="nav__link" aria-current={p.id === navId ? 'page' : undefined}>
                    {p.title}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        <ConnectionBanner />
        <main id="main" className="main" tabIndex={-1} aria-label={page.title}>
          <Component />
        </main>
      </div>
    </ClientProvider>
  );
}
