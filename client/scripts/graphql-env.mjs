// The client's GraphQL types come from schema/schema.graphql through gql.tada's introspection output.
// `pnpm gql:generate` rewrites it; `pnpm gql:check` (and test/client/graphql-env.test.ts) fails on drift.
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOutput } from '@gql.tada/cli-utils';

const client = fileURLToPath(new URL('..', import.meta.url));
export const graphqlEnvFile = join(client, 'src/graphql-env.d.ts');
const tsconfig = join(client, 'tsconfig.json');

/** Writes the introspection output for the current schema to `output`. */
export async function generateGraphqlEnv(output = graphqlEnvFile) {
  await generateOutput({ tsconfig, output, disablePreprocessing: false, forceTSFormat: false, silent: true });
}

/** True when the committed output matches what the schema generates. */
export async function graphqlEnvIsFresh() {
  const fresh = join(tmpdir(), `graphql-env-${process.pid}-${Date.now()}.d.ts`);
  try {
    await generateGraphqlEnv(fresh);
    return (await readFile(fresh, 'utf8')) === (await readFile(graphqlEnvFile, 'utf8'));
  } finally {
    await rm(fresh, { force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--check') {
    if (!(await graphqlEnvIsFresh())) {
      console.error('graphql-env.d.ts is stale: run `pnpm --filter @baton/client gql:generate`.');
      process.exit(1);
    }
  } else await generateGraphqlEnv();
}
