// Bundles the server for production: `node dist/main.mjs` instead of compiling TypeScript at every start.
// Packages from node_modules stay external (Node loads them as published); Baton's own workspace packages
// (@baton/*, shipped as TypeScript) are bundled in. Usage: node build.mjs [entry.ts=outfile.mjs ...]
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';

const bundleWorkspace = {
  name: 'external-node-modules',
  setup(b) {
    // A bare import that is not Baton's own is a dependency: leave it to Node's resolution.
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@baton/') || args.kind === 'entry-point' ? undefined : { path: args.path, external: true },
    );
  },
};

const defaults = {
  'src/main.ts': 'dist/main.mjs',
  'src/cli/baton.ts': 'dist/baton.mjs',
  // The offline stand-in's thread (src/models/offline-thread.ts), next to the bundles that start it.
  'src/models/offline-worker.ts': 'dist/offline-worker.mjs',
};
const entries = process.argv.length > 2 ? Object.fromEntries(process.argv.slice(2).map((a) => a.split('='))) : defaults;

await Promise.all(
  Object.entries(entries).map(async ([entry, outfile]) => {
    const result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      plugins: [bundleWorkspace],
      logLevel: 'warning',
      write: false,
    });
    // Written aside and renamed: a process starting meanwhile (a parallel test, a restart) never reads half a file.
    for (const file of result.outputFiles) {
      mkdirSync(dirname(file.path), { recursive: true });
      const partial = `${file.path}.${process.pid}.partial`;
      writeFileSync(partial, file.contents);
      renameSync(partial, file.path);
    }
  }),
);
