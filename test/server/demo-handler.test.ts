import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** The demo storefront at /demo, as a browser on any machine draws it. */
describe('/demo', () => {
  let t: TestApp;
  let html = '';
  beforeAll(async () => {
    t = await createTestApp();
    const { url } = await t.app.start(0, '127.0.0.1');
    const res = await fetch(`${url}/demo`);
    expect(res.status).toBe(200);
    html = await res.text();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('draws its product without an emoji, which a machine without an emoji font shows as an empty box', () => {
    expect(html.match(/\p{Extended_Pictographic}/gu) ?? []).toEqual([]);
    const photo = html.match(/<div class="photo">([\s\S]*?)<\/div>/)?.[1] ?? '';
    expect(photo).toMatch(/<svg [^>]*role="img" aria-label="Red running shoes"/);
    expect(photo).toMatch(/<path /);
  });
});
