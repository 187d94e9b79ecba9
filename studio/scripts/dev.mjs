// `pnpm --filter @baton/studio dev`: the renderer from Vite (hot reload) inside Electron, main and preload bundled.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'vite';

await import('./build-electron.mjs');
const vite = await createServer({ configFile: new URL('../vite.config.ts', import.meta.url).pathname });
await vite.listen();
const url = `http://localhost:${vite.config.server.port}/studio/`;
console.log(`[studio] renderer at ${url}`);

// The `electron` package exports the path of its binary (installed by `pnpm install` where downloads work).
const electron = createRequire(import.meta.url)('electron');
const child = spawn(electron, ['.'], { stdio: 'inherit', env: { ...process.env, BATON_STUDIO_DEV_URL: url } });
child.on('exit', async (code) => {
  await vite.close();
  process.exit(code ?? 0);
});
