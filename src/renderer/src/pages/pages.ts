import type { ComponentType } from 'react';
import { OverviewPage } from './overview-page';

/** The nav's pages, in order. Plugins, Logs, Requests and Settings join this list later. */
export interface PageDef {
  id: string;
  title: string;
  Component: ComponentType;
}

export const PAGES: readonly PageDef[] = [{ id: 'overview', title: 'Overview', Component: OverviewPage }];

export const DEFAULT_PAGE_ID = 'overview';
