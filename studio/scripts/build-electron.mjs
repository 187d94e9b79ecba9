// Bundles Electron's main (ESM) and preload (CommonJS: sandboxed preloads cannot be modules) into dist/.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', external: ['electron'], logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['src/main/main.ts'], format: 'esm', outfile: 'dist/main/main.js' }),
  build({ ...common, entryPoints: ['src/preload/preload.ts'], format: 'cjs', outfile: 'dist/preload/preload.cjs' }),
]);
