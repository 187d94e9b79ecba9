import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { repoPath } from './paths.js';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Where the studio's renderer build lands (`pnpm --filter @baton/studio build`). */
export const defaultStudioDir = repoPath('studio', 'dist', 'renderer');

/** Serves the studio's renderer at /studio, with index.html for client-side routes. */
export function createStudioHandler(dir = defaultStudioDir) {
  const root = resolve(dir);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!existsSync(join(root, 'index.html'))) {
      res
        .writeHead(503, { 'content-type': 'text/plain' })
        .end('The studio is not built: run `pnpm --filter @baton/studio build`.');
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? '/').split('?')[0]!.replace(/^\/studio\/?/, ''));
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Malformed path');
      return;
    }
    let file = normalize(join(root, path));
    // Inside the build only: "/studio/..%2Frenderer-old/x" names a sibling folder that merely starts like it.
    const inside = file === root || file.startsWith(`${root}${sep}`);
    if (!inside || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    const immutable = file.includes(`${root}/assets/`);
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  };
}
