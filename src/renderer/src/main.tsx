import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api/get-api';
import { App } from './app';
import { createConductorStore } from './state/conductor-store';
import { ConductorStoreProvider } from './state/store-context';
import './styles.css';

const store = createConductorStore(getApi());
store.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ConductorStoreProvider store={store}>
      <App />
    </ConductorStoreProvider>
  </StrictMode>,
);
