import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinToolPolicies } from '../../../server/src/identity/builtin-tool-policies.js';
import { renderPolicyTable } from '../../../server/src/identity/policy-table.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

describe('the tool policy table of docs/security.md', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is the one the tools declare (regenerate with `npx pnpm docs:tool-policy`)', async () => {
    const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');
    expect(doc).toContain(renderPolicyTable(await builtinToolPolicies()));
  });

  it('matches what the app enforces: the declarations as they reach the tool executor over MCP', async () => {
    const declared = await builtinToolPolicies();
    const served = new Map((await t.app.services.tools.list()).map((d) => [d.name, d.identity]));
    for (const tool of declared) expect(served.get(tool.name), tool.name).toEqual(tool.identity);
    // Every tool a customer's data could flow through needs more than anonymous.
    for (const tool of declared)
      if (tool.identity.readsPersonalData) expect(tool.identity.minimumLevel, tool.name).not.toBe('anonymous');
  });
});
