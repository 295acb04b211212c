import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry, LogLevel } from '../src/shared/domain';
import { Store } from '../src/main/store/store';
import { expect, test } from './headless-conductor';
import { LogsPage } from './pages/logs-page';

/** Bearer-token call to a contract command over the HTTP API. */
async function command(conductor: { baseUrl: string; token: string }, name: string, args: unknown): Promise<unknown> {
  const res = await fetch(`${conductor.baseUrl}/api/v1/commands/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${conductor.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!body.ok) throw new Error(`${name} failed: ${JSON.stringify(body.error)}`);
  return body.value;
}

test.describe('Logs page against the headless conductor', () => {
  test('follows the live tail, filters by plugin and level, searches, pauses and exports', async ({ page, conductor }, testInfo) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

    await page.goto(conductor.url);
    const logs = new LogsPage(page);
    await logs.open(conductor.baseUrl);
    await logs.settled();
    // Startup wrote entries before the page opened: they come from the store.
    await expect(logs.rows.first()).toBeVisible();
    expect(await logs.shownCount()).toBeGreaterThan(5);
    await expect(logs.mode).toContainText('Following live');

    // Plugin filter: only echo's entries.
    await logs.plugin.selectOption('echo');
    await logs.settled();
    await expect(logs.rows.filter({ hasText: 'echo: ready' }).first()).toBeVisible();
    for (const origin of await logs.rows.locator('.log-row__origin').allTextContents()) expect(origin).toMatch(/^echo/);

    // Live: restarting echo logs "echo: stopping" from its old instance, shown without a reload.
    const before = await logs.shownCount();
    await command(conductor, 'plugins:restart', { name: 'echo' });
    await expect(logs.rows.filter({ hasText: 'echo: stopping' }).first()).toBeVisible();
    expect(await logs.shownCount()).toBeGreaterThan(before);

    // Pause: new entries are counted, not shown; resume adds them.
    await logs.pauseButton.click();
    await expect(logs.resumeButton).toHaveAttribute('aria-pressed', 'true');
    const paused = await logs.shownCount();
    await command(conductor, 'plugins:restart', { name: 'echo' });
    await expect(logs.mode).toContainText(/Paused · \d+ new/);
    expect(await logs.shownCount()).toBe(paused);
    await expect(logs.jumpToLatest).toBeVisible();
    await logs.resumeButton.click();
    await expect(logs.mode).toContainText('Following live');
    await expect.poll(() => logs.shownCount()).toBeGreaterThan(paused);

    // Level: warnings and errors only (none from echo) → the empty state says what to do.
    await logs.level.selectOption({ label: 'Warnings and errors' });
    await expect(logs.emptyState).toBeVisible();
    await expect(logs.state).toHaveText('0 entries match');

    // Back to all levels, all sources; search for a conductor message (case-insensitive).
    await logs.level.selectOption({ label: 'All levels' });
    await logs.plugin.selectOption({ label: 'All sources' });
    await logs.search.fill('ECHO: READY');
    await logs.settled();
    const matching = await logs.rows.locator('.log-row__message').allTextContents();
    expect(matching.length).toBeGreaterThanOrEqual(3); // the first start and two rolling restarts
    for (const text of matching) expect(text.toLowerCase()).toContain('echo: ready');

    // A row opens in full below the list.
    await logs.rows.first().click();
    await expect(logs.detail).toContainText('echo: ready');
    await expect(logs.detail).toContainText('plugin:echo');

    // Export the filtered entries as NDJSON: exactly what is shown.
    const downloading = page.waitForEvent('download');
    await logs.exportNdjson.click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^conductor-logs-\d{8}-\d{6}\.ndjson$/);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\n');
    const exported = lines.map((line) => JSON.parse(line) as LogEntry);
    expect(exported.length).toBe(await logs.shownCount());
    for (const entry of exported) expect(entry.message.toLowerCase()).toContain('echo: ready');

    expect(problems).toEqual([]);
    await logs.search.fill('');
    await logs.settled();
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'logs.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'logs-dark.png'), fullPage: true });
  });
});

const SEEDED = 100_000;
const NEEDLE_EVERY = 1000;
const LEVELS: LogLevel[] = ['info', 'info', 'debug', 'info', 'warn', 'info', 'debug', 'info', 'info', 'error'];
const SEED_PLUGINS = ['echo', 'counter', 'slow', undefined];

/** Writes 100k entries into the data dir's `logs` table, before the conductor opens it. */
function seedLogs(dataDir: string): void {
  const store = new Store({ dataDir });
  store.open();
  try {
    const now = Date.now();
    const batch: LogEntry[] = [];
    for (let seq = 1; seq <= SEEDED; seq++) {
      const plugin = SEED_PLUGINS[seq % SEED_PLUGINS.length];
      const needle = seq % NEEDLE_EVERY === 0;
      const entry: LogEntry = {
        seq,
        ts: now - (SEEDED - seq) * 20,
        level: LEVELS[seq % LEVELS.length]!,
        source: plugin ? `plugin:${plugin}` : 'conductor',
        message: needle ? `seeded entry ${seq}: found the Needle in the haystack` : `seeded entry ${seq}: request handled in ${seq % 97} ms`,
      };
      if (plugin) {
        entry.plugin = plugin;
        entry.instance = `${plugin}#${(seq % 3) + 1}`;
      }
      batch.push(entry);
      if (batch.length === 5000) store.logs.appendMany(batch.splice(0));
    }
    store.logs.appendMany(batch);
  } finally {
    store.close();
  }
}

test.describe('Logs page with 100k lines in the store', () => {
  test.use({ conductorOptions: { beforeStart: seedLogs } });

  test('renders a few hundred rows at most, pages back on scroll, and a search settles quickly', async ({ page, conductor }, testInfo) => {
    await page.goto(conductor.url);
    const logs = new LogsPage(page);
    await logs.open(conductor.baseUrl);
    await logs.settled();

    // The newest page is loaded (the seeded tail plus this run's startup), not 100k rows, and
    // only the rows in view are in the DOM.
    expect(await logs.shownCount()).toBeLessThanOrEqual(2000);
    const rendered = await logs.rows.count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThanOrEqual(300);
    const seqs = await logs.renderedSeqs();
    expect(seqs.at(-1)!).toBeGreaterThan(SEEDED); // this run continues after the seeded seq

    // Scrolled to the top: older entries come from the store, the view stays put, still few rows.
    const firstCount = await logs.shownCount();
    await logs.scrollListTo('top');
    await expect.poll(() => logs.shownCount()).toBeGreaterThan(firstCount);
    // The view stays on the rows it showed while a page of 1000 older ones comes in above: the
    // top row on screen is then about the 1001st, not the first.
    await expect.poll(() => logs.topVisiblePosition()).toBeGreaterThanOrEqual(990);
    expect(await logs.topVisiblePosition()).toBeLessThanOrEqual(1010);
    await expect(logs.jumpToLatest).toBeVisible();
    await expect(logs.mode).toContainText('Scrolled up');
    expect(await logs.rows.count()).toBeLessThanOrEqual(300);
    await logs.jumpToLatest.click();
    await expect(logs.mode).toContainText('Following live');

    // A search over the whole store settles within a bounded wait.
    const t0 = Date.now();
    await logs.search.fill('needle');
    await logs.settled(10_000);
    const settledMs = Date.now() - t0;
    expect(await logs.shownCount()).toBe(SEEDED / NEEDLE_EVERY);
    expect(settledMs).toBeLessThan(10_000);
    testInfo.annotations.push({ type: 'search settled', description: `${settledMs} ms over ${SEEDED} entries` });
    for (const text of await logs.rows.locator('.log-row__message').allTextContents()) expect(text).toContain('Needle');
    expect(await logs.rows.count()).toBeLessThanOrEqual(300);

    // Level + plugin together, also against the store.
    await logs.search.fill('');
    await logs.level.selectOption({ label: 'Errors only' });
    await logs.plugin.selectOption('counter');
    await logs.settled(10_000);
    const levels = await logs.rows.locator('.log-row__level').allTextContents();
    expect(levels.length).toBeGreaterThan(0);
    for (const level of levels) expect(level).toBe('ERROR');
    for (const origin of await logs.rows.locator('.log-row__origin').allTextContents()) expect(origin).toMatch(/^counter/);

    await logs.level.selectOption({ label: 'All levels' });
    await logs.plugin.selectOption({ label: 'All sources' });
    await logs.settled(10_000);
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'logs-100k.png') });
  });
});
