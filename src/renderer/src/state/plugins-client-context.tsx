/**
 * The contract client and the plugin actions store, for the pages that call commands directly
 * (plugin actions, metrics history, events, logs). app.tsx provides them from `getApi()`; tests
 * provide a fake client.
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ConductorClient } from '../api/conductor-client';
import { createPluginActionsStore, type PluginActionsState, type PluginActionsStore } from './plugins-actions';

interface Panel {
  client: ConductorClient;
  actions: PluginActionsStore;
}

const PanelContext = createContext<Panel | null>(null);

export function ClientProvider({ client, children }: { client: ConductorClient; children: ReactNode }) {
  const [panel] = useState<Panel>(() => ({ client, actions: createPluginActionsStore(client) }));
  return <PanelContext.Provider value={panel}>{children}</PanelContext.Provider>;
}

function usePanel(): Panel {
  const panel = useContext(PanelContext);
  if (panel === null) throw new Error('used outside <ClientProvider>');
  return panel;
}

export function useClient(): ConductorClient {
  return usePanel().client;
}

/** Reads a slice of the plugin actions state. */
export function usePluginActions<T>(selector: (state: PluginActionsState) => T): T {
  return useStore(usePanel().actions, selector);
}
