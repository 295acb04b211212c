/**
 * The full request pipeline with the echo plugin behind it, two ways:
 * - `conductor`: a headless `Conductor` in this process (store, plugin manager, health monitor,
 *   scaler, router with its deadlines and metrics), its plugin folder holding only echo;
 *   requests go to `conductor.requestRouter.request({ plugin: 'echo', payload })`.
 * - `router`: a bare `Router` with one process instance of echo from `createInstance`.
 * Both run exactly one process instance (echo's manifest allows 1–4; the copy pins it to 1 so the
 * scaler cannot add children the raw baselines do not have).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/main/common/clock';
import { Conductor } from '../../src/main/conductor/conductor';
import { createInstance, type ManagedInstance } from '../../src/main/plugins/instance';
import type { InstanceHost } from '../../src/main/plugins/instance-types';
import { Router } from '../../src/main/router/router';
import type { Target } from './harness';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RUNTIME_JS = join(REPO_ROOT, 'out', 'main', 'plugin-runtime.js');
const ECHO_DIR = join(REPO_ROOT, 'plugins', 'echo');

export type PipelineKind = 'conductor' | 'router';

export interface PipelineOptions {
  /** The echo manifest's `concurrency` (in-flight calls per instance before the router queues). */
  concurrency: number;
  /** The echo manifest's `queueLimit`. */
  queueLimit: number;
}

/** Null when the built child runtime is there; otherwise what to do about it. */
export function missingBuild(): string | null {
  if (!existsSync(RUNTIME_JS)) return `${RUNTIME_JS} is missing: run \`npx electron-vite build\` (npm run build) first`;
  return null;
}

/** Source files of the child runtime newer than the build (a stale build measures old code). */
export function staleBuildSources(): string[] {
  const built = statSync(RUNTIME_JS).mtimeMs;
  const sources = [
    'src/main/plugins/runtime/plugin-runtime.ts',
    'src/main/plugins/runtime/child-main.ts',
    'src/main/plugins/runtime/runtime-port.ts',
    'src/main/plugins/runtime/plugin-context.ts',
    'src/main/plugins/instance/coalescing-sender.ts',
    'src/shared/plugin-protocol.ts',
  ];
  return sources.filter((file) => existsSync(join(REPO_ROOT, file)) && statSync(join(REPO_ROOT, file)).mtimeMs > built);
}

/** A copy of the echo plugin whose manifest pins one instance and sets the call limits. */
function echoCopy(pluginsDir: string, options: PipelineOptions): string {
  const dir = join(pluginsDir, 'echo');
  cpSync(ECHO_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8')) as Record<string, unknown>;
  manifest.instances = { min: 1, max: 1 };
  manifest.concurrency = options.concurrency;
  manifest.queueLimit = options.queueLimit;
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

function promiseTarget(name: string, description: string, request: (payload: unknown) => Promise<unknown>, close: () => Promise<void>): Target {
  let done: (lane: number) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const onError = (error: unknown): void => fail(error);
  return {
    name,
    description,
    bind(d, f) {
      done = d;
      fail = f;
    },
    send(lane, payload) {
      request(payload).then(() => done(lane), onError);
    },
    close,
  };
}

export async function conductorPipeline(options: PipelineOptions): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'conductor-bench-'));
  const pluginsDir = join(dataDir, 'bench-plugins');
  echoCopy(pluginsDir, options);
  const config = join(dataDir, 'config.json');
  writeFileSync(config, JSON.stringify({ plugins: { dirs: [pluginsDir], bundled: false } }));
  const conductor = new Conductor({
    cli: { dataDir, config, dryRun: false, hidden: false, logLevel: 'warn' },
    host: 'headless',
    version: 'bench',
    bundledPluginsDir: null,
    signals: null,
    console: false,
    pluginRuntimePath: RUNTIME_JS,
    // Fixed figures instead of sampling the machine once a second (that is not on the request path).
    sampler: { sample: async () => ({ cpuPercent: 1, memUsedBytes: 1, memTotalBytes: 2 }) },
  });
  await conductor.start();
  const router = conductor.requestRouter;
  if (router === null) throw new Error('bench: the conductor started without a router');
  await waitForReady(() => router.health().state === 'ready' && (conductor.plugins?.summaries().some((p) => p.name === 'echo' && p.state === 'ready') ?? false), 'echo to be ready');
  return promiseTarget(
    'pipeline',
    `Conductor in-process (headless): conductor.requestRouter.request({ plugin: 'echo' }) → 1 process instance of echo (concurrency ${options.concurrency})`,
    (payload) => router.request({ plugin: 'echo', payload }),
    async () => {
      await conductor.shutdown('bench over');
      rmSync(dataDir, { recursive: true, force: true });
    },
  );
}

export async function routerPipeline(options: PipelineOptions): Promise<Target> {
  let logs = 0;
  const host: InstanceHost = {
    log: () => {
      logs++;
    },
    state: () => Promise.reject(new Error('bench: no state')),
    request: () => Promise.reject(new Error('bench: no outbound requests')),
  };
  const instance: ManagedInstance = createInstance({
    id: 'echo#1',
    plugin: 'echo',
    dir: ECHO_DIR,
    entryPath: join(ECHO_DIR, 'index.mjs'),
    isolation: 'process',
    config: {},
    env: {},
    runtimePath: RUNTIME_JS,
    host,
  });
  await instance.start();
  const router = new Router(systemClock);
  await router.start();
  const instances = [instance];
  router.register({
    name: 'echo',
    capabilities: ['text.echo'],
    maxConcurrentPerInstance: options.concurrency,
    queueLimit: options.queueLimit,
    instances: () => instances,
  });
  return promiseTarget(
    'pipeline',
    `Router + createInstance: router.request({ plugin: 'echo' }) → 1 process instance of echo (concurrency ${options.concurrency}); ${logs} log lines`,
    (payload) => router.request({ plugin: 'echo', payload }),
    async () => {
      await router.stop();
      await instance.stop({ deadline: Date.now() + 2_000 });
    },
  );
}

async function waitForReady(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
