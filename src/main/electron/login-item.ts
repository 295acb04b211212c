/** Applies `ui.launchAtLogin` as `login-item-plan.ts` plans it for this OS. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { app } from 'electron';
import type { Logger } from '../logging/logger';
import { messageOf } from '../conductor/step-runner';
import { planLoginItem } from './login-item-plan';

export function applyLaunchAtLogin(enabled: boolean, logger: Logger): void {
  const plan = planLoginItem({
    enabled,
    platform: process.platform,
    packaged: app.isPackaged,
    execPath: process.execPath,
    appImage: process.env.APPIMAGE,
    configHome: process.env.XDG_CONFIG_HOME || join(homedir(), '.config'),
  });
  try {
    switch (plan.kind) {
      case 'electron':
        app.setLoginItemSettings(plan.settings);
        logger.info(`launch at login ${enabled ? 'on' : 'off'}`);
        return;
      case 'xdg-autostart':
        if (plan.enabled) {
          mkdirSync(dirname(plan.file), { recursive: true });
          writeFileSync(plan.file, plan.contents, 'utf8');
        } else {
          rmSync(plan.file, { force: true });
        }
        logger.info(`launch at login ${enabled ? `on (${plan.file})` : 'off'}`);
        return;
      case 'unsupported':
        if (enabled) logger.warn(`launch at login is not applied: ${plan.reason}`);
        return;
    }
  } catch (error) {
    logger.error(`could not ${enabled ? 'turn on' : 'turn off'} launch at login: ${messageOf(error)}`);
  }
}
