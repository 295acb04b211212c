import type { ConductorApi } from '../../shared/contract';

declare global {
  interface Window {
    /**
     * Exposed by the Electron preload through contextBridge. Absent when the control panel is
     * served to a browser by the headless conductor; the renderer then uses the WebSocket client.
     */
    readonly api?: ConductorApi;
  }
}

export {};
