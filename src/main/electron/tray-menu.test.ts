import { describe, expect, it } from 'vitest';
import { instance, plugin, snapshot } from './status-fixtures.test-helper';
import { latestScaling, pluginDetailHash, pluginsNeedingAttention, TRAY_TOOLTIP_MAX, trayMenuModel, trayTooltip } from './tray-menu';

const healthy = snapshot('ready', [plugin('echo'), plugin('counter')]);

const troubled = snapshot('degraded', [
  plugin('echo'),
  plugin('crashy', { state: 'quarantined', instances: [] }),
  plugin('broken', { state: 'invalid', enabled: false, instances: [] }),
  plugin('flaky', { state: 'ready', instances: [instance('flaky#1', { breaker: 'open' }), instance('flaky#2')] }),
  plugin('slow', { state: 'degraded' }),
  plugin('probing', { instances: [instance('probing#1', { breaker: 'halfOpen' })] }),
  plugin('needsenv', { state: 'stopped', enabled: true, instances: [], reason: 'API_KEY is not set' }),
  plugin('off', { state: 'disabled', enabled: false, instances: [] }),
  plugin('resting', { state: 'idle', instances: [] }),
  plugin('booting', { state: 'starting' }),
]);

describe('trayMenuModel', () => {
  it('shows the status line, Open and Quit when all is well', () => {
    expect(trayMenuModel(healthy, { quitting: false })).toEqual([
      { kind: 'label', label: 'Conductor: Ready · 2 plugins' },
      { kind: 'separator' },
      { kind: 'action', label: 'Open Conductor', enabled: true, action: { type: 'open' } },
      { kind: 'separator' },
      { kind: 'action', label: 'Quit Conductor', enabled: true, action: { type: 'quit' } },
    ]);
  });

  it('lists each plugin that needs attention, opening its detail page', () => {
    expect(trayMenuModel(troubled, { quitting: false })).toEqual([
      { kind: 'label', label: 'Conductor: Degraded · 6 of 10 plugins need attention' },
      { kind: 'separator' },
      { kind: 'action', label: 'Open Conductor', enabled: true, action: { type: 'open' } },
      { kind: 'separator' },
      { kind: 'action', label: 'crashy: quarantined (crash loop)', enabled: true, action: { type: 'open-plugin', plugin: 'crashy' } },
      { kind: 'action', label: 'broken: invalid', enabled: true, action: { type: 'open-plugin', plugin: 'broken' } },
      { kind: 'action', label: 'flaky: 1 of 2 breakers open', enabled: true, action: { type: 'open-plugin', plugin: 'flaky' } },
      { kind: 'action', label: 'slow: degraded', enabled: true, action: { type: 'open-plugin', plugin: 'slow' } },
      { kind: 'action', label: 'probing: 1 of 1 breaker half-open', enabled: true, action: { type: 'open-plugin', plugin: 'probing' } },
      { kind: 'action', label: 'needsenv: not running', enabled: true, action: { type: 'open-plugin', plugin: 'needsenv' } },
      { kind: 'separator' },
      { kind: 'action', label: 'Quit Conductor', enabled: true, action: { type: 'quit' } },
    ]);
  });

  it('caps the plugin list and says how many more', () => {
    const items = trayMenuModel(troubled, { quitting: false, maxPlugins: 2 });
    const plugins = items.filter((i) => i.kind === 'action' && i.action.type === 'open-plugin');
    expect(plugins).toHaveLength(2);
    expect(items).toContainEqual({ kind: 'label', label: 'and 4 more…' });
  });

  it('says Stopping and disables Quit while the shutdown runs, listing no plugins', () => {
    expect(trayMenuModel(troubled, { quitting: true })).toEqual([
      { kind: 'label', label: 'Conductor: Stopping…' },
      { kind: 'separator' },
      { kind: 'action', label: 'Open Conductor', enabled: true, action: { type: 'open' } },
      { kind: 'separator' },
      { kind: 'action', label: 'Quitting…', enabled: false, action: { type: 'quit' } },
    ]);
    expect(trayMenuModel(snapshot('stopping', troubled.plugins), { quitting: false })[0]).toEqual({ kind: 'label', label: 'Conductor: Stopping…' });
  });

  it('says Starting before the first snapshot and while starting', () => {
    expect(trayMenuModel(null, { quitting: false })[0]).toEqual({ kind: 'label', label: 'Conductor: Starting…' });
    expect(trayMenuModel(snapshot('starting', [plugin('echo', { state: 'starting' })]), { quitting: false })[0]).toEqual({
      kind: 'label',
      label: 'Conductor: Starting…',
    });
  });

  it('says one plugin, and needs in the singular', () => {
    expect(trayMenuModel(snapshot('down', [plugin('x', { state: 'quarantined' })]), { quitting: false })[0]).toEqual({
      kind: 'label',
      label: 'Conductor: Down · 1 of 1 plugin needs attention',
    });
  });
});

describe('pluginsNeedingAttention', () => {
  it('leaves out disabled, idle, starting and healthy plugins', () => {
    expect(pluginsNeedingAttention(troubled).map((p) => p.plugin)).toEqual(['crashy', 'broken', 'flaky', 'slow', 'probing', 'needsenv']);
  });

  it('lists nothing while the conductor is stopping', () => {
    expect(pluginsNeedingAttention(snapshot('stopping', troubled.plugins))).toEqual([]);
  });
});

describe('trayTooltip', () => {
  it('is the status line alone when the scaler has decided nothing', () => {
    expect(trayTooltip(healthy, false)).toBe('Conductor: Ready · 2 plugins');
    expect(trayTooltip(null, false)).toBe('Conductor: Starting…');
  });

  it('adds the most recent scaling decision across plugins', () => {
    const s = snapshot('ready', [
      plugin('echo', { lastScaling: { at: 100, previous: 1, desired: 2, reason: 'load 1.8 per instance > 1.2', blocked: false } }),
      plugin('counter', { lastScaling: { at: 300, previous: 2, desired: 1, reason: 'forecast 0.3 < 0.5', blocked: false } }),
      plugin('worker', { lastScaling: { at: 200, previous: 3, desired: 4, reason: 'at max', blocked: true } }),
    ]);
    expect(latestScaling(s)).toMatchObject({ plugin: 'counter', at: 300 });
    expect(trayTooltip(s, false)).toBe('Conductor: Ready · 3 plugins\nScaling counter 2 → 1: forecast 0.3 < 0.5');
    const blocked = snapshot('ready', [plugin('worker', { lastScaling: { at: 200, previous: 3, desired: 4, reason: 'at max', blocked: true } })]);
    expect(trayTooltip(blocked, false)).toBe('Conductor: Ready · 1 plugin\nScaling worker blocked at 3: at max');
    expect(trayTooltip(s, true)).toBe('Conductor: Stopping…');
  });

  it('is cut to what every OS shows', () => {
    const long = snapshot('ready', [plugin('echo', { lastScaling: { at: 1, previous: 1, desired: 2, reason: 'x'.repeat(300), blocked: false } })]);
    const text = trayTooltip(long, false);
    expect(text.length).toBe(TRAY_TOOLTIP_MAX);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('pluginDetailHash', () => {
  it('is the renderer’s detail route', () => {
    expect(pluginDetailHash('echo')).toBe('#/plugin/echo');
    expect(pluginDetailHash('a b')).toBe('#/plugin/a%20b');
  });
});
