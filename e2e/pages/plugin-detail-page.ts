import type { Locator, Page } from '@playwright/test';

/** The plugin detail page (`#/plugin/<name>`), by role and label. */
export class PluginDetailPage {
  readonly heading: Locator;
  readonly state: Locator;
  readonly breaker: Locator;
  readonly instances: Locator;
  readonly instanceRows: Locator;
  readonly activity: Locator;
  readonly events: Locator;
  readonly eventsChart: Locator;
  readonly quarantine: Locator;
  readonly retryButton: Locator;
  readonly logs: Locator;
  readonly about: Locator;
  readonly scaling: Locator;
  readonly actionStatus: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    this.heading = page.getByRole('main').getByRole('heading', { level: 1 });
    this.state = page.getByRole('status', { name: 'Plugin state' });
    this.breaker = page.getByLabel('Breaker state');
    this.instances = page.getByRole('region', { name: 'Instances' });
    this.instanceRows = this.instances.getByRole('row').filter({ has: page.getByRole('rowheader') });
    this.activity = page.getByRole('region', { name: 'Activity' });
    this.events = this.activity.getByRole('group', { name: 'Events, newest first' });
    this.eventsChart = this.activity.getByRole('figure', { name: 'Events' }).getByRole('img');
    this.quarantine = page.getByRole('region', { name: /^Quarantined/ });
    this.retryButton = this.quarantine.getByRole('button', { name: `Retry ${name}` });
    this.logs = page.getByRole('region', { name: 'Recent logs' });
    this.about = page.getByRole('region', { name: 'About' });
    this.scaling = page.getByRole('region', { name: 'Scaling' });
    this.actionStatus = page.getByRole('status', { name: 'Action result' });
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/#/plugin/${encodeURIComponent(this.name)}`);
  }

  chart(title: string): Locator {
    return this.activity.getByRole('figure', { name: title }).getByRole('img');
  }

  /** An event row whose text matches. */
  event(text: string | RegExp): Locator {
    return this.events.getByRole('row').filter({ hasText: text });
  }

  action(label: 'Enable' | 'Disable' | 'Restart' | 'Retry' | 'Bounds' | 'Uninstall'): Locator {
    return this.page.getByRole('group', { name: `Actions for ${this.name}` }).getByRole('button', { name: `${label} ${this.name}`, exact: true });
  }
}
