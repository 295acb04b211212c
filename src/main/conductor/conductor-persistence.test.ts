/**
 * What a person set or saw survives a restart of the conductor: saved settings (with their
 * source), log entries (numbering continues), and the live figures the panel charts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry, SettingsView } from '../../shared/domain';
import { Sandbox, waitFor, type Harness } from '../plugins/integration/integration.test-helper';

describe('conductor persistence and live figures', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('persist', { health: { intervalMs: 50 }, ui: { startHidden: true } });
    box.copyPlugin('echo');
    h = await box.start();
    await h.waitReady('echo');
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('saves a UI setting below flags and file, tells listeners, and refuses pinned ones', async () => {
    const changed: SettingsView[] = [];
    h.conductor.events.on('settings:changed', (v) => changed.push(v));
    const before = await h.must('settings:get');
    const tray = before.settings.find((s) => s.key === 'ui.closeToTray')!;
    expect(tray).toMatchObject({ value: true, source: 'default', editable: true, electronOnly: true });
    expect(before.settings.find((s) => s.key === 'ui.startHidden')).toMatchObject({ value: true, source: 'file', editable: false });
    expect(before.settings.find((s) => s.key === 'logLevel')).toMatchObject({ value: 'info', source: 'flag', editable: false });
    expect(before.runtime).toMatchObject({ host: 'headless', dataDir: box.dataDir, configFile: box.configPath });
    expect(before.runtime.databasePath).toMatch(/\.(db|sqlite3?)$/);

    const after = await h.must('settings:set', { key: 'ui.mutedPlugins', value: ['echo'] });
    expect(after.settings.find((s) => s.key === 'ui.mutedPlugins')).toMatchObject({ value: ['echo'], source: 'saved' });
    expect(changed).toHaveLength(1);

    const pinned = await h.cmd('settings:set', { key: 'ui.startHidden', value: false });
    expect(pinned).toMatchObject({ ok: false, error: { code: 'E_CONFLICT', message: expect.stringContaining('config file') } });
    const bad = await h.cmd('settings:set', { key: 'ui.notifications', value: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST', message: expect.stringContaining('ui.notifications') } });
  });

  it('charts: metrics history has system and request samples, and the plugin series', async () => {
    for (let i = 0; i < 20; i++) await h.send({ plugin: 'echo', payload: i });
    const history = await waitFor(async () => {
      const v = await h.must('metrics:history', { plugin: 'echo' });
      return v.requests.some((r) => r.ratePerSec > 0) && (v.plugin?.length ?? 0) > 2 && v.system.length > 0 ? v : null;
    }, 'request samples with a rate');
    expect(history.plugin!.at(-1)).toMatchObject({ instances: 1 });
    expect(history.system.at(-1)).toMatchObject({ cpuPercent: 1, memTotalBytes: 2 });
  });

  it('per-instance CPU and RSS come from the process (read from /proc)', async () => {
    const echo = await waitFor(async () => {
      const p = await h.plugin('echo');
      return p.instances[0]?.rssBytes ? p : null;
    }, 'echo to have an RSS figure');
    const instance = echo.instances[0]!;
    // A Node child uses tens of MB; CPU is a percentage of one core.
    expect(instance.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(instance.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(echo.rssBytes).toBe(instance.rssBytes);
  });

  it('logs are kept in the store and numbering continues after a restart; settings too', async () => {
    h.conductor.logger.warn('a line from the first run');
    const first = await h.must('logs:query', { text: 'from the first run', limit: 10 });
    expect(first.entries).toHaveLength(1);
    const firstSeq = first.entries[0]!.seq;
    await box.stop(h, 'restart');

    h = await box.start();
    const again = await h.must('logs:query', { text: 'from the first run', limit: 10 });
    expect(again.entries.map((e: LogEntry) => e.seq)).toEqual([firstSeq]);
    h.conductor.logger.warn('a line from the second run');
    const second = await h.must('logs:query', { text: 'from the second run', limit: 10 });
    expect(second.entries[0]!.seq).toBeGreaterThan(firstSeq);
    // Paging back from the newest reaches the first run's entries.
    const older = await h.must('logs:query', { beforeSeq: second.entries[0]!.seq, limit: 5000 });
    expect(older.entries.some((e: LogEntry) => e.seq === firstSeq)).toBe(true);

    const settings = await h.must('settings:get');
    expect(settings.settings.find((s) => s.key === 'ui.mutedPlugins')).toMatchObject({ value: ['echo'], source: 'saved' });
  });
});
