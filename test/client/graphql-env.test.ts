import { readFile } from 'node:fs/promises';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as operations from '../../client/src/operations.js';
// A plain .mjs script (it also runs as `pnpm --filter @baton/client gql:check`).
import { graphqlEnvIsFresh } from '../../scripts/graphql-env.mjs';

describe('@baton/client GraphQL types', () => {
  it('match schema/schema.graphql (else run `pnpm --filter @baton/client gql:generate`)', async () => {
    expect(await graphqlEnvIsFresh('client')).toBe(true);
  });

  it("every operation the client sends is valid against the server's schema", async () => {
    const schema = buildSchema(await readFile(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
    const names: string[] = [];
    for (const [name, op] of Object.entries(operations)) {
      names.push(name);
      expect(validate(schema, parse(op.query)).map((e) => `${name}: ${e.message}`)).toEqual([]);
    }
    expect(names).toContain('ConversationEvents');
  });
});
