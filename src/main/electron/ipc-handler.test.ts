import { describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../shared/contract';
import { CommandDispatcher, type CallerInfo, type CommandHandlers } from '../conductor/command-dispatcher';
import { createIpcInvokeHandler, isTrustedRendererUrl } from './ipc-handler';

const RENDERER_FILE = '/opt/conductor/out/renderer/index.html';
const TRUSTED_URL = 'file:///opt/conductor/out/renderer/index.html';

/** A real dispatcher whose handlers answer with their own name and record each call. */
function setup() {
  const calls: Array<{ command: CommandName; args: unknown; caller: CallerInfo }> = [];
  const handlers = Object.fromEntries(
    COMMAND_NAMES.map((command) => [
      command,
      (args: unknown, caller: CallerInfo) => {
        calls.push({ command, args, caller });
        return { handledBy: command };
      },
    ]),
  ) as unknown as CommandHandlers;
  const dispatcher = new CommandDispatcher(handlers, { error: () => {} });
  const handler = createIpcInvokeHandler({
    dispatcher,
    isTrustedUrl: (url) => isTrustedRendererUrl(url, { rendererFile: RENDERER_FILE }),
  });
  return { handler, calls };
}

/**
 * The smallest valid arguments of each command. Keyed by string so that it may run ahead of the
 * contract (a command being added); a test checks that it covers every command in the map.
 */
const VALID_ARGS: Record<string, unknown> = {
  'system:status': {},
  'system:shutdown': {},
  'system:pickFolder': {},
  'logs:query': {},
  'events:query': {},
  'plugins:list': {},
  'plugins:get': { name: 'echo' },
  'plugins:enable': { name: 'echo' },
  'plugins:disable': { name: 'echo' },
  'plugins:restart': { name: 'echo' },
  'plugins:retry': { name: 'echo' },
  'plugins:setBounds': { name: 'echo', min: 1, max: 2 },
  'plugins:install': { path: '/tmp/plugin' },
  'plugins:uninstall': { name: 'echo' },
  'requests:send': { plugin: 'echo', payload: 1 },
  'requests:stream': { plugin: 'echo', payload: 1, streamId: 's1' },
  'requests:cancel': { streamId: 's1' },
  'metrics:history': {},
  'settings:get': {},
  'settings:set': { key: 'logLevel', value: 'debug' },
  'plugins:setConfig': { name: 'echo', config: {} },
  'plugins:setEnv': { name: 'echo', values: {} },
};

it('has valid arguments for every command in the contract', () => {
  for (const command of COMMAND_NAMES) expect(VALID_ARGS, command).toHaveProperty([command]);
});

describe('createIpcInvokeHandler', () => {
  describe.each(COMMAND_NAMES)('%s', (command) => {
    it('dispatches a call from the trusted renderer and returns the envelope', async () => {
      const { handler, calls } = setup();
      const result = await handler({ senderFrame: { url: TRUSTED_URL } }, command, VALID_ARGS[command]);
      expect(result).toEqual({ ok: true, value: { handledBy: command } });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.command).toBe(command);
      expect(calls[0]!.caller).toEqual({ binding: 'ipc' });
    });

    it('refuses an untrusted frame with E_FORBIDDEN without dispatching', async () => {
      const { handler, calls } = setup();
      const result = await handler({ senderFrame: { url: 'https://evil.example/index.html' } }, command, VALID_ARGS[command]);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('E_FORBIDDEN');
      expect(calls).toHaveLength(0);
    });

    it('refuses a call with no sender frame with E_FORBIDDEN without dispatching', async () => {
      const { handler, calls } = setup();
      const result = await handler({ senderFrame: null }, command, VALID_ARGS[command]);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('E_FORBIDDEN');
      expect(calls).toHaveLength(0);
    });
  });

  it('passes the dispatcher’s own errors through (unknown command, bad args)', async () => {
    const { handler, calls } = setup();
    const frame = { senderFrame: { url: TRUSTED_URL } };
    const unknown = await handler(frame, 'nope:nothing', {});
    expect(unknown.ok === false && unknown.error.code).toBe('E_NOT_FOUND');
    const bad = await handler(frame, 'system:status', { extra: 1 });
    expect(bad.ok === false && bad.error.code).toBe('E_BAD_REQUEST');
    expect(calls).toHaveLength(0);
  });

  it('answers E_INTERNAL, not a rejection, when the dispatcher itself throws', async () => {
    const log = { warn: vi.fn(), error: vi.fn() };
    const handler = createIpcInvokeHandler({
      dispatcher: { dispatch: () => Promise.reject(new Error('boom')) },
      isTrustedUrl: () => true,
      log,
    });
    const result = await handler({ senderFrame: { url: TRUSTED_URL } }, 'system:status', {});
    expect(result.ok === false && result.error.code).toBe('E_INTERNAL');
    expect(log.error).toHaveBeenCalledOnce();
  });

  it('treats a throwing trust check as untrusted', async () => {
    const dispatch = vi.fn();
    const handler = createIpcInvokeHandler({
      dispatcher: { dispatch },
      isTrustedUrl: () => {
        throw new Error('bad');
      },
    });
    const result = await handler({ senderFrame: { url: TRUSTED_URL } }, 'system:status', {});
    expect(result.ok === false && result.error.code).toBe('E_FORBIDDEN');
    expect(dispatch).not.toHaveBeenCalled();
  });
});

describe('isTrustedRendererUrl', () => {
  const dev = { rendererFile: RENDERER_FILE, devServerUrl: 'http://localhost:5173' };
  it.each([
    [TRUSTED_URL, { rendererFile: RENDERER_FILE }, true],
    [`${TRUSTED_URL}#/plugins`, { rendererFile: RENDERER_FILE }, true],
    [`${TRUSTED_URL}?tab=logs`, { rendererFile: RENDERER_FILE }, true],
    ['file://localhost/opt/conductor/out/renderer/index.html', { rendererFile: RENDERER_FILE }, true],
    ['file:///opt/conductor/out/renderer/../renderer/index.html', { rendererFile: RENDERER_FILE }, true],
    ['file:///opt/conductor/out/renderer/other.html', { rendererFile: RENDERER_FILE }, false],
    ['file:///tmp/index.html', { rendererFile: RENDERER_FILE }, false],
    ['file://evil.example/opt/conductor/out/renderer/index.html', { rendererFile: RENDERER_FILE }, false],
    ['http://localhost:5173/', { rendererFile: RENDERER_FILE }, false],
    ['http://localhost:5173/', dev, true],
    ['http://localhost:5173/index.html#/x', dev, true],
    [TRUSTED_URL, dev, true],
    ['http://localhost:5174/', dev, false],
    ['https://localhost:5173/', dev, false],
    ['http://127.0.0.1:5173/', dev, false],
    ['about:blank', dev, false],
    ['devtools://devtools/bundled/inspector.html', dev, false],
    ['not a url', dev, false],
    ['', { rendererFile: RENDERER_FILE }, false],
  ])('%s → %s', (url, options, expected) => {
    expect(isTrustedRendererUrl(url, options)).toBe(expected);
  });
});
