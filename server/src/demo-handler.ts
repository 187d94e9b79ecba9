import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { fromThisMachine, relayed } from './auth/this-machine.js';
import type { Config } from './config.js';
import { repoPath } from './paths.js';

const demoPage = repoPath('widget', 'demo', 'index.html');

/** The store user the demo's "signed-in shopper" is (they own order #W2611340 in the seeded store). */
export const demoCustomerId = 'james_li_5688';

/**
 * The demo storefront at /demo: a product page with the widget embedded. In development with AUTH_MODE=off only, POST
 * /demo/customer-token plays a shop's backend and signs a customer token for the demo shopper, so the
 * page's "signed-in shopper" switch can hand a verified identity to the widget.
 */
/** Which of the request's headers says it does not come from a page of this machine, if any. */
function notThisMachine(req: IncomingMessage): 'host' | 'origin' | undefined {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const host = header('host');
  const wasRelayed = relayed((name) => req.headers[name] !== undefined);
  if (wasRelayed || !fromThisMachine({ host, relayed: wasRelayed }, req.socket.remoteAddress)) return 'host';
  if (!fromThisMachine({ host, origin: header('origin') }, req.socket.remoteAddress)) return 'origin';
  return undefined;
}

export function createDemoHandler(config: Config) {
  const secret = config.customerToken?.secret;
  // Only where this machine is the admin anyway (AUTH_MODE=off): with keys, the secret is the shop's own, and a token
  // signed here for the demo customer would verify any shopper as them.
  const tokens = config.env === 'development' && config.authMode === 'off' && secret !== undefined;
  const why =
    config.env !== 'development' || config.authMode !== 'off'
      ? 'Available in development with AUTH_MODE=off only.'
      : tokens
        ? ''
        : 'Set CUSTOMER_TOKEN_SECRET to try it.';
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!.replace(/\/+$/, '');
    if (path === '/demo/customer-token') {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('Use POST');
        return;
      }
      if (!tokens) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(why);
        return;
      }
      // AUTH_MODE=off is this machine's (auth/this-machine.ts): a token for the demo customer, signed with the shop's
      // secret, went to any page that asked, another site's through a name re-pointed here (DNS rebinding) included.
      const refused = notThisMachine(req);
      if (refused) {
        res.writeHead(403, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(
          JSON.stringify({
            code: 'FORBIDDEN',
            field: refused,
            message: 'Only a page of this machine may ask for the demo customer token.',
          }),
        );
        return;
      }
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(demoCustomerId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .setIssuer(config.customerToken?.issuer ?? 'baton-demo')
        .setAudience(config.customerToken?.audience ?? 'baton')
        .sign(new TextEncoder().encode(secret));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ token, customerId: demoCustomerId }));
      return;
    }
    if (path !== '/demo') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const html = (await readFile(demoPage, 'utf8'))
      .replace('__SHOPPER_DISABLED__', tokens ? '' : 'disabled')
      .replace('__SHOPPER_HINT__', why);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(html);
  };
}
