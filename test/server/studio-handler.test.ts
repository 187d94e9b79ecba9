import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioHandler } from '../../server/src/studio-handler.js';

/** The studio's files, and nothing beside them: a sibling folder whose name starts like the build's is not inside it. */
describe('the studio handler', () => {
  let dir = '';
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'studio-'));
    mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
    mkdirSync(join(dir, 'renderer-old'));
    writeFileSync(join(dir, 'renderer', 'index.html'), '<html>studio</html>');
    writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'app');
    writeFileSync(join(dir, 'renderer-old', 'secret.txt'), 'secret');
    server = createServer(createStudioHandler(join(dir, 'renderer')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Raw paths, as an attacker sends them (fetch would normalise them). */
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('serves its files, and index.html for routes', async () => {
    expect(await get('/studio/assets/app.js')).toEqual({ status: 200, body: 'app' });
    expect((await get('/studio/agents/new')).body).toBe('<html>studio</html>');
  });

  it('never serves a file outside its folder, and answers a malformed path with 400', async () => {
    for (const path of ['/studio/..%2Frenderer-old%2Fsecret.txt', '/studio/%2e%2e/renderer-old/secret.txt'])
      expect((await get(path)).body, path).not.toContain('secret');
    expect((await get('/studio/%E0%A4%A')).status).toBe(400);
  });
});
