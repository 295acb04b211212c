/**
 * The Settings card of the plugin detail page against the real headless conductor: a bundled
 * plugin's config edited against its schema (an invalid value is pointed out before anything is
 * sent), and a plugin that waits for a required secret, set in the UI, that then starts, without
 * the page ever showing the secret. Every wait is on what the page shows; the API is used only as
 * a script would (to read back what was saved and to send a request).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, type HeadlessConductor } from './headless-conductor';
import { OverviewPage } from './pages/overview-page';
import { PluginDetailPage } from './pages/plugin-detail-page';
import { PluginSettingsSection } from './pages/plugin-settings-section';
import { ConductorHttp } from './pages/plugins-page';

const shot = (page: Page, outputDir: string, name: string) => page.screenshot({ path: join(outputDir, 'screenshots', name), fullPage: true });

/** Signs in and waits until the conductor has started (Degraded when a plugin waits for a secret). */
async function signIn(page: Page, conductor: HeadlessConductor, state: 'Ready' | 'Degraded' = 'Ready'): Promise<void> {
  const overview = new OverviewPage(page);
  await overview.open(conductor.url);
  await expect(overview.overallState).toHaveText(state);
}

function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

type Envelope = { ok: boolean; value?: { config: Record<string, unknown> }; error?: { code: string; message: string } };

/** `POST /api/v1/commands/plugins:get`: the plugin's effective config, as a script reads it. */
async function savedConfig(conductor: HeadlessConductor, name: string): Promise<Record<string, unknown>> {
  const r = await command(conductor, 'plugins:get', { name });
  if (!r.ok || !r.value) throw new Error(`plugins:get ${name}: ${r.error?.code} ${r.error?.message}`);
  return r.value.config;
}

/** `POST /api/v1/commands/<command>`, as a script would. */
async function command(conductor: HeadlessConductor, name: string, args: unknown): Promise<Envelope> {
  const response = await fetch(`${conductor.baseUrl}/api/v1/commands/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${conductor.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  return (await response.json()) as Envelope;
}

test.describe('Plugin settings: config', () => {
  test('edits flaky.failRate against its schema: an invalid value is pointed out before sending, a valid one is saved and applied', async ({
    page,
    conductor,
  }, testInfo) => {
    const problems = collectProblems(page);
    await signIn(page, conductor);
    const detail = new PluginDetailPage(page, 'flaky');
    await detail.open(conductor.baseUrl);
    await expect(detail.state).toHaveText('Ready');

    const settings = new PluginSettingsSection(page);
    const failRate = settings.configField('failRate');
    await expect(failRate).toHaveValue('0.3');
    await expect(failRate).toHaveAttribute('type', 'number');
    await expect(settings.configRow('failRate')).toContainText('Probability that a request throws (0..1).');
    await expect(settings.configRow('failRate')).toContainText('Default 0.3 · a number from 0 to 1.');
    await expect(settings.configField('crashRate')).toHaveValue('0');
    await expect(settings.resetButton('failRate')).toHaveCount(0);

    // Out of range: shown on the field and refused by Save, which sends nothing.
    await failRate.fill('1.5');
    await expect(failRate).toHaveAttribute('aria-invalid', 'true');
    await expect(failRate).toHaveAccessibleDescription(/1\.5 is out of range: enter a number from 0 to 1\./);
    await settings.saveConfig.click();
    await expect(settings.configResult).toHaveText(/Not saved: failRate has a value that does not fit/);
    await expect(failRate).toBeFocused();
    await settings.region.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'plugin-settings-invalid.png') });
    expect((await savedConfig(conductor, 'flaky'))['failRate']).toBe(0.3);

    // A valid value: saved, announced with how it is applied, shown as the plugin's value.
    await failRate.fill('0.05');
    await expect(failRate).not.toHaveAttribute('aria-invalid', 'true');
    await expect(settings.configRow('failRate')).toContainText('unsaved');
    await settings.saveConfig.click();
    await expect(settings.configResult).toHaveText("Saved failRate. flaky's running instances restart one at a time (rolling) to apply it.");
    await expect(failRate).toHaveValue('0.05');
    await expect(settings.configRow('failRate')).toContainText('custom');
    await expect(settings.resetButton('failRate')).toBeVisible();
    expect(await savedConfig(conductor, 'flaky')).toEqual({ failRate: 0.05, crashRate: 0 });
    // The restarted instances run with it (their start-up line), and the plugin is ready again.
    await expect(detail.logs).toContainText('flaky: ready (failRate 0.05, crashRate 0)');
    await expect(detail.state).toHaveText('Ready');
    await shot(page, testInfo.project.outputDir, 'plugin-settings.png');
    await settings.region.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'plugin-settings-card.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await settings.region.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'plugin-settings-card-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // It survives a reload (it is what the conductor has, not what the form remembers).
    await page.reload();
    await expect(settings.configField('failRate')).toHaveValue('0.05');

    // Reset to default sends null for the key.
    await settings.resetButton('failRate').click();
    await expect(settings.configResult).toHaveText(/^Reset failRate to its default\./);
    await expect(settings.configField('failRate')).toHaveValue('0.3');
    await expect(settings.resetButton('failRate')).toHaveCount(0);
    expect((await savedConfig(conductor, 'flaky'))['failRate']).toBe(0.3);

    expect(problems).toEqual([]);
  });
});

const SECRET = 'tok-e2e-9f4c2a77d1';

/** A plugin that cannot start without API_TOKEN, written into the data dir's plugins folder. */
async function seedTokenPlugin(dataDir: string): Promise<void> {
  const dir = join(dataDir, 'plugins', 'needs-token');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'plugin.json'),
    JSON.stringify({
      name: 'needs-token',
      version: '1.0.0',
      description: 'Answers whether it got its API token (e2e).',
      entry: 'index.mjs',
      capabilities: ['test.token'],
      env: [
        { name: 'API_TOKEN', secret: true, required: true, description: 'The token of the remote API.' },
        { name: 'REGION', description: 'Where the remote API runs.' },
      ],
    }),
  );
  await writeFile(
    join(dir, 'index.mjs'),
    'export default { handle(p, ctx) { return { hasToken: !!ctx.env.API_TOKEN, region: ctx.env.REGION ?? null }; } };\n',
  );
}

test.describe('Plugin settings: a required secret', () => {
  test.use({ conductorOptions: { beforeStart: seedTokenPlugin } });

  test('a plugin stopped for a missing secret says so; setting it in the UI starts it; the value is never shown', async ({ page, conductor }, testInfo) => {
    const problems = collectProblems(page);
    await signIn(page, conductor, 'Degraded');
    const detail = new PluginDetailPage(page, 'needs-token');
    await detail.open(conductor.baseUrl);
    await expect(detail.state).toHaveText('Stopped');
    await expect(page.getByText(/required env API_TOKEN not set/)).toBeVisible();

    // Prominent: the callout leads to the secret's input.
    const settings = new PluginSettingsSection(page);
    await expect(settings.callout).toContainText('needs-token cannot start: API_TOKEN is required and not set.');
    await expect(settings.envRow('API_TOKEN')).toContainText('not set');
    await expect(settings.envRow('API_TOKEN')).toContainText('required');
    await expect(settings.envRow('API_TOKEN')).toContainText('secret');
    await expect(settings.envRow('API_TOKEN')).toContainText('The token of the remote API.');
    // Headless: the plain-text file is named plainly.
    await expect(settings.storageNote).toContainText('stored in PLAIN TEXT in');
    await expect(settings.storageNote).toContainText(conductor.dataDir);
    await expect(settings.storageNote).toContainText('(mode 0600)');
    await shot(page, testInfo.project.outputDir, 'plugin-settings-missing-secret.png');

    await settings.callout.getByRole('button', { name: 'Set API_TOKEN' }).click();
    const token = settings.envInput('API_TOKEN', true);
    await expect(token).toBeFocused();
    await expect(token).toHaveAttribute('type', 'password');
    await token.fill(SECRET);
    await settings.envInput('REGION', false).fill('eu-west');
    await settings.saveEnv.click();

    await expect(settings.envResult).toHaveText('Saved API_TOKEN, REGION. needs-token started with it.');
    await expect(detail.state).toHaveText('Ready');
    await expect(settings.callout).toHaveCount(0);
    // The card stays where it was (its result too) when the plugin starts.
    await expect(settings.envResult).toHaveText('Saved API_TOKEN, REGION. needs-token started with it.');
    await settings.region.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'plugin-settings-secret-saved.png') });
    await expect(settings.envRow('API_TOKEN')).toContainText('set in Conductor');
    await expect(settings.envInput('API_TOKEN', true)).toHaveValue('');
    await expect(settings.clearButton('API_TOKEN')).toBeVisible();
    // A plain variable set in Conductor is shown, and editable.
    await expect(settings.envInput('REGION', false)).toHaveValue('eu-west');
    await expect(settings.envRow('REGION')).toContainText('set in Conductor');

    // The plugin got the secret.
    const answer = await new ConductorHttp(conductor.baseUrl, conductor.token).request({ capability: 'test.token', payload: {} });
    expect(answer).toMatchObject({ ok: true, value: { value: { hasToken: true, region: 'eu-west' } } });

    // The page never shows it: not in its text, not in its markup (input values included).
    await page.reload();
    await expect(settings.envRow('API_TOKEN')).toContainText('set in Conductor');
    expect(await page.locator('body').innerText()).not.toContain(SECRET);
    expect(await page.content()).not.toContain(SECRET);
    for (const input of await page.locator('input').all()) expect(await input.inputValue()).not.toContain(SECRET);
    await shot(page, testInfo.project.outputDir, 'plugin-settings-secret-set.png');

    expect(problems).toEqual([]);
  });
});
