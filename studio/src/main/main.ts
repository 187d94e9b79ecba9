import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, net, protocol, safeStorage, screen } from 'electron';
import type { ActiveConnection, StudioView } from '../shared/ipc-channels.js';
import { buildMenuTemplate } from './app-menu.js';
import { ConnectionStore } from './connection-store.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { createMainWindow } from './main-window.js';
import {
  fileUrl,
  resolveStudioFile,
  studioContentSecurityPolicy,
  studioEntryUrl,
  studioScheme,
} from './studio-protocol.js';
import { loadWindowState, saveWindowState } from './window-state.js';

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** Boots the desktop app: stores in userData, IPC, the app:// protocol, the menu and the window. */
export async function startStudio(): Promise<void> {
  // Must run before `ready`: app:// behaves like https (fetch, secure context, its own origin).
  protocol.registerSchemesAsPrivileged([
    { scheme: studioScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  await app.whenReady();

  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = join(here, '../renderer');
  const userData = app.getPath('userData');
  const connections = new ConnectionStore(join(userData, 'connections.json'), safeStorage);
  const windowFile = join(userData, 'window-state.json');

  protocol.handle(studioScheme, async (request) => {
    const file = resolveStudioFile(request.url, rendererDir, isFile);
    const res = await net.fetch(fileUrl(file));
    const headers = new Headers(res.headers);
    headers.set('content-security-policy', studioContentSecurityPolicy);
    return new Response(res.body, { status: res.status, headers });
  });

  const broadcast = <T>(channel: string, payload: T) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(channel, payload);
  };
  registerIpcHandlers(ipcMain, {
    connections,
    appInfo: async () => ({
      version: app.getVersion(),
      platform: process.platform,
      secureStorage: await safeStorage.isAsyncEncryptionAvailable(),
    }),
    onActiveChanged: (active: ActiveConnection | null) => broadcast('connections:changed', active),
  });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        platform: process.platform,
        navigate: (view: StudioView) => broadcast('menu:navigate', view),
      }),
    ),
  );

  const openWindow = async () => {
    const displays = screen.getAllDisplays().map((d) => d.workArea);
    createMainWindow({
      preloadPath: join(here, '../preload/preload.cjs'),
      // `pnpm dev` serves the renderer from Vite with hot reload; a build loads it from app://.
      url: process.env.BATON_STUDIO_DEV_URL ?? studioEntryUrl,
      state: await loadWindowState(windowFile, displays),
      onStateChange: (state) => void saveWindowState(windowFile, state),
    });
  };
  await openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

void startStudio();
