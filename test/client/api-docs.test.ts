import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// A plain .mjs script (it also runs as `pnpm --filter @baton/client docs:check`).
import { staleApiDocs } from '../../client/scripts/api-docs.mjs';
import * as client from '../../client/src/index.js';

describe('@baton/client API reference (docs/client-api, TypeDoc from the TSDoc)', () => {
  it('is what the sources generate now (else run `pnpm --filter @baton/client docs`)', async () => {
    expect(await staleApiDocs()).toEqual([]);
  }, 60_000);

  it('lists every export of the package, each on its own page', async () => {
    const index = await readFile(new URL('../../docs/client-api/README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(client)) expect(index, name).toContain(`[${name}](`);
    const page = await readFile(new URL('../../docs/client-api/interfaces/BatonClient.md', import.meta.url), 'utf8');
    expect(page).toContain('### brand()');
    expect(page).toContain('### startConversation()');
  });
});
