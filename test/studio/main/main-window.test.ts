import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  class FakeWindow {
    static last: FakeWindow;
    handlers = new Map<string, (...a: unknown[]) => void>();
    contentsHandlers = new Map<string, (...a: unknown[]) => void>();
    openHandler?: (d: { url: string }) => { action: string };
    loaded?: string;
    maximized = false;
    webContents = {
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => {
        this.openHandler = h;
      },
      on: (e: string, h: (...a: unknown[]) => void) => this.contentsHandlers.set(e, h),
    };
    constructor(readonly options: Record<string, unknown>) {
      FakeWindow.last = this;
    }
    maximize() {
      this.maximized = true;
    }
    isMaximized() {
      return this.maximized;
    }
    isDestroyed() {
      return false;
    }
    getNormalBounds() {
      return { x: 5, y: 6, width: 1300, height: 820 };
    }
    once(e: string, h: () => void) {
      this.handlers.set(e, h);
    }
    on(e: string, h: () => void) {
      this.handlers.set(e, h);
    }
    show() {}
    loadURL(url: string) {
      this.loaded = url;
      return Promise.resolve();
    }
  }
  return { BrowserWindow: FakeWindow, shell: { openExternal: vi.fn(async () => {}) } };
});
// `electron` resolves from studio/, so the mock names that copy.
vi.mock('../../../studio/node_modules/electron/index.js', () => electron);

import { createMainWindow } from '../../../studio/src/main/main-window.js';

describe('main window', () => {
  const onStateChange = vi.fn();
  beforeEach(() => {
    electron.shell.openExternal.mockClear();
    createMainWindow({
      preloadPath: '/app/dist/preload/preload.cjs',
      url: 'app://studio/studio/',
      state: { width: 1280, height: 800, maximized: true },
      onStateChange,
    });
  });
  const win = () => electron.BrowserWindow.last;

  it('isolates the renderer: sandbox, context isolation, no Node, the preload as the only bridge', () => {
    expect(win().options.webPreferences).toEqual({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(win().loaded).toBe('app://studio/studio/');
    expect(win().maximized).toBe(true);
  });

  it('opens web links in the browser and never as new app windows', () => {
    expect(win().openHandler!({ url: 'https://docs.example.com' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://docs.example.com');
    expect(win().openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('keeps the window on the studio origin', () => {
    const navigate = win().contentsHandlers.get('will-navigate')!;
    const away = { preventDefault: vi.fn() };
    navigate(away, 'https://evil.example/phish');
    expect(away.preventDefault).toHaveBeenCalled();
    const within = { preventDefault: vi.fn() };
    navigate(within, 'app://studio/studio/#/runs');
    expect(within.preventDefault).not.toHaveBeenCalled();
  });

  it('saves its bounds when resized, moved or closed', () => {
    win().handlers.get('resized')!();
    expect(onStateChange).toHaveBeenLastCalledWith({ x: 5, y: 6, width: 1300, height: 820, maximized: true });
  });
});
