/**
 * The Electron IPC invoke handler, without Electron: checks who is calling, then hands the call to
 * the one `CommandDispatcher`. `ipc-binding.ts` registers it with `ipcMain.handle`; tests call it
 * with a fake event.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { err, type Result } from '../../shared/result';
import type { CommandDispatcher } from '../conductor/command-dispatcher';

/** The part of Electron's `IpcMainInvokeEvent` the handler reads. */
export interface IpcInvokeEventLike {
  senderFrame: { url: string } | null;
}

export type IpcInvokeHandler = (event: IpcInvokeEventLike, command: unknown, args: unknown) => Promise<Result<unknown>>;

export interface IpcInvokeHandlerOptions {
  dispatcher: Pick<CommandDispatcher, 'dispatch'>;
  /** Whether a frame at this URL may call commands (see `isTrustedRendererUrl`). */
  isTrustedUrl: (url: string) => boolean;
  /** Told about calls refused and about handler failures; optional. */
  log?: { warn(message: string, ...rest: unknown[]): void; error(message: string, ...rest: unknown[]): void };
}

/**
 * Returns the handler for `IPC_INVOKE_CHANNEL`. A call from a frame whose URL is not the app's own
 * renderer (or that has no frame: navigated away, destroyed) gets `E_FORBIDDEN` and dispatches
 * nothing. Whatever happens, the renderer gets a result envelope, never a rejected promise.
 */
export function createIpcInvokeHandler(options: IpcInvokeHandlerOptions): IpcInvokeHandler {
  const { dispatcher, isTrustedUrl, log } = options;
  return async (event, command, args) => {
    const url = event.senderFrame?.url;
    if (typeof url !== 'string' || !safeIsTrusted(isTrustedUrl, url)) {
      log?.warn(`refused IPC ${typeof command === 'string' ? command : typeof command} from ${url ?? 'a destroyed frame'}`);
      return err('E_FORBIDDEN', 'this frame may not call the conductor');
    }
    try {
      return await dispatcher.dispatch(command, args, { binding: 'ipc' });
    } catch (error) {
      // The dispatcher turns handler errors into envelopes; this is a last line of defence.
      log?.error('IPC dispatch failed', error);
      return err('E_INTERNAL', `internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

function safeIsTrusted(isTrustedUrl: (url: string) => boolean, url: string): boolean {
  try {
    return isTrustedUrl(url);
  } catch {
    return false;
  }
}

export interface TrustedRendererOptions {
  /** The built renderer's index.html (absolute path). */
  rendererFile: string;
  /** electron-vite's dev server (`ELECTRON_RENDERER_URL`), when the window loads from it. */
  devServerUrl?: string | undefined;
}

/**
 * True only for the app's own renderer: the file:// URL of `rendererFile` (any query or hash, which
 * the renderer may use for routing) or, when a dev server is set, a URL of exactly its origin.
 */
export function isTrustedRendererUrl(url: string, options: TrustedRendererOptions): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    if (parsed.host !== '' && parsed.host !== 'localhost') return false;
    let path: string;
    try {
      path = fileURLToPath(parsed);
    } catch {
      return false;
    }
    return path === resolve(options.rendererFile);
  }
  if (options.devServerUrl) {
    let dev: URL;
    try {
      dev = new URL(options.devServerUrl);
    } catch {
      return false;
    }
    return (dev.protocol === 'http:' || dev.protocol === 'https:') && parsed.origin === dev.origin;
  }
  return false;
}
