// The client's API reference, generated from its TSDoc by TypeDoc (markdown) into docs/client-api/.
// `pnpm docs` rewrites it; `pnpm docs:check` (and test/client/api-docs.test.ts) fails when it is out of date.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const client = fileURLToPath(new URL('..', import.meta.url));
export const apiDocsDir = fileURLToPath(new URL('../../docs/client-api', import.meta.url));
const typedoc = join(client, 'node_modules/typedoc/bin/typedoc');

/** Runs TypeDoc with client/typedoc.json, writing to `out`. */
export async function generateApiDocs(out = apiDocsDir) {
  await promisify(execFile)(
    process.execPath,
    [typedoc, '--options', 'typedoc.json', '--out', out, '--logLevel', 'Warn'],
    {
      cwd: client,
    },
  );
}

async function files(dir) {
  const out = new Map();
  const walk = async (d) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.set(relative(dir, path), await readFile(path, 'utf8'));
    }
  };
  await walk(dir);
  return out;
}

/** The files that differ between the committed reference and a fresh one (empty when it is current). */
export async function staleApiDocs() {
  const fresh = await mkdtemp(join(tmpdir(), 'baton-client-api-'));
  try {
    await generateApiDocs(fresh);
    const [want, have] = [await files(fresh), await files(apiDocsDir).catch(() => new Map())];
    const names = new Set([...want.keys(), ...have.keys()]);
    return [...names].filter((n) => want.get(n) !== have.get(n)).sort();
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--check') {
    const stale = await staleApiDocs();
    if (stale.length) {
      console.error(`docs/client-api is out of date (${stale.join(', ')}): run \`pnpm --filter @baton/client docs\``);
      process.exit(1);
    }
    console.log('docs/client-api is current');
  } else {
    await generateApiDocs();
    console.log(`wrote ${relative(process.cwd(), apiDocsDir) || apiDocsDir}`);
  }
}
