/**
 * A plugin that depends on another waits for it, visibly: the Plugins page says what it waits
 * for while its dependency cannot start (quarantined after failing its starts), and once the
 * dependency is fixed and retried from the page, both come up — the dependent after it. The
 * dependent runs in worker threads, whose per-process figures the page shows as not applicable.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './headless-conductor';
import { OverviewPage } from './pages/overview-page';
import { ConductorHttp, PluginsPage } from './pages/plugins-page';

const FLAG = 'database-is-up';

async function writePlugin(dataDir: string, name: string, manifest: Record<string, unknown>, source: string): Promise<void> {
  const dir = join(dataDir, 'plugins', name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'plugin.json'), JSON.stringify({ name, version: '1.0.0', entry: 'index.mjs', ...manifest }, null, 2));
  await writeFile(join(dir, 'index.mjs'), source);
}

/** `store` fails to start until the flag file exists in the data dir; `notes` (worker threads) depends on it. */
async function seed(dataDir: string): Promise<void> {
  const flag = JSON.stringify(join(dataDir, FLAG));
  await writePlugin(
    dataDir,
    'store',
    { capabilities: ['demo.store'], restart: { maxCrashes: 2, windowMs: 60_000 } },
    `import { existsSync } from 'node:fs';
export default {
  activate() { if (!existsSync(${flag})) throw new Error('cannot reach the database'); },
  handle(payload) { return { stored: payload }; },
};
`,
  );
  await writePlugin(dataDir, 'notes', { capabilities: ['demo.notes'], dependsOn: ['store'], isolation: 'thread' }, `export default { handle(payload) { return { note: payload }; } };\n`);
}

test.describe('Plugin dependencies', () => {
  test.use({ conductorOptions: { beforeStart: seed } });

  test('a dependent says what it waits for, and starts after its dependency is fixed and retried', async ({ page, conductor }, testInfo) => {
    const overview = new OverviewPage(page);
    await overview.open(conductor.url);
    const plugins = new PluginsPage(page);
    await plugins.open(conductor.baseUrl);

    await expect(plugins.state('store')).toHaveText('Quarantined');
    // The cause is the plugin's own error, not the SIGKILL the conductor ended the failed start with.
    await expect(plugins.row('store')).toContainText('activate() failed: cannot reach the database');
    await expect(plugins.row('store')).not.toContainText('SIGKILL');
    await expect(plugins.state('notes')).toHaveText('Stopped');
    await expect(plugins.row('notes')).toContainText('waiting for "store" to be ready');
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'plugins-waiting-for-dependency.png'), fullPage: true });

    // Meanwhile a request to it is refused at once, saying what to do (it would not start by itself).
    const http = new ConductorHttp(conductor.baseUrl, conductor.token);
    const refused = await http.request({ capability: 'demo.notes', payload: 'early', timeoutMs: 20_000 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });
    expect(refused.error?.message).toMatch(/^plugin "notes" cannot start until "store" is ready: "store" is quarantined .*; fix it, then retry it$/);

    // Fixed, then retried from the page: the dependency starts, and the dependent after it.
    await writeFile(join(conductor.dataDir, FLAG), '1');
    await plugins.action('store', 'Retry').click();
    await expect(plugins.state('store')).toHaveText('Ready');
    await expect(plugins.state('notes')).toHaveText('Ready');
    await expect(plugins.row('notes')).not.toContainText('waiting for');
    // A worker-thread plugin has no process of its own: its CPU and memory say so.
    await expect(plugins.row('notes').getByTitle(/^Not applicable: worker threads/)).toHaveText(['n/a', 'n/a']);
    await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'plugins-dependency-ready.png'), fullPage: true });
    expect(await http.request({ capability: 'demo.notes', payload: 'hi' })).toMatchObject({ ok: true, value: { value: { note: 'hi' } } });
  });
});
