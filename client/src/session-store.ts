/** The part of the Web Storage API the client uses (sessionStorage in browsers). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What lets a tab come back to its conversation after a reload. */
export interface StoredSession {
  conversationId: string;
  token: string;
  /** The verified customer the conversation acts for, if any. */
  customerId: string | null;
}

/** The tab's sessionStorage, or undefined where there is none (Node, some privacy modes). */
export function defaultStorage(): StorageLike | undefined {
  try {
    const storage = (globalThis as { sessionStorage?: StorageLike }).sessionStorage;
    if (!storage) return undefined;
    storage.getItem('baton:probe');
    return storage;
  } catch {
    return undefined; // access throws when storage is blocked
  }
}

/** Keeps one conversation per server and tab. */
export class SessionStore {
  constructor(
    private readonly storage: StorageLike | undefined,
    private readonly key: string,
  ) {}

  load(): StoredSession | undefined {
    const text = this.storage?.getItem(this.key);
    if (!text) return undefined;
    try {
      const value = JSON.parse(text) as Partial<StoredSession>;
      if (typeof value.conversationId !== 'string' || typeof value.token !== 'string') return undefined;
      return { conversationId: value.conversationId, token: value.token, customerId: value.customerId ?? null };
    } catch {
      return undefined;
    }
  }

  save(session: StoredSession): void {
    this.storage?.setItem(this.key, JSON.stringify(session));
  }

  clear(): void {
    this.storage?.removeItem(this.key);
  }
}
