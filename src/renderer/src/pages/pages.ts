import type { ComponentType } from 'react';
import { LogsPage } from './logs-page';
import { OverviewPage } from './overview-page';
import { PluginDetailPage } from './plugin-detail-page';
import { PluginsPage } from './plugins-page';
import { RequestsPage } from './requests-page';
import { SettingsPage } from './settings-page';

export interface PageDef {
  id: string;
  title: string;
  Component: ComponentType;
  /** Reached by a link (e.g. `#/plugin/echo`), not listed in the nav. */
  hidden?: boolean;
}

/** The nav's pages, in order. */
export const PAGES: readonly PageDef[] = [
  { id: 'overview', title: 'Overview', Component: OverviewPage },
  { id: 'plugins', title: 'Plugins', Component: PluginsPage },
  { id: 'logs', title: 'Logs', Component: LogsPage },
  { id: 'requests', title: 'Requests', Component: RequestsPage },
  { id: 'settings', title: 'Settings', Component: SettingsPage },
  { id: 'plugin', title: 'Plugin detail', Component: PluginDetailPage, hidden: true },
];

export const DEFAULT_PAGE_ID = 'overview';
