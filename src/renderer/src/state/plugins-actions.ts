/**
 * Plugin management actions (enable, disable, restart, retry, bounds, install, uninstall): each
 * runs one contract command and keeps its progress and outcome, so the buttons of that plugin
 * can show progress and the page's live region can say what happened — and, on failure, the code,
 * the message and what to do next.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorInfo } from '../../../shared/result';
import type { ConductorClient } from '../api/conductor-client';

export type PluginAction = 'enable' | 'disable' | 'restart' | 'retry' | 'setBounds' | 'install' | 'uninstall';

export interface ActionRecord {
  id: number;
  action: PluginAction;
  /** The plugin's name, or the folder for an install. */
  target: string;
  phase: 'running' | 'done' | 'failed';
  /** What is happening / happened, in words. */
  message: string;
  error?: ErrorInfo;
  /** What to do next, after a failure. */
  hint?: string;
}

export interface PluginActionsState {
  /** The latest action per target (plugin name or install path). */
  byTarget: Record<string, ActionRecord>;
  /** The latest action of all, for the live region. */
  last: ActionRecord | null;
  enable(name: string): Promise<boolean>;
  disable(name: string): Promise<boolean>;
  restart(name: string): Promise<boolean>;
  retry(name: string): Promise<boolean>;
  setBounds(name: string, min: number, max: number): Promise<boolean>;
  install(path: string): Promise<boolean>;
  uninstall(name: string, removeState: boolean): Promise<boolean>;
  dismiss(id: number): void;
}

export type PluginActionsStore = StoreApi<PluginActionsState>;

const RUNNING: Record<PluginAction, (t: string) => string> = {
  enable: (t) => `Enabling ${t}…`,
  disable: (t) => `Disabling ${t}… (in-flight requests finish first)`,
  restart: (t) => `Restarting ${t}… (new instances start before old ones drain)`,
  retry: (t) => `Retrying ${t}…`,
  setBounds: (t) => `Setting the instance bounds of ${t}…`,
  install: (t) => `Installing from ${t}…`,
  uninstall: (t) => `Uninstalling ${t}…`,
};

const FAILED: Record<PluginAction, (t: string) => string> = {
  enable: (t) => `Could not enable ${t}`,
  disable: (t) => `Could not disable ${t}`,
  restart: (t) => `Could not restart ${t}`,
  retry: (t) => `Could not retry ${t}`,
  setBounds: (t) => `Could not set the instance bounds of ${t}`,
  install: (t) => `Could not install from ${t}`,
  uninstall: (t) => `Could not uninstall ${t}`,
};

/** What a person can do about a failed action, by error code. */
export function nextStepFor(action: PluginAction, error: ErrorInfo): string {
  switch (error.code) {
    case 'E_BAD_REQUEST':
      return action === 'install'
        ? 'Check the path: it must be a folder on this machine with a valid plugin.json (the message names what is wrong), then install again.'
        : 'Check the value the message names, correct it and try again.';
    case 'E_CONFLICT':
      return 'That is not possible in the plugin’s current state. Do what the message suggests, or wait until the plugin has settled and try again.';
    case 'E_NOT_FOUND':
    case 'E_PLUGIN_NOT_FOUND':
      if (action === 'install') return 'Check the path: there is no folder there on the machine Conductor runs on. Correct it and install again.';
      return 'Conductor does not know this plugin (any more): it may have been uninstalled. The table shows the plugins there are now.';
    case 'E_TIMEOUT':
      return 'Conductor did not answer in time. Look at the plugin’s state and the Logs page, then try again.';
    case 'E_SHUTTING_DOWN':
      return 'Conductor is shutting down. Start it again to manage plugins.';
    case 'E_UNAUTHORIZED':
    case 'E_FORBIDDEN':
      return 'This page is no longer signed in: open the address Conductor printed when it started.';
    case 'E_INTERNAL':
      return 'Something went wrong inside Conductor, or the connection dropped. Check the connection banner and the Logs page, then try again.';
    default:
      return 'See the Logs page for details, then try again.';
  }
}

export function createPluginActionsStore(client: ConductorClient): PluginActionsStore {
  let nextId = 1;

  const store = createStore<PluginActionsState>()((set) => {
    const begin = (action: PluginAction, target: string): ActionRecord => {
      const record: ActionRecord = { id: nextId++, action, target, phase: 'running', message: RUNNING[action](target) };
      set((s) => ({ byTarget: { ...s.byTarget, [target]: record }, last: record }));
      return record;
    };
    const finish = (record: ActionRecord, outcome: { ok: true; message: string } | { ok: false; error: ErrorInfo }): boolean => {
      const next: ActionRecord = outcome.ok
        ? { ...record, phase: 'done', message: outcome.message }
        : { ...record, phase: 'failed', message: FAILED[record.action](record.target), error: outcome.error, hint: nextStepFor(record.action, outcome.error) };
      set((s) => ({
        byTarget: s.byTarget[record.target]?.id === record.id ? { ...s.byTarget, [record.target]: next } : s.byTarget,
        last: s.last?.id === record.id ? next : s.last,
      }));
      return outcome.ok;
    };
    const simple = async (action: 'enable' | 'disable' | 'restart' | 'retry', name: string, done: string) => {
      const record = begin(action, name);
      const result = await client.invoke(`plugins:${action}`, { name });
      return finish(record, result.ok ? { ok: true, message: `${name} ${done} — it is ${result.value.state} now.` } : { ok: false, error: result.error });
    };

    return {
      byTarget: {},
      last: null,
      enable: (name) => simple('enable', name, 'enabled'),
      disable: (name) => simple('disable', name, 'disabled'),
      restart: (name) => simple('restart', name, 'restarted'),
      retry: (name) => simple('retry', name, 'retried'),
      async setBounds(name, min, max) {
        const record = begin('setBounds', name);
        const result = await client.invoke('plugins:setBounds', { name, min, max });
        return finish(record, result.ok ? { ok: true, message: `${name} now runs ${min}–${max} instances.` } : { ok: false, error: result.error });
      },
      async install(path) {
        const record = begin('install', path);
        const result = await client.invoke('plugins:install', { path });
        if (!result.ok) return finish(record, { ok: false, error: result.error });
        const v = result.value;
        const what = v.upgradedFrom !== undefined ? `upgraded from ${v.upgradedFrom} to ${v.version}` : `installed (${v.version})`;
        return finish(record, { ok: true, message: `${v.name} ${what} — it is ${v.plugin.state} now.` });
      },
      async uninstall(name, removeState) {
        const record = begin('uninstall', name);
        const result = await client.invoke('plugins:uninstall', { name, removeState });
        return finish(
          record,
          result.ok ? { ok: true, message: `${name} uninstalled${result.value.removedState ? ', with its saved state' : ''}.` } : { ok: false, error: result.error },
        );
      },
      dismiss(id) {
        set((s) => ({ last: s.last?.id === id ? null : s.last }));
      },
    };
  });
  return store;
}
