import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import type { ActiveConnection, InvokeChannels } from '../shared/ipc-channels.js';
import { type ConnectionStore, connectionInputSchema } from './connection-store.js';

type Handlers = { [C in keyof InvokeChannels]: (...args: unknown[]) => Promise<InvokeChannels[C]['result']> };

const idSchema = z.string().min(1).max(64);

/**
 * Registers one handler per invoke channel. Arguments come from the renderer, so each is parsed before use;
 * `onActiveChanged` tells open windows to reconnect.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  deps: {
    connections: ConnectionStore;
    appInfo: () => Promise<InvokeChannels['app:info']['result']>;
    onActiveChanged: (active: ActiveConnection | null) => void;
  },
): Handlers {
  const { connections } = deps;
  const notify = async () => deps.onActiveChanged(await connections.active());
  const handlers: Handlers = {
    'connections:list': () => connections.list(),
    'connections:save': async (input) => {
      const saved = await connections.save(connectionInputSchema.parse(input));
      if (saved.active) await notify();
      return saved;
    },
    'connections:remove': async (id) => {
      const list = await connections.remove(idSchema.parse(id));
      await notify();
      return list;
    },
    'connections:activate': async (id) => {
      const active = await connections.activate(idSchema.parse(id));
      deps.onActiveChanged(active);
      return active;
    },
    'connections:active': () => connections.active(),
    'app:info': () => deps.appInfo(),
  };
  for (const [channel, handler] of Object.entries(handlers))
    ipcMain.handle(channel, (_event: IpcMainInvokeEvent, ...args: unknown[]) => handler(...args));
  return handlers;
}
