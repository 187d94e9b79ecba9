import type { IncomingMessage } from 'node:http';

/**
 * The body as text, or undefined once it passes `maxBytes` (declared by Content-Length, or while
 * reading: an oversized chunked body is never held whole).
 */
export async function readBodyAtMost(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The path of the first string (or key) in a JSON-RPC message's `params` longer than `max`, if any. */
export function oversizedField(message: unknown, max: number): string | undefined {
  const messages = Array.isArray(message) ? message : [message];
  for (const m of messages) {
    const params = (m as { params?: unknown } | null)?.params;
    const found = walk(params, 'params', max, 0);
    if (found) return found;
  }
  return undefined;
}

function walk(value: unknown, path: string, max: number, depth: number): string | undefined {
  if (typeof value === 'string') return value.length > max ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = walk(v, `${path}[${i}]`, max, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k.length > max) return `${path}.${k.slice(0, 40)}…`;
    const found = walk(v, `${path}.${k}`, max, depth + 1);
    if (found) return found;
  }
  return undefined;
}
