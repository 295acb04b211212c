/**
 * Picks the transport once: the Electron preload's `window.api` when it is there, otherwise the
 * WebSocket client to the headless conductor that served this page (same host; the browser sends
 * the HttpOnly session cookie with the upgrade request).
 */
import { ipcClient, type ConductorClient } from './conductor-client';
import { WsConductorClient, defaultWsUrl } from './ws-client';

let client: ConductorClient | null = null;

export function getApi(): ConductorClient {
  if (client === null) {
    const preload = typeof window !== 'undefined' ? window.api : undefined;
    client = preload ? ipcClient(preload) : new WsConductorClient({ url: defaultWsUrl(window.location) });
  }
  return client;
}
