import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { hasPython, scaffoldPlugin } from '../plugins/scaffold';
import { EXIT, parseCli } from '../conductor/cli';
import { Conductor, type ConductorOptions } from '../conductor/conductor';
import { dataDirLayout } from '../conductor/data-dir';
import { runDryRun } from '../conductor/dry-run';
import { removeRuntimeFile, writeRuntimeFile } from '../conductor/runtime-file';
import { messageOf } from '../conductor/step-runner';
import { apiRoutes } from './api-routes';
import { HttpBridge } from './http-bridge';

export interface HeadlessHostOptions {
  argv: readonly string[];
  version: string;
  /** The built renderer (out/renderer), or null when not built. */
  rendererDir: string | null;
  bundledPluginsDir: string | null;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  exit?: (code: number) => void;
}

/**
 * The headless host: starts the conductor, then the HTTP/WebSocket server; prints the ready line
 * and writes runtime.json. On a shutdown request it keeps the server open to show progress, runs
 * the conductor's shutdown, then closes the server, removes runtime.json and exits 0.
 */
export async function runHeadless(opts: HeadlessHostOptions): Promise<void> {
  const out = opts.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const errOut = opts.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = opts.exit ?? ((code: number) => process.exit(code));

  const parsed = parseCli(opts.argv, 'headless', opts.version);
  if (parsed.kind === 'help' || parsed.kind === 'version') {
    out(parsed.text);
    return exit(EXIT.OK);
  }
  if (parsed.kind === 'usage-error') {
    errOut(`conductor: ${parsed.message}`);
    errOut(parsed.usage);
    return exit(EXIT.USAGE);
  }
  if (parsed.kind === 'new-plugin') {
    try {
      const { name, runtime, dir } = parsed.options;
      const python = runtime === 'command' && hasPython();
      const result = scaffoldPlugin({ name, runtime, parentDir: dir ?? process.cwd(), python });
      out(`Created ${result.dir}: ${result.files.join(', ')}`);
      out(`Next: cd ${result.dir} && node --test   (its own test), then add ${dirname(result.dir)} to "plugins.dirs" in your config,`);
      out(`or install it from the Plugins page / POST /api/v1/commands/plugins:install {"path": "${result.dir}"}. README.md in the folder has the steps.`);
      return exit(EXIT.OK);
    } catch (error) {
      errOut(`conductor new-plugin: ${messageOf(error)}`);
      return exit(EXIT.STARTUP_FAILED);
    }
  }

  const conductorOptions: ConductorOptions = {
    cli: parsed.options,
    host: 'headless',
    version: opts.version,
    bundledPluginsDir: opts.bundledPluginsDir,
  };
  if (parsed.options.dryRun) {
    const result = await runDryRun(conductorOptions);
    (result.ok ? out : errOut)(result.text);
    return exit(result.ok ? EXIT.OK : EXIT.STARTUP_FAILED);
  }

  const conductor = new Conductor(conductorOptions);
  try {
    await conductor.start();
  } catch (error) {
    errOut(`Conductor failed to start: ${messageOf(error)}`);
    return exit(EXIT.STARTUP_FAILED);
  }

  const log = conductor.logger.child('bridge');
  const token = HttpBridge.generateToken();
  const bridge = new HttpBridge({
    port: conductor.config.server.port,
    token,
    rendererDir: opts.rendererDir && existsSync(opts.rendererDir) ? opts.rendererDir : null,
    dispatcher: conductor.dispatcher,
    events: conductor.events,
    log,
    maxBodyBytes: conductor.config.server.maxBodyBytes,
    routes: apiRoutes(conductor.dispatcher, conductor.prometheus, (args, signal) => conductor.sendRequest(args, signal)),
  });
  try {
    await bridge.start();
  } catch (error) {
    errOut(`Conductor failed to start: ${messageOf(error)}`);
    await conductor.shutdown(`server failed: ${messageOf(error)}`);
    return exit(EXIT.STARTUP_FAILED);
  }

  const runtimeFile = dataDirLayout(conductor.dataDir).runtimeFile;
  try {
    writeRuntimeFile(runtimeFile, {
      pid: process.pid,
      port: bridge.port,
      token,
      url: bridge.url,
      startedAt: Date.now(),
      version: opts.version,
    });
  } catch (error) {
    log.warn(`could not write ${runtimeFile}: ${messageOf(error)}`);
  }

  let exiting = false;
  conductor.onShutdownRequested((reason) => {
    if (exiting) return;
    exiting = true;
    void (async () => {
      const report = await conductor.shutdown(reason);
      await bridge.stop().catch((error: unknown) => errOut(`closing the server: ${messageOf(error)}`));
      removeRuntimeFile(runtimeFile);
      if (!report.clean) errOut(`Conductor stopped with problems: ${report.steps.filter((s) => s.outcome !== 'ok').map((s) => `${s.name} ${s.outcome}${s.error ? ` (${s.error})` : ''}`).join('; ')}`);
      exit(EXIT.OK);
    })();
  });

  out(`Conductor ready: ${bridge.loginUrl}`);
}
