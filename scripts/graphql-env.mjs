// The studio's and the client's GraphQL types come from schema/schema.graphql through gql.tada's
// introspection output, one file per package (each package's tsconfig points gql.tada at its own).
// `pnpm --filter <package> gql:generate` rewrites it; `gql:check` (and test/{studio,client}/graphql-env.test.ts)
// fails on drift. Run from a package: `node ../scripts/graphql-env.mjs <studio|client> [--check]`.
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where each package's tsconfig and generated file are. */
export const graphqlEnvTargets = {
  studio: { dir: join(root, 'studio'), tsconfig: 'tsconfig.web.json', output: 'src/renderer/graphql/graphql-env.d.ts' },
  client: { dir: join(root, 'client'), tsconfig: 'tsconfig.json', output: 'src/graphql-env.d.ts' },
};

/** The package's generated file. */
export const graphqlEnvFile = (name) => join(graphqlEnvTargets[name].dir, graphqlEnvTargets[name].output);

/** Writes the introspection output for the current schema to `output` (the package's file by default). */
export async function generateGraphqlEnv(name, output = graphqlEnvFile(name)) {
  const target = graphqlEnvTargets[name];
  // The generator is each package's own devDependency: resolve it from there.
  const require = createRequire(join(target.dir, 'package.json'));
  const { generateOutput } = await import(pathToFileURL(require.resolve('@gql.tada/cli-utils')).href);
  await generateOutput({
    tsconfig: join(target.dir, target.tsconfig),
    output,
    disablePreprocessing: false,
    forceTSFormat: false,
    silent: true,
  });
}

/** True when the package's committed output matches what the schema generates. */
export async function graphqlEnvIsFresh(name) {
  const fresh = join(tmpdir(), `graphql-env-${name}-${process.pid}-${Date.now()}.d.ts`);
  try {
    await generateGraphqlEnv(name, fresh);
    return (await readFile(fresh, 'utf8')) === (await readFile(graphqlEnvFile(name), 'utf8'));
  } finally {
    await rm(fresh, { force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name, flag] = process.argv.slice(2);
  if (!(name in graphqlEnvTargets)) {
    console.error(`usage: graphql-env.mjs <${Object.keys(graphqlEnvTargets).join('|')}> [--check]`);
    process.exit(2);
  }
  if (flag === '--check') {
    if (!(await graphqlEnvIsFresh(name))) {
      console.error(`graphql-env.d.ts is stale: run \`pnpm --filter @baton/${name} gql:generate\`.`);
      process.exit(1);
    }
  } else await generateGraphqlEnv(name);
}
