/** Shared by the instance tests: the built runtime, fixtures, a recording host, bounded polling. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConductorError } from '../../../shared/result';
import type { InstanceHost, InstanceLogEntry, StateOp } from '../instance-types';
import { createInstance, type ManagedInstance } from './create-instance';
import type { InstanceOptions, Isolation } from './instance-options';

export const RUNTIME_JS = fileURLToPath(new URL('../../../../out/main/plugin-runtime.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function requireRuntimeBuild(): void {
  if (!existsSync(RUNTIME_JS)) {
    throw new Error(`${RUNTIME_JS} is missing: run \`npm run build\` first (npm test does it before vitest)`);
  }
}

export function fixture(name: string): string {
  return `${FIXTURES}${name}.mjs`;
}

export interface RecordedRequest {
  from: string;
  target: { capability?: string; plugin?: string };
  payload: unknown;
  options: { timeoutMs?: number; deadline: number };
}

/** An `InstanceHost` that keeps what it is given: logs, an in-memory state, requests. */
export class RecordingHost implements InstanceHost {
  readonly logs: InstanceLogEntry[] = [];
  readonly data = new Map<string, unknown>();
  readonly requests: RecordedRequest[] = [];
  answer: (request: RecordedRequest) => Promise<unknown> = async (request) => ({ answered: request.payload });

  log(entry: InstanceLogEntry): void {
    this.logs.push(entry);
  }

  async state(_plugin: string, op: StateOp): Promise<unknown> {
    switch (op.op) {
      case 'get':
        return this.data.get(op.key);
      case 'set':
        this.data.set(op.key, op.value);
        return undefined;
      case 'delete':
        return this.data.delete(op.key);
      case 'increment': {
        const next = (Number(this.data.get(op.key) ?? 0) || 0) + op.by;
        this.data.set(op.key, next);
        return next;
      }
      case 'compareAndSet':
        if (this.data.get(op.key) !== op.expected) return false;
        this.data.set(op.key, op.value);
        return true;
      case 'keys':
        return [...this.data.keys()].filter((key) => op.prefix === undefined || key.startsWith(op.prefix)).sort();
    }
  }

  request(from: string, target: { capability?: string; plugin?: string }, payload: unknown, options: { timeoutMs?: number; deadline: number }): Promise<unknown> {
    const request = { from, target, payload, options };
    this.requests.push(request);
    if (target.capability === 'missing.capability') return Promise.reject(new ConductorError('E_NOT_FOUND', 'no plugin offers missing.capability'));
    return this.answer(request);
  }

  messages(): string[] {
    return this.logs.map((entry) => entry.message);
  }

  has(text: string): boolean {
    return this.logs.some((entry) => entry.message.includes(text));
  }
}

/** Polls `predicate` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** True when `pid` is a live process (a zombie counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export const ISOLATIONS: Isolation[] = ['process', 'thread'];

/** Creates instances of fixtures and stops them all at the end of each test. */
export class InstanceKit {
  /** A fresh one for each test (replaced by `dispose`). */
  host = new RecordingHost();
  private readonly made: ManagedInstance[] = [];

  create(name: string, isolation: Isolation, overrides: Partial<InstanceOptions> = {}): ManagedInstance {
    requireRuntimeBuild();
    const instance = createInstance({
      id: `${name}#${this.made.length + 1}`,
      plugin: name,
      dir: FIXTURES,
      entryPath: fixture(name),
      isolation,
      config: {},
      env: {},
      runtimePath: RUNTIME_JS,
      host: this.host,
      startTimeoutMs: 15_000,
      ...overrides,
    });
    this.made.push(instance);
    return instance;
  }

  async started(name: string, isolation: Isolation, overrides: Partial<InstanceOptions> = {}): Promise<ManagedInstance> {
    const instance = this.create(name, isolation, overrides);
    await instance.start();
    return instance;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.made.splice(0).map((instance) => instance.stop({ deadline: Date.now() + 2_000 })));
    this.host = new RecordingHost();
  }
}

/** A deadline `ms` from now (system clock). */
export function inMs(ms: number): number {
  return Date.now() + ms;
}
