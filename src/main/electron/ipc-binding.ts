/**
 * Binds the contract to Electron IPC: one invoke handler on `IPC_INVOKE_CHANNEL` (see
 * `ipc-handler.ts`) and every contract event forwarded to the window on `IPC_EVENT_CHANNEL`.
 */
import { ipcMain, type WebContents } from 'electron';
import { EVENT_NAMES, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type EventName } from '../../shared/contract';
import { DisposableStore, toDisposable, type Disposable } from '../common/disposable';
import type { CommandDispatcher, EventHub } from '../conductor/command-dispatcher';
import type { Logger } from '../logging/logger';
import { createIpcInvokeHandler } from './ipc-handler';

export interface IpcBindingOptions {
  dispatcher: Pick<CommandDispatcher, 'dispatch'>;
  events: EventHub;
  /** The window's webContents, or null while there is no window; read at each event. */
  target: () => WebContents | null | undefined;
  isTrustedUrl: (url: string) => boolean;
  logger: Logger;
}

/** Registers the handler and the event forwarding; dispose to remove all of it. */
export function bindIpc(options: IpcBindingOptions): Disposable {
  const { dispatcher, events, target, isTrustedUrl, logger } = options;
  const store = new DisposableStore();

  const handler = createIpcInvokeHandler({ dispatcher, isTrustedUrl, log: logger });
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, command: unknown, args: unknown) => handler(event, command, args));
  store.add(toDisposable(() => ipcMain.removeHandler(IPC_INVOKE_CHANNEL)));

  const forward = (event: EventName, payload: unknown): void => {
    const contents = target();
    if (!contents || contents.isDestroyed()) return;
    try {
      contents.send(IPC_EVENT_CHANNEL, event, payload);
    } catch (error) {
      // A payload that cannot be cloned is a bug of ours; one bad event must not stop the others.
      logger.error(`could not forward ${event} to the window`, error);
    }
  };
  for (const event of EVENT_NAMES) {
    store.add(events.on(event, (payload) => forward(event, payload)));
  }
  return store;
}
