import { describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../shared/domain';
import { noticesToShow, pluginNotices, StatusNotifier } from './plugin-notifications';
import { instance, plugin, snapshot } from './status-fixtures.test-helper';

const ON = { notifications: true, mutedPlugins: [] };

const calm = snapshot('ready', [
  plugin('echo'),
  plugin('flaky', { instances: [instance('flaky#1'), instance('flaky#2')] }),
  plugin('crashy'),
]);

const quarantined = snapshot('degraded', [
  plugin('echo'),
  plugin('flaky', { instances: [instance('flaky#1'), instance('flaky#2')] }),
  plugin('crashy', {
    state: 'quarantined',
    instances: [],
    quarantine: { reason: '5 crashes in 4.2 s (limit: 5 within 60 s)', exitCode: 1, signal: null, lastLines: [], peakRssBytes: null, at: 1 },
  }),
]);

function withFlaky(...breakers: Array<'closed' | 'open' | 'halfOpen'>): StatusSnapshot {
  return snapshot('degraded', [plugin('flaky', { instances: breakers.map((breaker, i) => instance(`flaky#${i + 1}`, { breaker })) })]);
}

describe('pluginNotices', () => {
  it('says nothing against the first snapshot, even for a plugin already quarantined', () => {
    expect(pluginNotices(null, quarantined)).toEqual([]);
  });

  it('tells of a plugin that became quarantined, with the cause', () => {
    expect(pluginNotices(calm, quarantined)).toEqual([
      {
        kind: 'quarantined',
        plugin: 'crashy',
        title: 'crashy was quarantined',
        body: '5 crashes in 4.2 s (limit: 5 within 60 s). It stays stopped until you retry it from its page.',
      },
    ]);
    // Still quarantined: not news.
    expect(pluginNotices(quarantined, quarantined)).toEqual([]);
  });

  it('tells of a breaker that opened, once', () => {
    const one = pluginNotices(withFlaky('closed', 'closed'), withFlaky('open', 'closed'));
    expect(one).toEqual([
      {
        kind: 'breaker-open',
        plugin: 'flaky',
        title: 'flaky: circuit breaker opened',
        body: "1 of 2 instances' circuit breakers are open; requests go to the others.",
      },
    ]);
    expect(pluginNotices(withFlaky('open', 'closed'), withFlaky('open', 'closed'))).toEqual([]);
    expect(pluginNotices(withFlaky('open', 'closed'), withFlaky('open', 'open'))[0]!.body).toMatch(/Every instance's circuit breaker is open.*E_CIRCUIT_OPEN/);
  });

  it('tells of a half-open breaker that opened again, not of one that closes or half-opens', () => {
    expect(pluginNotices(withFlaky('halfOpen'), withFlaky('open'))).toHaveLength(1);
    expect(pluginNotices(withFlaky('open'), withFlaky('halfOpen'))).toEqual([]);
    expect(pluginNotices(withFlaky('open'), withFlaky('closed'))).toEqual([]);
  });

  it('does not count a replacement that inherited its slot’s open breaker', () => {
    const before = snapshot('degraded', [plugin('flaky', { instances: [instance('flaky#1', { breaker: 'open' })] })]);
    const after = snapshot('degraded', [plugin('flaky', { instances: [instance('flaky#7', { breaker: 'open' })] })]);
    expect(pluginNotices(before, after)).toEqual([]);
  });

  it('tells of a plugin that appears with an open breaker', () => {
    expect(pluginNotices(snapshot('ready', []), withFlaky('open'))).toHaveLength(1);
  });

  it('says nothing while the conductor is stopping', () => {
    expect(pluginNotices(calm, { ...quarantined, state: 'stopping' })).toEqual([]);
  });
});

describe('noticesToShow: muting', () => {
  it('shows nothing when notifications are off', () => {
    expect(noticesToShow(calm, quarantined, { notifications: false, mutedPlugins: [] })).toEqual([]);
  });

  it('leaves out muted plugins only', () => {
    const both = snapshot('degraded', [...quarantined.plugins.filter((p) => p.name !== 'flaky'), withFlaky('open', 'closed').plugins[0]!]);
    expect(noticesToShow(calm, both, ON).map((n) => n.plugin).sort()).toEqual(['crashy', 'flaky']);
    expect(noticesToShow(calm, both, { notifications: true, mutedPlugins: ['crashy'] }).map((n) => n.plugin)).toEqual(['flaky']);
    expect(noticesToShow(calm, both, { notifications: true, mutedPlugins: ['crashy', 'flaky'] })).toEqual([]);
  });
});

describe('StatusNotifier', () => {
  it('diffs each snapshot against the one before', () => {
    const notifier = new StatusNotifier(() => 0);
    expect(notifier.update(calm, ON)).toEqual([]);
    expect(notifier.update(quarantined, ON).map((n) => n.kind)).toEqual(['quarantined']);
    expect(notifier.update(quarantined, ON)).toEqual([]);
  });

  it('shows a flapping breaker at most once per cooldown', () => {
    let now = 0;
    const notifier = new StatusNotifier(() => now, { cooldownMs: 60_000 });
    notifier.update(withFlaky('closed'), ON);
    expect(notifier.update(withFlaky('open'), ON)).toHaveLength(1);
    now = 10_000;
    notifier.update(withFlaky('halfOpen'), ON);
    expect(notifier.update(withFlaky('open'), ON)).toEqual([]);
    now = 70_000;
    notifier.update(withFlaky('halfOpen'), ON);
    expect(notifier.update(withFlaky('open'), ON)).toHaveLength(1);
  });

  it('keeps the baseline while muted, so unmuting does not replay old news', () => {
    const notifier = new StatusNotifier(() => 0);
    notifier.update(calm, ON);
    expect(notifier.update(quarantined, { notifications: false, mutedPlugins: [] })).toEqual([]);
    expect(notifier.update(quarantined, ON)).toEqual([]);
  });

  it('names a bad option', () => {
    expect(() => new StatusNotifier(() => 0, { cooldownMs: -1 })).toThrow(/cooldownMs/);
  });
});
