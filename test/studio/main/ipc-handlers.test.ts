import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { ConnectionStore } from '../../../studio/src/main/connection-store.js';
import { registerIpcHandlers } from '../../../studio/src/main/ipc-handlers.js';
import { invokeChannels } from '../../../studio/src/shared/ipc-channels.js';

vi.mock('../../../studio/node_modules/electron/index.js', () => ({}));

const secrets = {
  isAsyncEncryptionAvailable: async () => true,
  encryptStringAsync: async (s: string) => Buffer.from(`x${s}`),
  decryptStringAsync: async (b: Buffer) => ({ result: b.toString().slice(1) }),
};

describe('IPC handlers', () => {
  let dir: string;
  let handle: Mock<(channel: string, listener: (e: unknown, ...a: unknown[]) => unknown) => void>;
  let onActiveChanged: Mock<(active: unknown) => void>;
  const invoke = (channel: string, ...args: unknown[]) => {
    const call = handle.mock.calls.find(([c]) => c === channel);
    if (!call) throw new Error(`no handler for ${channel}`);
    return call[1]({}, ...args);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-ipc-'));
    handle = vi.fn();
    onActiveChanged = vi.fn();
    registerIpcHandlers(
      { handle },
      {
        connections: new ConnectionStore(join(dir, 'c.json'), secrets),
        appInfo: async () => ({ version: '0.1.0', platform: 'linux', secureStorage: true }),
        onActiveChanged,
      },
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('handles every channel of the map, and nothing else', () => {
    expect(handle.mock.calls.map(([c]) => c).sort()).toEqual([...invokeChannels].sort());
  });

  it('validates what the renderer sends', async () => {
    await expect(invoke('connections:save', { name: 'x', url: 'javascript:alert(1)' })).rejects.toThrow(/http/);
    await expect(invoke('connections:activate', 42)).rejects.toThrow();
    await expect(invoke('connections:remove', '')).rejects.toThrow();
  });

  it('tells windows to reconnect when the active connection changes', async () => {
    const saved = (await invoke('connections:save', { name: 'Prod', url: 'https://a.example', apiKey: 'k' })) as {
      id: string;
    };
    expect(onActiveChanged).not.toHaveBeenCalled();
    await invoke('connections:activate', saved.id);
    expect(onActiveChanged).toHaveBeenLastCalledWith({
      id: saved.id,
      name: 'Prod',
      url: 'https://a.example',
      apiKey: 'k',
    });
    await invoke('connections:remove', saved.id);
    expect(onActiveChanged).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'local', apiKey: null }));
  });
});
