/**
 * A stand-in for the parts of Electron's main-process API the shell uses, for the shell's wiring
 * test (`shell.test.ts`, via `vi.mock('electron')`): the Electron binary cannot run here, so this
 * records what the shell asks of Electron and lets the test play the user and the OS. Never
 * imported by app code.
 */
import { EventEmitter } from 'node:events';

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  exitCodes: number[] = [];
  loginItemSettings: unknown[] = [];
  private exitWaiters: Array<(code: number) => void> = [];

  getPath(): string {
    return '/nonexistent/userData';
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  exit(code = 0): void {
    this.exitCodes.push(code);
    for (const resolve of this.exitWaiters.splice(0)) resolve(code);
  }
  /** Resolves with the code of the next `app.exit`. */
  nextExit(): Promise<number> {
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }
  /** Like Electron: `before-quit`, and if nobody prevented it, the app would go on to quit. */
  quit(): FakeEvent {
    const event = new FakeEvent();
    this.emit('before-quit', event);
    return event;
  }
  setLoginItemSettings(settings: unknown): void {
    this.loginItemSettings.push(settings);
  }
  reset(): void {
    this.removeAllListeners();
    this.isPackaged = false;
    this.exitCodes = [];
    this.loginItemSettings = [];
    this.exitWaiters = [];
  }
}

export const app = new FakeApp();

class FakeWebContents extends EventEmitter {
  url = '';
  sent: Array<{ channel: string; args: unknown[] }> = [];
  executed: string[] = [];
  windowOpenHandler: ((details: unknown) => unknown) | null = null;
  session = {
    webRequest: { onHeadersReceived: (_listener: unknown) => {} },
    setPermissionRequestHandler: (_handler: unknown) => {},
  };
  isDestroyed(): boolean {
    return false;
  }
  isLoading(): boolean {
    return false;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (details: unknown) => unknown): void {
    this.windowOpenHandler = handler;
  }
  executeJavaScript(code: string): Promise<unknown> {
    this.executed.push(code);
    return Promise.resolve(undefined);
  }
}

export class BrowserWindow extends EventEmitter {
  static all: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  focused = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.all.push(this);
  }
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.destroyed);
  }
  loadFile(file: string): Promise<void> {
    this.webContents.url = `file://${file}`;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** As the user closing it: `close`, then, unless prevented, `closed` and `window-all-closed`. */
  close(): FakeEvent {
    const event = new FakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) {
      this.destroyed = true;
      this.visible = false;
      this.emit('closed');
      if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
    }
    return event;
  }
}

export interface FakeMenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

export const Menu = {
  applicationMenu: null as unknown,
  buildFromTemplate(template: FakeMenuItem[]): { items: FakeMenuItem[] } {
    return { items: template };
  },
  setApplicationMenu(menu: unknown): void {
    Menu.applicationMenu = menu;
  },
};

export interface FakeImage {
  representations: Array<{ scaleFactor?: number; buffer?: Buffer }>;
  addRepresentation(options: { scaleFactor?: number; buffer?: Buffer }): void;
}

export const nativeImage = {
  createEmpty(): FakeImage {
    return {
      representations: [],
      addRepresentation(options) {
        this.representations.push(options);
      },
    };
  },
};

export class Tray extends EventEmitter {
  static all: Tray[] = [];
  /** Runs as each tray is created (a test acting at that exact moment of startup). */
  static onCreate: (() => void) | null = null;
  image: FakeImage;
  tooltip = '';
  menu: { items: FakeMenuItem[] } | null = null;
  menuBuilds = 0;
  destroyed = false;

  constructor(image: FakeImage) {
    super();
    this.image = image;
    Tray.all.push(this);
    Tray.onCreate?.();
  }
  setImage(image: FakeImage): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: FakeMenuItem[] }): void {
    this.menu = menu;
    this.menuBuilds++;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class Notification extends EventEmitter {
  static supported = true;
  static shown: Notification[] = [];
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  static isSupported(): boolean {
    return Notification.supported;
  }
  show(): void {
    Notification.shown.push(this);
  }
}

export const powerMonitor = new EventEmitter();

export const ipcMain = {
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  handle(channel: string, handler: (...args: unknown[]) => unknown): void {
    ipcMain.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel);
  },
};

export const dialog = {
  errors: [] as Array<{ title: string; content: string }>,
  /** What the next open dialog answers. */
  nextOpen: { canceled: true, filePaths: [] as string[] },
  showErrorBox(title: string, content: string): void {
    dialog.errors.push({ title, content });
  },
  async showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    void args;
    return dialog.nextOpen;
  },
};

/** No OS keychain in tests: secrets go to the file store. */
export const safeStorage = {
  isEncryptionAvailable: () => false,
  getSelectedStorageBackend: () => 'basic_text',
  encryptString: (plain: string) => Buffer.from(plain, 'utf8'),
  decryptString: (cipher: Buffer) => cipher.toString('utf8'),
};

/** Back to a fresh Electron between tests. */
export function resetFakeElectron(): void {
  app.reset();
  BrowserWindow.all = [];
  Tray.all = [];
  Tray.onCreate = null;
  Notification.shown = [];
  Notification.supported = true;
  Menu.applicationMenu = null;
  powerMonitor.removeAllListeners();
  ipcMain.handlers.clear();
  dialog.errors = [];
  dialog.nextOpen = { canceled: true, filePaths: [] };
}
