import type { Plugin } from 'graphql-yoga';

/**
 * Refuses GraphQL request bodies over `maxBytes` with 413 and a typed error (PAYLOAD_TOO_LARGE):
 * at once when Content-Length says so, otherwise while reading, so an oversized chunked body is
 * never held in memory whole. Parsing itself stays yoga's.
 */
export function useRequestBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse, fetchAPI }) {
      const declared = Number(request.headers.get('content-length') ?? Number.NaN);
      if (declared > maxBytes) return endResponse(tooLarge(fetchAPI, maxBytes));
      if (!request.body || !requestParser) return;
      setRequestParser(async (req) => {
        const body = await readAtMost(req, maxBytes);
        if (body === undefined) return tooLarge(fetchAPI, maxBytes);
        return requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body }));
      });
    },
  };
}

/** The body as text (GraphQL bodies are text), or undefined as soon as it passes `maxBytes` (the rest is not read). */
async function readAtMost(request: Request, maxBytes: number): Promise<string | undefined> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(fetchAPI: { Response: typeof Response }, maxBytes: number): Response {
  return new fetchAPI.Response(
    JSON.stringify({
      errors: [
        {
          message: `The request body is larger than ${maxBytes} bytes`,
          extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes },
        },
      ],
    }),
    // The client may still be sending: close the connection rather than drain a huge body.
    { status: 413, headers: { 'content-type': 'application/json', connection: 'close' } },
  );
}
