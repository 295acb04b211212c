import type { Locator, Page } from '@playwright/test';
import type { PluginSummary } from '../../src/shared/domain';

/** The Plugins page (`#/plugins`), by role and label. */
export class PluginsPage {
  readonly table: Locator;
  readonly actionStatus: Locator;
  readonly installPath: Locator;
  readonly installButton: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('region', { name: 'Installed plugins' });
    this.actionStatus = page.getByRole('status', { name: 'Action result' });
    this.installPath = page.getByRole('textbox', { name: 'Plugin folder' });
    this.installButton = page.getByRole('button', { name: 'Install', exact: true });
  }

  /** Goes to the page (the session cookie is set by opening the login URL first). */
  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/#/plugins`);
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader').getByRole('link', { name, exact: true }) });
  }

  /** The row's state badge (second column). */
  state(name: string): Locator {
    return this.row(name).getByRole('cell').nth(0).locator('.badge');
  }

  /** The row's breaker cell (fourth column; cells exclude the row header). */
  breaker(name: string): Locator {
    return this.row(name).getByRole('cell').nth(2);
  }

  action(name: string, label: 'Enable' | 'Disable' | 'Restart' | 'Retry' | 'Bounds' | 'Uninstall'): Locator {
    return this.row(name).getByRole('button', { name: `${label} ${name}`, exact: true });
  }
}

/** The conductor's HTTP API, for what a test does outside the UI (as a script would). */
export class ConductorHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  }

  async plugins(): Promise<PluginSummary[]> {
    const result = await this.call('/api/v1/plugins');
    if (!result.ok) throw new Error(`GET /api/v1/plugins: ${result.error?.code} ${result.error?.message}`);
    return (result.value as { plugins: PluginSummary[] }).plugins;
  }

  async plugin(name: string): Promise<PluginSummary> {
    const found = (await this.plugins()).find((p) => p.name === name);
    if (!found) throw new Error(`no plugin ${name}`);
    return found;
  }

  /** `POST /api/v1/requests`; returns the envelope (errors are answers here, not throws). */
  request(body: { plugin?: string; capability?: string; payload?: unknown; timeoutMs?: number }) {
    return this.call('/api/v1/requests', { method: 'POST', body });
  }
}
