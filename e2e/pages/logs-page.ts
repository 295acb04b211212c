import { expect, type Locator, type Page } from '@playwright/test';

/** The Logs page, found by role and label. */
export class LogsPage {
  readonly region: Locator;
  readonly list: Locator;
  readonly rows: Locator;
  readonly level: Locator;
  readonly plugin: Locator;
  readonly search: Locator;
  readonly pauseButton: Locator;
  readonly resumeButton: Locator;
  readonly jumpToLatest: Locator;
  readonly exportLog: Locator;
  readonly exportNdjson: Locator;
  /** "1,000 entries", "12 entries match", "Filtering…" */
  readonly state: Locator;
  /** "Following live", "Paused · 3 new", … */
  readonly mode: Locator;
  readonly emptyState: Locator;
  readonly detail: Locator;

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: 'Logs' });
    this.list = this.region.getByRole('list', { name: 'Log entries' });
    this.rows = this.list.getByRole('listitem');
    this.level = this.region.getByLabel('Level', { exact: true });
    this.plugin = this.region.getByLabel('Plugin', { exact: true });
    this.search = this.region.getByRole('searchbox', { name: 'Search' });
    this.pauseButton = this.region.getByRole('button', { name: 'Pause', exact: true });
    this.resumeButton = this.region.getByRole('button', { name: 'Resume', exact: true });
    this.jumpToLatest = this.region.getByRole('button', { name: /^Jump to latest/ });
    this.exportLog = this.region.getByRole('button', { name: 'Export .log' });
    this.exportNdjson = this.region.getByRole('button', { name: 'Export NDJSON' });
    this.state = this.region.locator('.logs-state');
    this.mode = this.region.locator('.logs-mode');
    this.emptyState = this.region.getByText('No entries match these filters.');
    this.detail = this.region.getByRole('region', { name: 'Selected log entry' });
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/#/logs`);
    await expect(this.region).toBeVisible();
  }

  /** Waits until the list shows the answer to the current filters (no "Filtering…"). */
  async settled(timeout?: number): Promise<void> {
    await expect(this.state).toHaveText(/^[\d,]+ entr(y|ies)( match)?$/, timeout === undefined ? {} : { timeout });
  }

  /** Every row's seq, as rendered, in DOM order. */
  async renderedSeqs(): Promise<number[]> {
    return (await this.rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))))).sort((a, b) => a - b);
  }

  /** The number shown in the state line ("1,234 entries" → 1234). */
  async shownCount(): Promise<number> {
    const text = (await this.state.textContent()) ?? '';
    return Number(text.replace(/[^\d]/g, ''));
  }

  /** The 1-based position (aria-posinset) of the row at the top edge of the list's viewport. */
  async topVisiblePosition(): Promise<number> {
    return this.list.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const row = el.ownerDocument.elementFromPoint(box.left + box.width / 2, box.top + 4)?.closest('[role="listitem"]');
      return Number(row?.getAttribute('aria-posinset') ?? 0);
    });
  }

  async scrollListTo(position: 'top' | 'bottom'): Promise<void> {
    await this.list.evaluate((el, where) => {
      el.scrollTop = where === 'top' ? 0 : el.scrollHeight;
    }, position);
  }
}
