import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  type: string;
  conversationId: string;
  eventId: number;
  data: Record<string, unknown>;
  /** Which of the receiver's secrets verified the signature. */
  verifiedWith: string[];
  at: number;
}

/** What the receiver answers to one request (after verifying it); `hang` never answers. */
export type ReceiverAnswer = { status: number; headers?: Record<string, string> } | 'hang';

/**
 * An integrator's endpoint on localhost: verifies every request with the `standardwebhooks` library
 * (the same one the server signs with), records it, and deduplicates by webhook-id as the spec asks.
 */
export class WebhookReceiver {
  /** Every verified request, duplicates included, in arrival order. */
  readonly requests: ReceivedWebhook[] = [];
  /** Requests whose signature no secret verified. */
  readonly rejected: string[] = [];
  private readonly hanging: ServerResponse[] = [];
  private server?: Server;
  secrets: string[] = [];
  answer: (request: ReceivedWebhook, n: number) => ReceiverAnswer = () => ({ status: 204 });

  /** Starts listening (again, on the same port when given). */
  async listen(port = 0): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Each event once, by webhook-id, in first-arrival order. */
  get unique(): ReceivedWebhook[] {
    const seen = new Set<string>();
    return this.requests.filter((r) => !seen.has(r.id) && seen.add(r.id));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    const verifiedWith = this.secrets.filter((secret) => {
      try {
        new Webhook(secret).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    });
    if (!verifiedWith.length) {
      this.rejected.push(headers['webhook-id']);
      res.writeHead(401).end();
      return;
    }
    const payload = JSON.parse(body) as {
      type: string;
      data: { conversationId: string; eventId: string; data: Record<string, unknown> };
    };
    const received: ReceivedWebhook = {
      id: headers['webhook-id'],
      type: payload.type,
      conversationId: payload.data.conversationId,
      eventId: Number(payload.data.eventId),
      data: payload.data.data,
      verifiedWith,
      at: Date.now(),
    };
    this.requests.push(received);
    const answer = this.answer(received, this.requests.length - 1);
    if (answer === 'hang') {
      this.hanging.push(res);
      return;
    }
    res.writeHead(answer.status, answer.headers).end();
  }
}
