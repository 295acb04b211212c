import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STEP_NAMES, type StepName } from '../../shared/domain';
import type { Service } from '../common/service';
import { Conductor, type ConductorOptions } from './conductor';

const sampler = { sample: async () => ({ cpuPercent: 12.5, memUsedBytes: 4e9, memTotalBytes: 16e9 }) };

/** Reads lifecycle.step events straight from the SQLite file, as a second process would. */
function storedSteps(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'conductor.db'), { readonly: true });
  try {
    const rows = db.prepare("SELECT data FROM events WHERE kind = 'lifecycle.step' ORDER BY id").all() as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as { step: string; phase: string; outcome: string }).map((d) => `${d.phase} ${d.step} ${d.outcome}`);
  } finally {
    db.close();
  }
}

function kinds(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'conductor.db'), { readonly: true });
  try {
    return (db.prepare('SELECT kind FROM events ORDER BY id').all() as { kind: string }[]).map((r) => r.kind);
  } finally {
    db.close();
  }
}

describe('Conductor lifecycle (real SQLite)', () => {
  let dataDir: string;
  const make = (extra: Partial<ConductorOptions> = {}) =>
    new Conductor({
      cli: { dataDir, dryRun: false, hidden: false, logLevel: 'warn' },
      host: 'headless',
      version: '9.9.9',
      bundledPluginsDir: null,
      signals: null,
      sampler,
      console: false,
      ...extra,
    });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'conductor-life-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts the 8 steps in order and stops them in exact reverse, as the stored events show', async () => {
    const conductor = make();
    await conductor.start();
    const status = conductor.status();
    expect(status.state).toBe('ready');
    expect(status.components.map((c) => c.state)).toEqual(Array(8).fill('ready'));
    expect(status.system?.cpuPercent).toBe(12.5);
    const report = await conductor.shutdown('test');
    expect(report.clean).toBe(true);
    expect(storedSteps(dataDir)).toEqual([
      ...STEP_NAMES.map((n) => `start ${n} ok`),
      ...[...STEP_NAMES].reverse().map((n) => `stop ${n} ok`),
    ]);
    const all = kinds(dataDir);
    expect(all[all.length - 1]).toBe('shutdown.report');
  });

  it('events from a first run are still there in a second run', async () => {
    const first = make();
    await first.start();
    await first.shutdown('first');
    const second = make();
    await second.start();
    const result = await second.dispatcher.dispatch('events:query', { kind: 'shutdown.report' }, { binding: 'internal' });
    expect(result.ok).toBe(true);
    const events = result.ok ? (result.value as { events: { data: { reason: string } }[] }).events : [];
    expect(events.map((e) => e.data.reason)).toEqual(['first']);
    await second.shutdown('second');
  });

  it.each([3, 6, 8])('a failing step %i stops the steps before it in reverse, and start rejects with the cause', async (n) => {
    const failing = STEP_NAMES[n - 1]!;
    const conductor = make({
      stepOverrides: { [failing]: (): Service => ({ start: async () => Promise.reject(new Error('injected failure')), stop: async () => {} }) },
    });
    await expect(conductor.start()).rejects.toThrow(`startup step "${failing}" failed: injected failure`);
    const before = STEP_NAMES.slice(0, n - 1);
    expect(storedSteps(dataDir)).toEqual([
      ...before.map((s) => `start ${s} ok`),
      `start ${failing} failed`,
      ...[...before].reverse().map((s) => `stop ${s} ok`),
    ]);
    expect(kinds(dataDir)).toContain('lifecycle.failed');
    expect(conductor.status().state).toBe('down');
  });

  it('a stop that hangs is forced at its deadline and reported; shutdown still completes', async () => {
    const conductor = make({
      cli: { dataDir, dryRun: false, hidden: false, logLevel: 'warn', config: writeConfig(dataDir, { shutdown: { stepTimeoutMs: 300 } }) },
      stepOverrides: { scaler: (): Service => ({ start: async () => {}, stop: () => new Promise<void>(() => {}) }) },
    });
    await conductor.start();
    const t0 = Date.now();
    const report = await conductor.shutdown('test');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(report.clean).toBe(false);
    const scaler = report.steps.find((s) => s.name === 'scaler')!;
    expect(scaler.outcome).toBe('forced');
    expect(scaler.error).toBe('did not stop within 300 ms; forced');
    expect(report.steps.map((s) => s.name)).toEqual([...STEP_NAMES].reverse() as StepName[]);
    expect(storedSteps(dataDir)).toContain('stop scaler forced');
    expect(kinds(dataDir).at(-1)).toBe('shutdown.report');
  });

  it('quiesces on shutdown: the router gate closes before the steps unwind', async () => {
    const conductor = make();
    await conductor.start();
    const states: string[] = [];
    conductor.events.on('status:changed', (s) => states.push(s.state));
    await conductor.shutdown('test');
    expect(states[0]).toBe('stopping');
    const result = await conductor.dispatcher.dispatch('system:shutdown', {}, { binding: 'internal' });
    expect(result.ok ? null : result.error.code).toBe('E_CONFLICT');
  });
});

function writeConfig(dir: string, value: unknown): string {
  const path = join(dir, 'test-config.json');
  writeFileSync(path, JSON.stringify(value));
  return path;
}
