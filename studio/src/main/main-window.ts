import { BrowserWindow, type Rectangle, shell } from 'electron';
import type { WindowState } from './window-state.js';

/**
 * The studio window: sandboxed, context-isolated, Node off; the preload is the only bridge. Links to other
 * origins open in the user's browser instead of inside the app.
 */
export function createMainWindow(options: {
  preloadPath: string;
  url: string;
  state: WindowState;
  onStateChange: (state: WindowState) => void;
}): BrowserWindow {
  const { state } = options;
  const win = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Baton Studio',
    backgroundColor: '#f7f7f8',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  const origin = new URL(options.url).origin;
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== origin) event.preventDefault();
  });

  const save = () => {
    if (win.isDestroyed()) return;
    const b: Rectangle = win.getNormalBounds();
    options.onStateChange({ x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
  };
  win.on('resized', save);
  win.on('moved', save);
  win.on('close', save);

  void win.loadURL(options.url);
  return win;
}
