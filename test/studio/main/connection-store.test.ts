import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectionStore,
  defaultConnection,
  type SecretBox,
  SecureStorageUnavailableError,
} from '../../../studio/src/main/connection-store.js';

/** Stands in for safeStorage: reversible, but never the plain text. */
const fakeSecrets = (available = true): SecretBox => ({
  isAsyncEncryptionAvailable: async () => available,
  encryptStringAsync: async (s) => Buffer.from(`enc:${[...s].reverse().join('')}`),
  decryptStringAsync: async (b) => ({ result: [...b.toString().slice(4)].reverse().join('') }),
});

describe('ConnectionStore', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-studio-'));
    file = join(dir, 'connections.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('starts with the local server as the active connection', async () => {
    const store = new ConnectionStore(file, fakeSecrets());
    expect(await store.list()).toEqual([{ ...defaultConnection, hasApiKey: false, active: true }]);
    expect(await store.active()).toEqual({ ...defaultConnection, apiKey: null });
  });

  it('keeps the API key encrypted on disk and decrypts it for the active connection', async () => {
    const store = new ConnectionStore(file, fakeSecrets());
    const saved = await store.save({ name: 'Prod', url: 'https://baton.example.com/', apiKey: 'bk_secret_123' });
    expect(saved).toMatchObject({ name: 'Prod', url: 'https://baton.example.com', hasApiKey: true, active: false });
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain('bk_secret_123');

    const active = await store.activate(saved.id);
    expect(active).toEqual({ id: saved.id, name: 'Prod', url: 'https://baton.example.com', apiKey: 'bk_secret_123' });
    // A fresh store (the next app start) reads the same state.
    expect(await new ConnectionStore(file, fakeSecrets()).active()).toEqual(active);
  });

  it('keeps the stored key when an edit leaves it out, and clears it on an empty key', async () => {
    const store = new ConnectionStore(file, fakeSecrets());
    const saved = await store.save({ name: 'Prod', url: 'https://a.example', apiKey: 'k1' });
    await store.activate(saved.id);
    await store.save({ id: saved.id, name: 'Production', url: 'https://a.example' });
    expect(await store.active()).toMatchObject({ name: 'Production', apiKey: 'k1' });
    await store.save({ id: saved.id, name: 'Production', url: 'https://a.example', apiKey: '' });
    expect(await store.active()).toMatchObject({ apiKey: null });
  });

  it('refuses to store a key when the OS has no secure storage, and writes nothing', async () => {
    const store = new ConnectionStore(file, fakeSecrets(false));
    await expect(store.save({ name: 'Prod', url: 'https://a.example', apiKey: 'k1' })).rejects.toBeInstanceOf(
      SecureStorageUnavailableError,
    );
    await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    // Without a key it saves fine.
    await store.save({ name: 'Open', url: 'http://127.0.0.1:4000' });
    expect((await store.list()).map((c) => c.name)).toEqual(['Local server', 'Open']);
  });

  it('rejects URLs that are not http(s)', async () => {
    const store = new ConnectionStore(file, fakeSecrets());
    await expect(store.save({ name: 'x', url: 'file:///etc/passwd' })).rejects.toThrow(/http/);
    await expect(store.save({ name: '', url: 'http://a.example' })).rejects.toThrow(/name is required/);
  });

  it('moves the active connection to the next one when the active one is removed', async () => {
    const store = new ConnectionStore(file, fakeSecrets());
    const b = await store.save({ name: 'B', url: 'http://b.example' });
    const left = await store.remove(defaultConnection.id);
    expect(left).toEqual([{ id: b.id, name: 'B', url: 'http://b.example', hasApiKey: false, active: true }]);
  });

  it('sets a damaged file aside instead of failing to start', async () => {
    await writeFile(file, '{"connections": "nope"}');
    const store = new ConnectionStore(file, fakeSecrets());
    expect((await store.list()).map((c) => c.id)).toEqual([defaultConnection.id]);
    expect(await readFile(`${file}.invalid`, 'utf8')).toBe('{"connections": "nope"}');
  });
});
