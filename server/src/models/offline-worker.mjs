// The offline stand-in's thread when the server runs from its TypeScript sources (tsx, vitest): the
// worker registers tsx's loader and loads offline-worker.ts. The production bundle has its own
// dist/offline-worker.mjs (server/build.mjs), built from that file.
import { register } from 'tsx/esm/api';

register();
await import('./offline-worker.ts');
