import type { Locator, Page } from '@playwright/test';

/** The Settings card of the plugin detail page (config + env/secrets), by role and label. */
export class PluginSettingsSection {
  readonly region: Locator;
  readonly config: Locator;
  readonly env: Locator;
  readonly saveConfig: Locator;
  readonly saveEnv: Locator;
  readonly configResult: Locator;
  readonly envResult: Locator;
  readonly storageNote: Locator;
  /** The page-top callout of a plugin that waits for a required variable. */
  readonly callout: Locator;

  constructor(readonly page: Page) {
    this.region = page.getByRole('region', { name: 'Settings', exact: true });
    this.config = this.region.getByRole('region', { name: 'Config', exact: true });
    this.env = this.region.getByRole('region', { name: 'Environment and secrets' });
    this.saveConfig = this.config.getByRole('button', { name: 'Save config' });
    this.saveEnv = this.env.getByRole('button', { name: 'Save environment' });
    this.configResult = this.config.getByRole('status', { name: 'Config save result' });
    this.envResult = this.env.getByRole('status', { name: 'Environment save result' });
    this.storageNote = this.env.locator('.pset-storage');
    this.callout = page.getByRole('region', { name: 'Settings needed' });
  }

  /** A config key's control (spinbutton, checkbox, combobox or textbox), by its label. */
  configField(key: string): Locator {
    return this.config.getByLabel(key, { exact: true });
  }

  /** The block of one config key: its label, default, control, reset button and error. */
  configRow(key: string): Locator {
    return this.config.locator(`.pset-field[data-key="${key}"]`);
  }

  resetButton(key: string): Locator {
    return this.config.getByRole('button', { name: `Reset ${key} to default` });
  }

  /** A declared variable's input: "New value for NAME" (secret) or "Value for NAME". */
  envInput(name: string, secret: boolean): Locator {
    return this.env.getByLabel(`${secret ? 'New value' : 'Value'} for ${name}`, { exact: true });
  }

  envRow(name: string): Locator {
    return this.env.getByRole('listitem').filter({ has: this.page.getByText(name, { exact: true }) });
  }

  /** Where the variable's value comes from ("set in Conductor", …). */
  envSource(name: string): Locator {
    return this.envRow(name).locator('.pset-env__source');
  }

  clearButton(name: string): Locator {
    return this.env.getByRole('button', { name: `Clear ${name}` });
  }
}
