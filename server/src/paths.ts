import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root. This file lives in server/src/, and the production bundle (server/dist/, see
 * server/build.mjs) sits at the same depth, so one relative step serves both; every other file asks here.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

/** A path inside the repository: `repoPath('drizzle')`, `repoPath('studio', 'dist', 'renderer')`. */
export function repoPath(...segments: string[]): string {
  return join(root, ...segments);
}
