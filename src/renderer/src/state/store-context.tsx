import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ConductorState, ConductorStore } from './conductor-store';

const StoreContext = createContext<ConductorStore | null>(null);

export function ConductorStoreProvider({ store, children }: { store: ConductorStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** Reads a slice of the conductor state; re-renders when that slice changes. */
export function useConductor<T>(selector: (state: ConductorState) => T): T {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useConductor must be used inside <ConductorStoreProvider>');
  return useStore(store, selector);
}
