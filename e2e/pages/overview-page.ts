import type { Locator, Page } from '@playwright/test';

/** The Overview page, found the way a person (or a screen reader) finds it: by role and label. */
export class OverviewPage {
  readonly overallState: Locator;
  readonly nav: Locator;
  readonly startup: Locator;
  readonly startupSteps: Locator;
  readonly shutdownSteps: Locator;
  readonly components: Locator;
  readonly componentItems: Locator;
  readonly system: Locator;
  readonly requests: Locator;
  readonly plugins: Locator;
  readonly shutDownButton: Locator;
  readonly confirmDialog: Locator;
  readonly shutdownNote: Locator;
  readonly connectionBanner: Locator;

  constructor(readonly page: Page) {
    this.overallState = page.getByRole('status', { name: 'Overall state' });
    this.nav = page.getByRole('navigation', { name: 'Pages' });
    this.startup = page.getByRole('region', { name: 'Startup' });
    this.startupSteps = this.startup.getByRole('list', { name: 'Startup steps' }).getByRole('listitem');
    this.shutdownSteps = this.startup.getByRole('list', { name: 'Shutdown steps' }).getByRole('listitem');
    this.components = page.getByRole('region', { name: 'Components' });
    this.componentItems = this.components.getByRole('listitem');
    this.system = page.getByRole('region', { name: 'System' });
    this.requests = page.getByRole('region', { name: 'Requests' });
    this.plugins = page.getByRole('region', { name: 'Plugins' });
    this.shutDownButton = page.getByRole('banner').getByRole('button', { name: 'Shut down' });
    this.confirmDialog = page.getByRole('dialog', { name: 'Shut down Conductor?' });
    this.shutdownNote = page.getByRole('status', { name: 'Shutdown' });
    this.connectionBanner = page.getByRole('alert').filter({ hasText: /Conductor/ });
  }

  /** Opens the printed login URL; the server sets the session cookie and redirects to `/`. */
  async open(loginUrl: string): Promise<void> {
    await this.page.goto(loginUrl);
  }

  /** The start-phase step row titled `title` (e.g. "Database"). */
  startupStep(title: string): Locator {
    return this.startupSteps.filter({ hasText: title });
  }

  component(title: string): Locator {
    return this.componentItems.filter({ hasText: title });
  }

  /** A chart by its title (its image's label starts with the title), e.g. "CPU (all cores)". */
  chart(title: string): Locator {
    return this.page.getByRole('figure', { name: title }).getByRole('img');
  }

  /** The plugins table's row of `name` (its row header). */
  pluginRow(name: string): Locator {
    return this.plugins.getByRole('row').filter({ has: this.page.getByRole('rowheader').getByRole('link', { name, exact: true }) });
  }

  async shutDown(): Promise<void> {
    await this.shutDownButton.click();
    await this.confirmDialog.getByRole('button', { name: 'Shut down' }).click();
  }
}
