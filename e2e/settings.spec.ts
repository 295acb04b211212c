import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './headless-conductor';
import { SettingsPage } from './pages/settings-page';

async function command(conductor: { baseUrl: string; token: string }, name: string, args: unknown): Promise<void> {
  const res = await fetch(`${conductor.baseUrl}/api/v1/commands/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${conductor.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const body = (await res.json()) as { ok: boolean; error?: unknown };
  if (!body.ok) throw new Error(`${name} failed: ${JSON.stringify(body.error)}`);
}

test.describe('Settings page against the headless conductor', () => {
  test('saves a setting (source becomes Saved), shows a flag-pinned one as locked, and follows changes made elsewhere', async ({ page, conductor }, testInfo) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

    await page.goto(conductor.url);
    const settings = new SettingsPage(page);
    await settings.open(conductor.baseUrl);

    // The fixture starts the conductor with --log-level info: pinned by the flag, not editable.
    const logLevel = settings.setting('Log level');
    await expect(settings.source('Log level')).toHaveText('Source: Flag');
    await expect(logLevel.getByRole('combobox', { name: 'Log level' })).toBeDisabled();
    await expect(logLevel.getByRole('combobox', { name: 'Log level' })).toHaveValue('info');
    await expect(logLevel).toContainText('Set by the --log-level command-line flag');

    // Close to tray: the default (on), editable, marked as a desktop-app setting in the browser.
    const closeToTray = settings.switchFor('Close to tray');
    await expect(settings.source('Close to tray')).toHaveText('Source: Default');
    await expect(closeToTray).toBeChecked();
    await expect(closeToTray).toBeEnabled();
    await expect(settings.setting('Close to tray')).toContainText('Desktop app only');
    await expect(settings.desktop).toContainText('These only take effect in the desktop app, not in this browser panel.');
    await expect(settings.setting('Log level')).not.toContainText('Desktop app only');

    await closeToTray.uncheck();
    await expect(settings.source('Close to tray')).toHaveText('Source: Saved');
    await expect(closeToTray).not.toBeChecked();
    await expect(page.getByRole('status').filter({ hasText: 'Saved close to tray.' })).toHaveCount(1);

    // Saved means saved: a reload reads it back from the conductor.
    await page.reload();
    await expect(settings.source('Close to tray')).toHaveText('Source: Saved');
    await expect(settings.switchFor('Close to tray')).not.toBeChecked();

    // Per-plugin mute, listing the plugins from the status.
    await expect(settings.muteSwitch('echo')).not.toBeChecked();
    await settings.muteSwitch('echo').check();
    await expect(settings.source('Muted plugins')).toHaveText('Source: Saved');
    await expect(settings.muteSwitch('echo')).toBeChecked();
    await expect(settings.muteSwitch('flaky')).not.toBeChecked();

    // A change made elsewhere (a script, another window) shows up through settings:changed.
    await command(conductor, 'settings:set', { key: 'ui.startHidden', value: true });
    await expect(settings.switchFor('Start hidden')).toBeChecked();
    await expect(settings.source('Start hidden')).toHaveText('Source: Saved');

    // Runtime info.
    await expect(settings.runtimeValue('Data directory')).toHaveText(conductor.dataDir);
    await expect(settings.runtimeValue('Host')).toHaveText('Headless (browser panel)');
    await expect(settings.runtimeValue('Database')).toContainText(conductor.dataDir);

    expect(problems).toEqual([]);
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'settings.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'settings-dark.png'), fullPage: true });
  });
});

const configFile = join(tmpdir(), `conductor-e2e-settings-${process.pid}.json`);

test.describe('Settings pinned by the config file', () => {
  test.use({
    conductorOptions: {
      beforeStart: async () => {
        await writeFile(configFile, JSON.stringify({ ui: { notifications: false } }));
      },
      extraArgs: ['--config', configFile],
    },
  });
  test.afterAll(async () => {
    await rm(configFile, { force: true });
  });

  test('shows the value from the file as locked, naming the file and the key to edit', async ({ page, conductor }) => {
    await page.goto(conductor.url);
    const settings = new SettingsPage(page);
    await settings.open(conductor.baseUrl);

    await expect(settings.source('Notifications')).toHaveText('Source: Config file');
    await expect(settings.switchFor('Notifications')).not.toBeChecked();
    await expect(settings.switchFor('Notifications')).toBeDisabled();
    await expect(settings.setting('Notifications')).toContainText(`Set in the config file ${configFile} (key ui.notifications)`);
    await expect(settings.runtimeValue('Config file')).toHaveText(configFile);
    // Muting still works, and says notifications are off.
    await expect(settings.perPlugin).toContainText('Notifications are off');
  });
});
