/**
 * The application menu. Quit is Electron's `quit` role (`app.quit()`), so it reaches the quit
 * sequencer through `before-quit` like the OS's own quit; closing the window goes through the
 * window's `close` (to the tray, or quit).
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function installAppMenu(options: { isPackaged: boolean }): void {
  const isMac = process.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    ...(options.isPackaged ? [] : ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: 'File', submenu: [{ role: 'close', label: 'Close Window' }, ...(isMac ? [] : ([{ type: 'separator' }, { role: 'quit' }] as MenuItemConstructorOptions[]))] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
