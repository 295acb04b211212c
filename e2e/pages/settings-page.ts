import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';

/** The Settings page, found by role and label. */
export class SettingsPage {
  readonly general: Locator;
  readonly desktop: Locator;
  readonly perPlugin: Locator;
  readonly runtime: Locator;

  constructor(readonly page: Page) {
    this.general = page.getByRole('region', { name: 'General' });
    this.desktop = page.getByRole('region', { name: 'Desktop app' });
    this.perPlugin = page.getByRole('region', { name: 'Notifications per plugin' });
    this.runtime = page.getByRole('region', { name: 'Runtime' });
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/#/settings`);
    await expect(this.runtime).toBeVisible();
  }

  /** The row of one setting, by its title ("Close to tray"). */
  setting(title: string): Locator {
    return this.page.getByRole('group', { name: title, exact: true });
  }

  /** Where the setting's value comes from: "Flag", "Config file", "Saved" or "Default". */
  source(title: string): Locator {
    return this.setting(title).locator('[data-source]');
  }

  switchFor(title: string): Locator {
    return this.setting(title).getByRole('switch', { name: title, exact: true });
  }

  muteSwitch(plugin: string): Locator {
    return this.perPlugin.getByRole('switch', { name: `Mute ${plugin}` });
  }

  runtimeValue(term: string): Locator {
    return this.runtime.locator('div').filter({ has: this.page.getByRole('term').filter({ hasText: term }) }).getByRole('definition');
  }
}
