import { describe, expect, it } from 'vitest';
// A plain .mjs script (it also runs as `pnpm --filter @baton/studio gql:check`).
import { graphqlEnvIsFresh } from '../../studio/scripts/graphql-env.mjs';

describe('studio GraphQL types', () => {
  it('match schema/schema.graphql (else run `pnpm --filter @baton/studio gql:generate`)', async () => {
    expect(await graphqlEnvIsFresh()).toBe(true);
  });
});
