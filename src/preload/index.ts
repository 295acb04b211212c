/**
 * The sandboxed preload: exposes `window.api` (the contract's `ConductorApi`) and nothing else.
 * Derived from the contract — one `invoke` for every command, one `on` for every event — so it
 * does not grow with the contract.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, isEventName, type EventName } from '../shared/channels';
import type { ConductorApi } from '../shared/contract';

/** One entry per `on` call, so the same function subscribed twice is unsubscribed once per call. */
type Subscription = { listener: (payload: unknown) => void };
const subscriptions = new Map<EventName, Set<Subscription>>();

// One IPC listener for all events; each payload goes to the listeners of its event.
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const subscription of [...(subscriptions.get(name) ?? [])]) {
    try {
      subscription.listener(payload);
    } catch (error) {
      console.error(`listener for ${name} failed`, error);
    }
  }
});

const api: ConductorApi = {
  invoke(command, args) {
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, command, args);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new TypeError(`unknown event: ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = subscriptions.get(event);
    if (!set) subscriptions.set(event, (set = new Set()));
    const subscription: Subscription = { listener: listener as (payload: unknown) => void };
    set.add(subscription);
    return () => {
      set.delete(subscription);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
