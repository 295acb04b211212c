/**
 * The Plugins page and the plugin detail page against the real headless conductor: actions,
 * a killed process, a tripped breaker, a crash loop's quarantine, install and uninstall. Every
 * wait is on what the page shows; the API is used only as a script would (to send requests and
 * to learn a pid).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, REPO_ROOT, test, type HeadlessConductor } from './headless-conductor';
import { OverviewPage } from './pages/overview-page';
import { PluginDetailPage } from './pages/plugin-detail-page';
import { ConductorHttp, PluginsPage } from './pages/plugins-page';

const shot = (page: Page, outputDir: string, name: string) => page.screenshot({ path: join(outputDir, 'screenshots', name), fullPage: true });

/** Signs in (the login URL sets the cookie) and waits for the conductor to be ready. */
async function signIn(page: Page, conductor: HeadlessConductor): Promise<void> {
  const overview = new OverviewPage(page);
  await overview.open(conductor.url);
  await expect(overview.overallState).toHaveText('Ready');
}

function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

test.describe('Plugins page', () => {
  test('disables and enables a plugin, and validates instance bounds', async ({ page, conductor }, testInfo) => {
    const problems = collectProblems(page);
    await signIn(page, conductor);
    const plugins = new PluginsPage(page);
    await plugins.open(conductor.baseUrl);

    for (const name of ['echo', 'primes', 'slow', 'flaky', 'counter', 'fanout']) {
      await expect(plugins.state(name)).toHaveText('Ready');
    }
    await expect(plugins.breaker('echo')).toHaveText('Closed');

    await plugins.action('echo', 'Disable').click();
    await expect(plugins.actionStatus).toContainText('echo disabled — it is disabled now.');
    await expect(plugins.state('echo')).toHaveText('Disabled');
    await expect(plugins.action('echo', 'Restart')).toBeDisabled();

    await plugins.action('echo', 'Enable').click();
    await expect(plugins.actionStatus).toContainText('echo enabled');
    await expect(plugins.state('echo')).toHaveText('Ready');

    // Bounds: a bad pair is pointed out before anything is sent; a good one is applied.
    await plugins.action('echo', 'Bounds').click();
    const dialog = page.getByRole('dialog', { name: 'Instance bounds of echo' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Minimum').fill('3');
    await dialog.getByLabel('Maximum').fill('2');
    await dialog.getByRole('button', { name: 'Save bounds' }).click();
    await expect(dialog.getByText('Minimum must not be more than the maximum.')).toBeVisible();
    await expect(dialog.getByLabel('Minimum')).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByLabel('Minimum').fill('1');
    await dialog.getByLabel('Maximum').fill('3');
    await dialog.getByRole('button', { name: 'Save bounds' }).click();
    await expect(dialog).toBeHidden();
    await expect(plugins.actionStatus).toContainText('echo now runs 1–3 instances.');
    await expect(plugins.row('echo').getByRole('cell').nth(1)).toContainText('(1–3)');

    expect(problems).toEqual([]);
    await shot(page, testInfo.project.outputDir, 'plugins.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, testInfo.project.outputDir, 'plugins-dark.png');
  });

  test('installs a plugin from a folder and uninstalls it after confirming', async ({ page, conductor }, testInfo) => {
    const http = new ConductorHttp(conductor.baseUrl, conductor.token);
    // A copy of echo under another name, as a person's own plugin folder would be.
    const folder = await mkdtemp(join(tmpdir(), 'conductor-e2e-plugin-'));
    const source = join(folder, 'greeter');
    try {
      await cp(join(REPO_ROOT, 'plugins', 'echo'), source, { recursive: true });
      const manifest = JSON.parse(await readFile(join(source, 'plugin.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(source, 'plugin.json'), JSON.stringify({ ...manifest, name: 'greeter', capabilities: ['text.greet'] }));

      await signIn(page, conductor);
      const plugins = new PluginsPage(page);
      await plugins.open(conductor.baseUrl);

      // An empty field and a folder without a plugin say what is wrong and what to do.
      await plugins.installButton.click();
      await expect(page.getByText('Enter the path of a plugin folder')).toBeVisible();
      await plugins.installPath.fill(join(folder, 'missing'));
      await plugins.installButton.click();
      const alert = plugins.actionStatus.getByRole('alert');
      await expect(alert).toContainText(`Could not install from ${join(folder, 'missing')}`);
      await expect(alert).toContainText('E_NOT_FOUND');
      await expect(alert).toContainText('Check the path: there is no folder there');

      await plugins.installPath.fill(source);
      await plugins.installButton.click();
      await expect(plugins.actionStatus).toContainText('greeter installed (');
      await expect(plugins.state('greeter')).toHaveText('Ready');
      expect((await http.request({ capability: 'text.greet', payload: 'hi' })).ok).toBe(true);

      // Bundled plugins cannot be uninstalled (disable them instead); installed ones can.
      await expect(plugins.action('echo', 'Uninstall')).toHaveCount(0);
      await plugins.action('greeter', 'Uninstall').click();
      const confirm = page.getByRole('dialog', { name: 'Uninstall greeter?' });
      await expect(confirm).toBeVisible();
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await expect(confirm).toBeHidden();
      await expect(plugins.row('greeter')).toHaveCount(1);

      await plugins.action('greeter', 'Uninstall').click();
      await confirm.getByLabel('Also delete its saved state and settings').check();
      await confirm.getByRole('button', { name: 'Uninstall' }).click();
      await expect(plugins.actionStatus).toContainText('greeter uninstalled, with its saved state.');
      await expect(plugins.row('greeter')).toHaveCount(0);
      await shot(page, testInfo.project.outputDir, 'plugins-after-uninstall.png');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

test.describe('Plugin detail page', () => {
  test('a killed plugin process is shown restarting, then ready with a new pid', async ({ page, conductor }) => {
    const http = new ConductorHttp(conductor.baseUrl, conductor.token);
    await signIn(page, conductor);
    const detail = new PluginDetailPage(page, 'echo');
    await detail.open(conductor.baseUrl);
    await expect(detail.heading).toContainText('echo');
    await expect(detail.state).toHaveText('Ready');
    await expect(detail.instanceRows).toHaveCount(1);

    const [instance] = (await http.plugin('echo')).instances;
    const pid = instance!.pid!;
    await expect(detail.instanceRows.first()).toContainText(`pid ${pid}`);
    process.kill(pid, 'SIGKILL');

    // The crash and the restart it caused are on the page, in words…
    await expect(detail.event(/echo#\d+ crashed — signal SIGKILL/)).toHaveCount(1);
    await expect(detail.event('State ready → starting: instance crashed (signal SIGKILL); restarting')).toHaveCount(1);
    // …then it is ready again, with a new process.
    await expect(detail.state).toHaveText('Ready');
    await expect(detail.instanceRows).toHaveCount(1);
    await expect(detail.instanceRows.first()).not.toContainText(`pid ${pid}`);
    await expect(detail.instanceRows.first()).toContainText(/pid \d+/);
    await expect(page.getByRole('term').filter({ hasText: 'Restarts' }).locator('xpath=following-sibling::dd')).toHaveText('1');
  });

  test('tripping the flaky plugin’s breaker shows it open, on the Plugins page and in the detail', async ({ page, conductor }, testInfo) => {
    const http = new ConductorHttp(conductor.baseUrl, conductor.token);
    await signIn(page, conductor);
    const plugins = new PluginsPage(page);
    await plugins.open(conductor.baseUrl);
    await expect(plugins.breaker('flaky')).toHaveText('Closed');

    // Failing calls until the breaker refuses them (it opens at ≥ 50 % failures of ≥ 5 calls).
    let refused = false;
    for (let i = 0; i < 30 && !refused; i++) {
      const result = await http.request({ plugin: 'flaky', payload: { fail: true } });
      expect(result.ok).toBe(false);
      refused = result.error?.code === 'E_CIRCUIT_OPEN';
    }
    expect(refused).toBe(true);
    await expect(plugins.breaker('flaky')).toContainText('Open');

    await plugins.row('flaky').getByRole('link', { name: 'flaky' }).click();
    const detail = new PluginDetailPage(page, 'flaky');
    await expect(page).toHaveURL(/#\/plugin\/flaky$/);
    await expect(detail.event(/Breaker of flaky#\d+ opened/).first()).toBeVisible();
    await expect(detail.eventsChart).toHaveAttribute('aria-label', /Events of the last 5 minutes on the same time axis: [1-9]\d* event/);
    // The failures were a burst: the error series shows them (its maximum), whatever the latest sample.
    await expect(detail.chart('Request and error rate')).toHaveAttribute('aria-label', /Errors [^;]*max [1-9]/);
    // The open period (10 s) ends in half-open, and the page follows: closed after good trials.
    await expect(detail.event(/Breaker of flaky#\d+ half-open/).first()).toBeVisible({ timeout: 30_000 });
    for (let i = 0; i < 5; i++) await http.request({ plugin: 'flaky', payload: { fail: false } });
    await expect(detail.breaker).toHaveText('Closed');
    await expect(detail.event(/Breaker of flaky#\d+ closed/).first()).toBeVisible();
    await shot(page, testInfo.project.outputDir, 'plugin-detail-breaker.png');
  });

  test('a crash loop quarantines flaky; the cause is shown plainly, and Retry brings it back', async ({ page, conductor }, testInfo) => {
    const http = new ConductorHttp(conductor.baseUrl, conductor.token);
    await signIn(page, conductor);
    const detail = new PluginDetailPage(page, 'flaky');
    await detail.open(conductor.baseUrl);
    await expect(detail.state).toHaveText('Ready');

    // Each request exits the instance; its replacement takes the next one, until the crash-loop
    // limit (5 within 60 s) quarantines the plugin and requests fail at once.
    for (let i = 0; i < 12; i++) {
      const result = await http.request({ plugin: 'flaky', payload: { crash: true }, timeoutMs: 20_000 });
      expect(result.ok).toBe(false);
      if ((await http.plugin('flaky')).state === 'quarantined') break;
    }
    await expect(detail.state).toHaveText('Quarantined');
    await expect(detail.quarantine).toBeVisible();
    await expect(detail.quarantine).toContainText(/5 crashes in/);
    await expect(detail.quarantine).toContainText('exited with code 1');
    // What the instance printed last (its "crashing on purpose" warning may or may not have left
    // the process before process.exit; its start-up line always has).
    await expect(detail.quarantine.getByLabel('Last lines before the crash')).toContainText('flaky: ');
    await expect(detail.event('Quarantined')).not.toHaveCount(0);
    await shot(page, testInfo.project.outputDir, 'plugin-detail-quarantined.png');

    await detail.retryButton.click();
    await expect(detail.actionStatus).toContainText('flaky retried');
    await expect(detail.state).toHaveText('Ready');
    await expect(detail.quarantine).toHaveCount(0);
    await expect(detail.event('Released from quarantine: retried')).toHaveCount(1);
    expect((await http.request({ plugin: 'flaky', payload: { fail: false } })).ok).toBe(true);
  });
});

test.describe('Screenshots with traffic', () => {
  test('overview and plugin detail under a little load', async ({ page, conductor }, testInfo) => {
    const http = new ConductorHttp(conductor.baseUrl, conductor.token);
    await signIn(page, conductor);
    const overview = new OverviewPage(page);

    // Light, paced traffic (load shaping, not a wait) until the charts span 20 s or more.
    let running = true;
    const load = (async () => {
      let i = 0;
      while (running) {
        i++;
        await Promise.all([
          http.request({ capability: 'text.echo', payload: { i } }),
          http.request({ capability: 'math.nth-prime', payload: { n: 20_000 + (i % 7) * 10_000 } }),
          i % 4 === 0 ? http.request({ plugin: 'flaky', payload: { fail: i % 8 === 0 } }) : Promise.resolve(),
        ]);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    try {
      await expect(overview.chart('Request and error rate')).toHaveAttribute('aria-label', /over the last ([2-9]\d|\d{3}) seconds/, { timeout: 60_000 });
      await expect(overview.chart('Latency (last minute)')).toHaveAttribute('aria-label', /p99 [\d.,]+ ms/);
      await page.mouse.move(0, 0);
      await shot(page, testInfo.project.outputDir, 'overview.png');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot(page, testInfo.project.outputDir, 'overview-dark.png');
      await page.emulateMedia({ colorScheme: 'light' });

      // flaky, with a crash and its restart on the time axis next to its traffic and errors.
      const detail = new PluginDetailPage(page, 'flaky');
      await detail.open(conductor.baseUrl);
      await expect(detail.state).toHaveText('Ready');
      const pid = (await http.plugin('flaky')).instances[0]!.pid!;
      process.kill(pid, 'SIGKILL');
      await expect(detail.event(/flaky#\d+ crashed — signal SIGKILL/)).toHaveCount(1);
      await expect(detail.state).toHaveText('Ready');
      await expect(detail.chart('Request and error rate')).toHaveAttribute('aria-label', /Requests [1-9]/);
      await expect(detail.chart('Memory (RSS, sum of instances)')).toHaveAttribute('aria-label', /RSS [\d.]+ MiB/);
      await expect(detail.logs.getByRole('list')).toContainText('flaky: ready');
      await page.mouse.move(0, 0);
      await shot(page, testInfo.project.outputDir, 'plugin-detail.png');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot(page, testInfo.project.outputDir, 'plugin-detail-dark.png');
    } finally {
      running = false;
      await load;
    }
  });
});
