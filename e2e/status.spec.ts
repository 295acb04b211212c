import { join } from 'node:path';
import { STEP_NAMES, STEP_TITLES } from '../src/shared/domain';
import { expect, test } from './headless-conductor';
import { OverviewPage } from './pages/overview-page';

test.describe('Overview page against the headless conductor', () => {
  test('shows the conductor ready, its startup steps and components', async ({ page, conductor }, testInfo) => {
    // Nothing on the page may complain: CSP violations and script errors land here.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

    const overview = new OverviewPage(page);
    await overview.open(conductor.url);

    // The login URL set the session cookie and redirected to the same page without the token.
    await expect(page).toHaveURL(`${conductor.baseUrl}/`);
    await expect(page).toHaveTitle('Conductor');
    await expect(overview.nav.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');

    await expect(overview.overallState).toHaveText('Ready');

    await expect(overview.startupSteps).toHaveCount(STEP_NAMES.length);
    for (const name of STEP_NAMES) {
      const step = overview.startupStep(STEP_TITLES[name]);
      await expect(step).toHaveCount(1);
      await expect(step).toContainText(/\d+(\.\d)? ms/);
      await expect(step).toContainText('OK');
    }
    await expect(overview.startup).toContainText(/started in [\d,]+ ms/);

    await expect(overview.componentItems).toHaveCount(STEP_NAMES.length);
    for (const name of STEP_NAMES) {
      await expect(overview.component(STEP_TITLES[name])).toContainText('Ready');
    }

    await expect(overview.requests).toContainText('Total');
    await expect(overview.plugins).toBeVisible();
    await expect(overview.shutDownButton).toBeEnabled();

    // CPU and memory come with the first health tick; give it a moment for a complete picture.
    await expect(overview.system.getByRole('term').filter({ hasText: /^CPU$/ })).toBeVisible();
    await expect(overview.system).toContainText('%');

    // The example plugins, each ready, each linking to its detail page.
    for (const name of ['echo', 'primes', 'slow', 'flaky', 'counter', 'fanout']) {
      await expect(overview.pluginRow(name).locator('[data-state]').first()).toHaveAttribute('data-state', 'ready');
    }
    await expect(overview.pluginRow('echo').getByRole('link', { name: 'echo' })).toHaveAttribute('href', '#/plugin/echo');

    // The charts draw (a uPlot canvas) and say their latest values to a screen reader.
    for (const title of ['CPU (all cores)', 'Memory used', 'Request and error rate']) {
      const chart = overview.chart(title);
      await expect(chart).toHaveAttribute('aria-label', new RegExp(`^${title.replace(/[()]/g, '\\$&')} over the last .*, latest: `));
      await expect(chart.locator('canvas')).toBeVisible();
    }
    await expect(overview.chart('CPU (all cores)')).toHaveAttribute('aria-label', /CPU \d+(\.\d)?%/);

    expect(problems).toEqual([]);

    const shots = join(testInfo.project.outputDir, 'screenshots');
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(shots, 'overview-dark.png'), fullPage: true });
  });

  test('shuts the conductor down from the UI, and the process exits 0', async ({ page, conductor }, testInfo) => {
    const overview = new OverviewPage(page);
    await overview.open(conductor.url);
    await expect(overview.overallState).toHaveText('Ready');

    // Cancelling changes nothing.
    await overview.shutDownButton.click();
    await expect(overview.confirmDialog).toBeVisible();
    await overview.confirmDialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(overview.confirmDialog).toBeHidden();
    await expect(overview.overallState).toHaveText('Ready');

    await overview.shutDown();
    await expect(overview.shutdownNote).toContainText('Conductor is shutting down…');

    const exit = await conductor.exited;
    expect(exit).toEqual({ code: 0, signal: null });

    // Once the server is gone the page says so, and what to do next.
    await expect(overview.shutdownNote).toHaveText('Conductor is shutting down… done');
    await expect(overview.connectionBanner).toContainText('Conductor has stopped.');
    await expect(overview.connectionBanner).toContainText('npm run headless');
    await expect(overview.overallState).toHaveText('Stopped');
    await expect(overview.shutdownSteps.first()).toBeVisible();
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'stopped.png'), fullPage: true });
  });

  test('says the connection is lost, and what to do, when the conductor dies', async ({ page, conductor }, testInfo) => {
    const overview = new OverviewPage(page);
    await overview.open(conductor.url);
    await expect(overview.overallState).toHaveText('Ready');

    const exit = await conductor.kill();
    expect(exit.signal).toBe('SIGKILL');

    await expect(overview.connectionBanner).toContainText('Connection to Conductor lost.');
    await expect(overview.connectionBanner).toContainText('Conductor may have stopped; start it again with npm start or npm run headless');
    await expect(overview.connectionBanner.getByRole('button', { name: 'Retry now' })).toBeVisible();
    await expect(overview.overallState).toHaveText('Unreachable');
    await expect(overview.shutDownButton).toBeDisabled();
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'connection-lost.png') });
  });
});
