import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ActiveConnection, ConnectionInput, ConnectionSummary } from '../shared/ipc-channels.js';

/** The part of Electron's `safeStorage` the store uses (injected, so tests pass a fake). */
export interface SecretBox {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string }>;
}

export const connectionInputSchema = z.object({
  id: z.string().min(1).max(64).optional(),
  name: z.string().trim().min(1, 'name is required').max(80),
  url: z
    .string()
    .trim()
    .url('url must be an http(s) URL')
    .refine((u) => /^https?:\/\//.test(u), 'url must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, '')),
  apiKey: z.string().trim().max(500).nullable().optional(),
});

const storedConnectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  /** The key encrypted by safeStorage, base64. Never the plain key. */
  encryptedApiKey: z.string().nullable(),
});
const fileSchema = z.object({
  activeId: z.string().nullable(),
  connections: z.array(storedConnectionSchema),
});
type StoredFile = z.infer<typeof fileSchema>;

/** Where a fresh install points: the server's default local address. */
export const defaultConnection = { id: 'local', name: 'Local server', url: 'http://127.0.0.1:4000' } as const;

/** Thrown when a key should be stored but the OS offers no secret storage. */
export class SecureStorageUnavailableError extends Error {
  readonly code = 'SECURE_STORAGE_UNAVAILABLE' as const;
}

/**
 * The saved server connections (URL plus API key). Keys are encrypted with `safeStorage` before they touch
 * the disk; if the OS has no secret storage, saving a key fails rather than writing it in the clear.
 */
export class ConnectionStore {
  constructor(
    private readonly file: string,
    private readonly secrets: SecretBox,
  ) {}

  async list(): Promise<ConnectionSummary[]> {
    const data = await this.read();
    return data.connections.map((c) => ({
      id: c.id,
      name: c.name,
      url: c.url,
      hasApiKey: c.encryptedApiKey !== null,
      active: c.id === data.activeId,
    }));
  }

  async save(raw: ConnectionInput): Promise<ConnectionSummary> {
    const input = connectionInputSchema.parse(raw);
    const data = await this.read();
    const existing = input.id ? data.connections.find((c) => c.id === input.id) : undefined;
    let encryptedApiKey = existing?.encryptedApiKey ?? null;
    if (input.apiKey === null || input.apiKey === '') encryptedApiKey = null;
    else if (input.apiKey !== undefined) encryptedApiKey = await this.encrypt(input.apiKey);
    const record = { id: existing?.id ?? input.id ?? randomUUID(), name: input.name, url: input.url, encryptedApiKey };
    data.connections = existing
      ? data.connections.map((c) => (c.id === record.id ? record : c))
      : [...data.connections, record];
    data.activeId ??= record.id;
    await this.write(data);
    return (await this.list()).find((c) => c.id === record.id)!;
  }

  async remove(id: string): Promise<ConnectionSummary[]> {
    const data = await this.read();
    data.connections = data.connections.filter((c) => c.id !== id);
    if (data.activeId === id) data.activeId = data.connections[0]?.id ?? null;
    await this.write(data);
    return this.list();
  }

  async activate(id: string): Promise<ActiveConnection> {
    const data = await this.read();
    if (!data.connections.some((c) => c.id === id)) throw new Error(`no connection ${id}`);
    data.activeId = id;
    await this.write(data);
    return (await this.active())!;
  }

  /** The active connection with its key decrypted, for the renderer's GraphQL client. */
  async active(): Promise<ActiveConnection | null> {
    const data = await this.read();
    const c = data.connections.find((x) => x.id === data.activeId);
    if (!c) return null;
    const apiKey = c.encryptedApiKey
      ? (await this.secrets.decryptStringAsync(Buffer.from(c.encryptedApiKey, 'base64'))).result
      : null;
    return { id: c.id, name: c.name, url: c.url, apiKey };
  }

  private async encrypt(key: string): Promise<string> {
    if (!(await this.secrets.isAsyncEncryptionAvailable()))
      throw new SecureStorageUnavailableError('This system offers no secure storage, so the API key was not saved.');
    return (await this.secrets.encryptStringAsync(key)).toString('base64');
  }

  private async read(): Promise<StoredFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return {
        activeId: defaultConnection.id,
        connections: [{ ...defaultConnection, encryptedApiKey: null }],
      };
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    // A damaged file is set aside rather than crashing the app at start.
    if (!parsed.success) {
      await rename(this.file, `${this.file}.invalid`);
      return this.read();
    }
    return parsed.data;
  }

  private async write(data: StoredFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
