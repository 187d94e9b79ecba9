import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The field that orders a conversation's events: `seq` once the schema's Event has it (a
 * per-conversation sequence), else the stored event's `id`.
 */
export function orderingField(): 'seq' | 'id' {
  const schema = readFileSync(fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url)), 'utf8');
  const event = /\ntype Event \{([^}]*)\}/.exec(schema)?.[1] ?? '';
  return /^\s*seq:/m.test(event) ? 'seq' : 'id';
}

export interface AuditResult {
  stored: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

/**
 * Compares what each subscriber received (ordering keys in arrival order) with what the server
 * stored for its conversation (`Conversation.events`, read over GraphQL after the run, so the
 * audit does not depend on the bus or the table layout): stored but never received is lost, a key
 * received twice is duplicated, a key not above the previous one is out of order.
 */
export async function auditEvents(
  serverUrl: string,
  key: string | undefined,
  field: 'seq' | 'id',
  received: ReadonlyMap<string, readonly number[]>,
  concurrency = 16,
): Promise<AuditResult> {
  const result: AuditResult = { stored: 0, lost: 0, duplicated: 0, outOfOrder: 0 };
  const ids = [...received.keys()];
  const worker = async () => {
    for (let id = ids.pop(); id !== undefined; id = ids.pop()) {
      const got = received.get(id)!;
      const stored = await storedKeys(serverUrl, key, field, id);
      const seen = new Set(got);
      result.stored += stored.length;
      result.duplicated += got.length - seen.size;
      result.lost += stored.filter((k) => !seen.has(k)).length;
      result.outOfOrder += got.filter((k, i) => i > 0 && k <= got[i - 1]!).length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}

/** The conversation's stored events' keys, in pages (a big `first` exceeds the server's query cost limit). */
async function storedKeys(
  serverUrl: string,
  key: string | undefined,
  field: 'seq' | 'id',
  conversationId: string,
): Promise<number[]> {
  const keys: number[] = [];
  for (let after: string | null = null; ; ) {
    const res = await fetch(`${serverUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({
        query: `query($id: ID!, $after: ID) { conversation(id: $id) { events(first: ${PAGE}, after: $after) { id ${field === 'id' ? '' : field} } } }`,
        variables: { id: conversationId, after },
      }),
    });
    const body = (await res.json()) as {
      data?: { conversation: { events: Record<string, string | number | null>[] } };
      errors?: { message: string }[];
    };
    if (!body.data) throw new Error(`GraphQL: ${body.errors?.[0]?.message ?? res.status}`);
    const page = body.data.conversation.events;
    for (const e of page) if (e[field] != null) keys.push(Number(e[field]));
    if (page.length < PAGE) return keys;
    after = String(page[page.length - 1]!.id);
  }
}

const PAGE = 100;
