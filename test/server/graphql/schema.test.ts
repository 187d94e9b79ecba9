import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSortedSchema } from '../../../server/src/graphql/schema.js';

describe('schema/schema.graphql', () => {
  it('matches the schema the server builds (run `pnpm schema:emit` after changing it)', () => {
    const file = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(file).toBe(printSortedSchema());
  });
});
