import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/** An object `levels` deep (the outermost is level 1), alternating objects and arrays. */
const nested = (levels: number): unknown => {
  let v: unknown = { leaf: true };
  for (let i = 1; i < levels; i++) v = i % 2 ? { a: v } : [v];
  return v;
};
/** The same as a GraphQL literal. */
const literal = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(literal).join(', ')}]`
    : value !== null && typeof value === 'object'
      ? `{ ${Object.entries(value)
          .map(([k, v]) => `${k}: ${literal(v)}`)
          .join(', ')} }`
      : JSON.stringify(value);

const REGISTER = 'mutation($input: RegisterMcpServerInput!) { registerMcpServer(input: $input) { name } }';
const base = { name: 'deep', transport: 'http', url: 'http://169.254.169.254/mcp' };

describe('JSON arguments nest at most 32 levels, whichever argument they are', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    url = `${(await t.app.start(0, '127.0.0.1')).url}/graphql`;
  }, 60_000);
  afterAll(() => t.close());

  // Over HTTP from this machine, AUTH_MODE=off: the admin, who alone may register an MCP server.
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
  };

  it.each(['env', 'headers'])('registerMcpServer input.%s: VALIDATION_FAILED naming it, as a variable', async (key) => {
    const r = await post(REGISTER, { input: { ...base, [key]: nested(33) } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: `input.${key}` });
    expect(r.errors?.[0]?.message).toBe(`input.${key}: nested deeper than 32 levels`);
    // 5,000 levels: the same answer, not a stack overflow.
    const body = `{"query":${JSON.stringify(REGISTER)},"variables":{"input":{"name":"deep","transport":"http","${key}":${'{"a":'.repeat(4_999)}{}${'}'.repeat(4_999)}}}}`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(((await res.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: `input.${key}`,
    });
  });

  it('and as a literal in the operation', async () => {
    const r = await post(
      `mutation { registerMcpServer(input: { name: "deep", transport: http, url: "http://169.254.169.254/mcp", headers: ${literal(nested(33))} }) { name } }`,
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.headers' });
    expect(r.errors?.[0]?.message).toBe('input.headers: nested deeper than 32 levels');
  });

  it('shallow values pass this check and meet the next ones (here, the metadata address); 32 levels pass', async () => {
    const r = await post(REGISTER, { input: { ...base, env: { A: 'b' }, headers: { 'x-key': 'v' } } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.url' });
    const ok = await post('mutation($m: JSON) { startConversation(input: { metadata: $m }) { conversation { id } } }', {
      m: nested(32),
    });
    expect(ok.errors).toBeUndefined();
  });

  it('startConversation input.metadata keeps its answer', async () => {
    const r = await post('mutation($m: JSON) { startConversation(input: { metadata: $m }) { conversation { id } } }', {
      m: nested(33),
    });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.metadata' });
  });
});
