import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
}));
// `electron` resolves from studio/, so the mock names that copy.
vi.mock('../../../studio/node_modules/electron/index.js', () => electron);

import type { BatonApi } from '../../../studio/src/preload/create-api.js';

describe('preload', () => {
  let api: BatonApi;
  beforeEach(async () => {
    vi.resetModules();
    electron.contextBridge.exposeInMainWorld.mockClear();
    await import('../../../studio/src/preload/preload.js');
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, exposed] = electron.contextBridge.exposeInMainWorld.mock.calls[0]!;
    expect(name).toBe('baton');
    api = exposed as BatonApi;
  });

  it('exposes a small named API, not ipcRenderer', () => {
    expect(Object.keys(api).sort()).toEqual(['app', 'connections', 'onNavigate']);
    expect(Object.keys(api.connections).sort()).toEqual(['activate', 'active', 'list', 'onChanged', 'remove', 'save']);
    expect(JSON.stringify(Object.keys(api))).not.toContain('ipc');
  });

  it('forwards calls to main on their typed channels', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce([{ id: 'local' }]);
    expect(await api.connections.list()).toEqual([{ id: 'local' }]);
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('connections:list');
    await api.connections.save({ name: 'Prod', url: 'https://a.example', apiKey: 'k' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('connections:save', {
      name: 'Prod',
      url: 'https://a.example',
      apiKey: 'k',
    });
    await api.connections.activate('prod');
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('connections:activate', 'prod');
  });

  it('delivers menu navigation without the IPC event, and unsubscribes', () => {
    const listener = vi.fn();
    const off = api.onNavigate(listener);
    const [channel, wrapped] = electron.ipcRenderer.on.mock.calls.at(-1)!;
    expect(channel).toBe('menu:navigate');
    (wrapped as (e: unknown, view: string) => void)({ sender: 'ipcRenderer itself' }, 'runs');
    expect(listener).toHaveBeenCalledWith('runs');
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('menu:navigate', wrapped);
  });
});
