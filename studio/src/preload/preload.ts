import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { eventChannels, invokeChannels } from '../shared/ipc-channels.js';
import { createApi, type Invoke, type Subscribe } from './create-api.js';

const invoke: Invoke = (channel, ...args) => {
  if (!(invokeChannels as readonly string[]).includes(channel)) throw new Error(`unknown channel ${channel}`);
  return ipcRenderer.invoke(channel, ...args);
};

const subscribe: Subscribe = (channel, listener) => {
  if (!(eventChannels as readonly string[]).includes(channel)) throw new Error(`unknown channel ${channel}`);
  // The renderer never sees the IpcRendererEvent (it would expose `sender`, i.e. ipcRenderer itself).
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
};

contextBridge.exposeInMainWorld('baton', createApi(invoke, subscribe));
