/**
 * The tray icon: its colour, tooltip and menu follow the status (`tray-icon.ts` and `tray-menu.ts`
 * decide; this file only applies). Electron objects are rebuilt only when what they show changes:
 * status arrives every health tick, and rebuilding an open menu would close it on some desktops.
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { OverallState, StatusSnapshot } from '../../shared/domain';
import type { Disposable } from '../common/disposable';
import { TRAY_ICON_SIZES, trayIconPng } from './tray-icon';
import { trayMenuModel, trayTooltip, type TrayAction, type TrayMenuItem } from './tray-menu';

export interface TrayControllerOptions {
  /** A menu item or a click on the icon (Windows, macOS, some Linux panels: Open). */
  onAction: (action: TrayAction) => void;
}

export class TrayController implements Disposable {
  private readonly tray: Tray;
  private readonly icons = new Map<OverallState, NativeImage>();
  private shownState: OverallState | null = null;
  private shownTooltip = '';
  private shownMenu = '';

  constructor(private readonly options: TrayControllerOptions) {
    this.tray = new Tray(this.iconFor('starting'));
    this.shownState = 'starting';
    this.tray.on('click', () => options.onAction({ type: 'open' }));
    this.update(null, false);
  }

  update(snapshot: StatusSnapshot | null, quitting: boolean): void {
    if (this.tray.isDestroyed()) return;
    const state: OverallState = quitting ? 'stopping' : (snapshot?.state ?? 'starting');
    if (state !== this.shownState) {
      this.tray.setImage(this.iconFor(state));
      this.shownState = state;
    }
    const tooltip = trayTooltip(snapshot, quitting);
    if (tooltip !== this.shownTooltip) {
      this.tray.setToolTip(tooltip);
      this.shownTooltip = tooltip;
    }
    const model = trayMenuModel(snapshot, { quitting });
    const key = JSON.stringify(model);
    if (key !== this.shownMenu) {
      this.tray.setContextMenu(Menu.buildFromTemplate(model.map((item) => this.toMenuItem(item))));
      this.shownMenu = key;
    }
  }

  dispose(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private toMenuItem(item: TrayMenuItem): MenuItemConstructorOptions {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action': {
        const action = item.action;
        return { label: item.label, enabled: item.enabled, click: () => this.options.onAction(action) };
      }
    }
  }

  /** One image per state, with a 1× and a 2× representation, drawn once. */
  private iconFor(state: OverallState): NativeImage {
    let image = this.icons.get(state);
    if (!image) {
      image = nativeImage.createEmpty();
      for (const { size, scaleFactor } of TRAY_ICON_SIZES) {
        image.addRepresentation({ scaleFactor, buffer: trayIconPng(state, size) });
      }
      this.icons.set(state, image);
    }
    return image;
  }
}
