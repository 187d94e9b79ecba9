import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, type StorefrontHarness, startStorefront } from './storefront-harness.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe.skipIf(!hasChromium)("<baton-chat> in the workspace's brand", () => {
  let h: StorefrontHarness;
  beforeAll(async () => {
    h = await startStorefront();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** What the studio's settings form saves. */
  const setBrand = async (brand: { name?: string; color?: string; greeting?: string }) => {
    const r = await h.t.gql('mutation($b: BrandInput!) { updateSettings(input: { brand: $b }) { brandVoice } }', {
      b: brand,
    });
    expect(r.errors).toBeUndefined();
  };

  const chat = (page: Page) => page.locator('baton-chat');
  const launcher = (page: Page) => chat(page).locator('button.launcher');
  /** The launcher's and the open panel's painted colours, and the words the shopper sees. */
  const looks = (page: Page) =>
    page.evaluate(() => {
      const root = document.querySelector('baton-chat')!.shadowRoot!;
      const style = (selector: string) => {
        const el = root.querySelector(selector);
        return el ? { background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color } : null;
      };
      return {
        launcher: style('.launcher'),
        header: style('.head'),
        title: root.querySelector('#title')?.textContent ?? null,
        greeting: root.querySelector('.greeting')?.textContent ?? null,
        label: root.querySelector('.launcher')?.getAttribute('aria-label') ?? null,
      };
    });

  it('paints the launcher and the panel with the brand saved in the studio, and follows a change', async () => {
    // A designer sets the brand in the studio's settings.
    const studio = await h.openDemo();
    await studio.page.goto(`${h.url}/studio/#/settings`);
    const form = studio.page.getByRole('form', { name: 'Workspace settings' });
    await form.getByLabel('Widget name').fill('Trailhead Help');
    await form.getByRole('textbox', { name: 'Brand colour', exact: true }).fill('#0a7d5a');
    await form.getByLabel('Greeting').fill('Hi! Ask us about sizes, orders or returns.');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await studio.page.locator('#brand .brand-preview').scrollIntoViewIfNeeded();
    await h.screenshot(studio.page, 'settings-brand');
    await studio.context.close();

    const { context, page } = await h.openDemo();
    await page.goto(`${h.url}/demo`);
    // Before the bubble is opened: the launcher alone, already in the brand's colour and named for it.
    await expect.poll(async () => (await looks(page)).launcher?.background).toBe('rgb(10, 125, 90)');
    expect(await launcher(page).getAttribute('aria-label')).toBe('Open chat with Trailhead Help');
    await launcher(page).click();
    await chat(page).getByRole('dialog', { name: 'Chat with Trailhead Help' }).waitFor();
    expect(await looks(page)).toMatchObject({
      header: { background: 'rgb(10, 125, 90)', color: 'rgb(255, 255, 255)' },
      title: 'Trailhead Help',
      greeting: 'Hi! Ask us about sizes, orders or returns.',
      label: 'Close chat with Trailhead Help',
    });
    await h.screenshot(page, 'widget-brand');

    // A light brand colour gets dark text, and the next page shows the change.
    await setBrand({ color: '#ffd23f', name: 'Sunny Shop' });
    await page.reload();
    await expect.poll(async () => (await looks(page)).launcher?.background).toBe('rgb(255, 210, 63)');
    expect((await looks(page)).launcher?.color).toBe('rgb(17, 17, 17)');
    await launcher(page).click();
    await chat(page).getByRole('dialog', { name: 'Chat with Sunny Shop' }).waitFor();
    expect(await looks(page)).toMatchObject({
      header: { background: 'rgb(255, 210, 63)', color: 'rgb(17, 17, 17)' },
      greeting: 'Hi! Ask us about sizes, orders or returns.',
    });
    // Whatever the brand colour, the panel stays readable.
    await page.addScriptTag({ path: axePath });
    const contrast = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: unknown[] }> } })
        .axe;
      const r = await axe.run(document.querySelector('baton-chat'), { runOnly: ['color-contrast'] });
      return r.violations.length;
    });
    expect(contrast).toBe(0);
    await context.close();
  });

  it("lets a shop's data-* attributes override the brand, on a page of another origin", async () => {
    await setBrand({ name: 'Trailhead Help', color: '#0a7d5a', greeting: 'Welcome to Trailhead!' });
    const { context, page } = await h.openDemo();
    // The shop's own web server: another origin than Baton's.
    const html = `<!doctype html><html lang="en"><head><title>A shop</title></head><body><h1>A shop</h1>
      <script src="${h.url}/widget/baton-chat.js" data-name="Override Outfitters" data-color="#8b1e3f" async></script></body></html>`;
    const shop = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((r) => shop.listen(0, 'localhost', r));
    const shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}/product`;
    expect(new URL(shopUrl).origin).not.toBe(new URL(h.url).origin);
    await page.goto(shopUrl);
    await expect.poll(async () => (await looks(page)).launcher?.background).toBe('rgb(139, 30, 63)');
    await launcher(page).click();
    await chat(page).getByRole('dialog', { name: 'Chat with Override Outfitters' }).waitFor();
    // Name and colour from the page; the greeting it did not set comes from the workspace.
    await expect.poll(async () => (await looks(page)).greeting).toBe('Welcome to Trailhead!');
    expect((await looks(page)).header?.background).toBe('rgb(139, 30, 63)');
    await context.close();
    shop.close();
  });
});
