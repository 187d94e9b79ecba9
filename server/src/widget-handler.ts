import { createReadStream, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { repoPath } from './paths.js';

/** Where `pnpm --filter @baton/widget build` puts the widget. */
export const defaultWidgetDir = repoPath('widget', 'dist');

const files = new Set(['baton-chat.js', 'baton-chat-app.js']);

/**
 * Serves the embeddable widget at /widget/: shops load it from their own pages, so any origin may fetch it.
 * The names are stable (the embed snippet names the loader), so caches revalidate after five minutes.
 */
export function createWidgetHandler(dir = defaultWidgetDir) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const name = (req.url ?? '').split('?')[0]!.replace(/^\/widget\//, '');
    if (!files.has(name)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const file = join(dir, name);
    if (!existsSync(file)) {
      res
        .writeHead(503, { 'content-type': 'text/plain' })
        .end('The widget is not built: run `pnpm --filter @baton/widget build`.');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
    });
    createReadStream(file).pipe(res);
  };
}
