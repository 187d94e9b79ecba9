import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, NoUnusedFragmentsRule, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
// A plain .mjs script (it also runs as `pnpm --filter @baton/studio gql:check`).
import { graphqlEnvIsFresh } from '../../scripts/graphql-env.mjs';

const renderer = fileURLToPath(new URL('../../studio/src/renderer', import.meta.url));

/** The text of every `graphql(`…`)` document in the renderer's sources. */
async function studioDocuments(): Promise<{ file: string; text: string }[]> {
  const files = (await readdir(renderer, { recursive: true })).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  const docs: { file: string; text: string }[] = [];
  for (const file of files) {
    const source = await readFile(join(renderer, file), 'utf8');
    for (const m of source.matchAll(/graphql\(\s*`([^`]*)`/g)) docs.push({ file, text: m[1]! });
  }
  return docs;
}

const spreads = (text: string) =>
  [...text.matchAll(/\.\.\.\s*([A-Za-z_]\w*)/g)].map((m) => m[1]!).filter((n) => n !== 'on');

describe('studio GraphQL types', () => {
  it('match schema/schema.graphql (else run `pnpm --filter @baton/studio gql:generate`)', async () => {
    expect(await graphqlEnvIsFresh('studio')).toBe(true);
  });

  // gql.tada types a document but does not reject one the schema would (an unselected union, clashing fields).
  it("every document the studio sends is valid against the server's schema", async () => {
    const schema = buildSchema(await readFile(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
    // A fragment's own document never uses it.
    const rules = specifiedRules.filter((r) => r !== NoUnusedFragmentsRule);
    const docs = await studioDocuments();
    const fragments = new Map(
      docs.flatMap((d) => [...d.text.matchAll(/fragment\s+(\w+)\s+on/g)].map((m) => [m[1]!, d.text] as const)),
    );
    expect([...fragments.keys()]).toContain('EventFields');
    for (const doc of docs) {
      const needed = new Set<string>();
      const visit = (text: string) => {
        for (const name of spreads(text))
          if (!needed.has(name) && fragments.has(name)) {
            needed.add(name);
            visit(fragments.get(name)!);
          }
      };
      visit(doc.text);
      const own = new Set([...doc.text.matchAll(/fragment\s+(\w+)\s+on/g)].map((m) => m[1]!));
      const full = [doc.text, ...[...needed].filter((n) => !own.has(n)).map((n) => fragments.get(n)!)].join('\n');
      const errors = validate(schema, parse(full), rules).map((e) => `${doc.file}: ${e.message}`);
      expect(errors).toEqual([]);
    }
  });
});
