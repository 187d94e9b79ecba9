import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ask,
  axeViolations,
  chat,
  hasChromium,
  openChat,
  recordWidget,
  type StorefrontHarness,
  startStorefront,
  widgetLog,
} from './storefront-harness.js';

const EXAMPLE = "Where's my order #W2611340, and do you have red sneakers in size 9?";

describe.skipIf(!hasChromium)('<baton-chat> on the /demo storefront', () => {
  let h: StorefrontHarness;
  beforeAll(async () => {
    h = await startStorefront();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** How many runs the server has: taken before a message, so `replyOfRun` waits for that message's run. */
  const runCount = async () => (await h.t.gql<{ runs: unknown[] }>('{ runs(first: 200) { id } }')).data!.runs.length;

  /** The stored final reply of the run number `index` (0-based, oldest first), once it completed. */
  const replyOfRun = async (index: number) => {
    for (let i = 0; i < 400; i++) {
      const res = await h.t.gql<{ runs: { status: string; reply: string | null }[] }>(
        '{ runs(first: 200) { status reply } }',
      );
      const run = res.data!.runs.at(-1 - index);
      if (run?.status === 'COMPLETED') return run.reply!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${index} did not complete`);
  };

  const replies = (page: Page) => chat(page).locator('.msg.assistant');

  it('loads only the loader until the bubble is opened, then answers the seed example: status lines, a stream, one reply', async () => {
    const { context, page } = await h.openDemo();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/widget/')) scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${h.url}/demo`);
    await chat(page)
      .getByRole('button', { name: /Open chat/ })
      .waitFor();
    expect(scripts).toEqual(['/widget/baton-chat.js']);
    await h.screenshot(page, 'widget-closed');

    await openChat(page);
    expect(scripts).toEqual(['/widget/baton-chat.js', '/widget/baton-chat-app.js']);
    await recordWidget(page);
    const run = await runCount();
    await ask(page, EXAMPLE);
    await chat(page).locator('.msg.assistant.streaming').first().waitFor();
    await h.screenshot(page, 'widget-streaming');
    const reply = await replyOfRun(run);
    await expect.poll(() => replies(page).allTextContents()).toEqual([reply]);
    await chat(page).locator('.status.done').nth(1).waitFor();
    await h.screenshot(page, 'widget-seed-example');

    const log = await widgetLog(page);
    const firstStatus = log.findIndex((s) => s.statuses > 0);
    const firstAnswer = log.findIndex((s) => s.answers.some((a) => a.length > 0));
    expect(firstStatus).toBeGreaterThanOrEqual(0);
    expect(firstStatus).toBeLessThanOrEqual(firstAnswer);
    // No answer text is ever on screen without the status line of its task above it.
    expect(log.filter((s) => s.answers.filter((a) => a.length > 0).length > s.statuses)).toEqual([]);
    // The first task's answer grew word by word: many distinct partial lengths before it was whole.
    const partials = new Set(log.map((s) => s.answers[0]?.length ?? 0).filter((n) => n > 0));
    expect(partials.size).toBeGreaterThan(5);
    expect(await chat(page).locator('.status').allTextContents()).toEqual([
      'Checking on the status of your order #W2611340...',
      'Looking for red sneakers in size 9...',
    ]);
    // The closest products as a card: name, options, price, stock.
    const card = chat(page).getByRole('region', { name: 'Closest matches' });
    await expect.poll(() => card.locator('li').count()).toBeGreaterThan(1);
    expect(await card.locator('li').first().textContent()).toMatch(/Running Shoes\$\d+\.\d\d.*(In stock|Out of stock)/);
    await context.close();
  });

  /** The demo page with its signed-in shopper (James Li, a verified customer token) and the chat open. */
  async function openSignedIn() {
    const { context, page } = await h.openDemo();
    await page.goto(`${h.url}/demo`);
    await page.getByLabel('Signed-in shopper (James Li)').check();
    await expect.poll(() => page.locator('#shopper').getAttribute('data-state')).toBe('signed-in');
    await openChat(page);
    return { context, page };
  }

  it("shows a verified shopper's order as a card", async () => {
    const { context, page } = await openSignedIn();
    await ask(page, "Where's my order #W2611340?");
    const card = chat(page).getByRole('region', { name: 'Order #W2611340' });
    await card.waitFor();
    expect(await card.locator('.badge').textContent()).toBe('processed');
    expect(await card.locator('li').allTextContents()).toEqual([
      expect.stringContaining('Water Bottle$47.84'),
      expect.stringContaining('Office Chair$488.81'),
    ]);
    expect(await card.textContent()).toContain('Tracking: 357962501027');
    await expect.poll(async () => (await replies(page).allTextContents()).length).toBe(1);
    const conversations = await h.t.gql<{ conversations: { edges: { node: { customerId: string | null } }[] } }>(
      '{ conversations(first: 1) { edges { node { customerId } } } }',
    );
    expect(conversations.data!.conversations.edges[0]!.node.customerId).toBe('james_li_5688');
    await h.screenshot(page, 'widget-order-card');
    await context.close();
  });

  it('shows the cards of the orders an answer is about, not of every order looked up to find it', async () => {
    const { context, page } = await openSignedIn();
    const orders = chat(page).getByRole('region', { name: /^Order #W/ });
    // All four of James's orders, each a card, when he asks for them.
    await ask(page, 'What orders do I have?');
    await expect
      .poll(() => replies(page).first().textContent(), { timeout: 15_000 })
      .toContain('#W3638028 was delivered');
    await expect.poll(() => orders.count()).toBe(4);
    // The agent looks all four up to find the chair; the answer is about one order, and one card stays.
    await ask(page, 'Cancel the office chair order');
    await expect
      .poll(() => replies(page).nth(1).textContent(), { timeout: 15_000 })
      .toMatch(/^Your order #W2611340 has shipped[\s\S]* Only an order that hasn't shipped yet can be cancelled\.$/);
    await expect.poll(() => orders.count()).toBe(5);
    expect(await orders.last().getAttribute('aria-label')).toBe('Order #W2611340');
    await context.close();
  });

  it('reconnects after the test drops its WebSocket mid-answer, with no text lost or repeated', async () => {
    const { context, page } = await h.openDemo();
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.goto(`${h.url}/demo`);
    await openChat(page);
    await recordWidget(page);
    const run = await runCount();
    await ask(page, EXAMPLE);
    await chat(page).locator('.msg.assistant.streaming').first().waitFor();
    expect(sockets).toHaveLength(1);
    await sockets[0]!.close({ code: 1012, reason: 'dropped by the test' });
    const reply = await replyOfRun(run);
    await expect.poll(() => replies(page).allTextContents(), { timeout: 15_000 }).toEqual([reply]);

    const log = await widgetLog(page);
    expect(log.some((s) => s.conn === 'Reconnecting…')).toBe(true);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    expect(await chat(page).locator('.msg.user').allTextContents()).toEqual([EXAMPLE]);
    expect(await chat(page).locator('.status').count()).toBe(2);
    // While streaming, no bubble ever held text that is not a prefix of what its task finally said.
    const finalAnswers = log.at(-1)!.answers;
    expect(finalAnswers).toEqual([reply]);
    for (const snapshot of log)
      for (const partial of snapshot.answers) expect(reply.includes(partial), `"${partial}"`).toBe(true);
    await h.screenshot(page, 'widget-reconnected');
    await context.close();
  });

  it('fills a phone screen and works from the keyboard', async () => {
    const { context, page } = await h.openDemo({ viewport: { width: 390, height: 844 } });
    await page.goto(`${h.url}/demo`);
    await chat(page)
      .getByRole('button', { name: /Open chat/ })
      .focus();
    await page.keyboard.press('Enter');
    const dialog = chat(page).getByRole('dialog');
    await dialog.waitFor();
    // The panel slides in: measure it once it has settled.
    await expect
      .poll(async () => {
        const box = await dialog.boundingBox();
        return box && [box.x, box.y, box.width, box.height].map(Math.round);
      })
      .toEqual([0, 0, 390, 844]);
    // Focus lands in the message box; Enter sends.
    const run = await runCount();
    await page.keyboard.type('What is your return policy?');
    await page.keyboard.press('Enter');
    const reply = await replyOfRun(run);
    await expect.poll(() => replies(page).allTextContents(), { timeout: 15_000 }).toEqual([reply]);
    await h.screenshot(page, 'widget-mobile');
    // Escape closes the panel and gives focus back to the launcher.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(
      await chat(page)
        .getByRole('button', { name: /Open chat/ })
        .evaluate((b) => b.matches(':focus')),
    ).toBe(true);
    await context.close();
  });

  it('has no serious accessibility violations (axe-core), open with cards and quick replies', async () => {
    const { context, page } = await openSignedIn();
    await ask(page, 'I want to return all the items from order #W4435622');
    const yes = chat(page).getByRole('group', { name: 'Quick replies' }).getByRole('button', { name: 'Yes, go ahead' });
    await yes.waitFor({ timeout: 20_000 });
    // What the yes is given to, as the store rehearsed it: the items by name and price, and where the refund goes.
    const change = chat(page).getByRole('region', { name: 'To confirm: Return items of order #W4435622' });
    expect(await change.locator('li').allTextContents()).toEqual([
      'Hiking Boots (12, synthetic, waterproof): $239.78',
      'Water Bottle (red, 750ml, stainless steel): $47.76',
      'Refund $287.54 to gift card once the items arrive',
    ]);
    expect(await change.locator('p').textContent()).toBe('Nothing changes until you reply yes.');
    await h.screenshot(page, 'widget-quick-replies');
    const violations = await axeViolations(page);
    const report = violations.map((v) => `${v.impact} ${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    console.log(`[axe] ${violations.length} violation(s)${report.length ? `\n${report.join('\n')}` : ''}`);
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    // The quick reply answers the confirmation: it is sent as the shopper's message, and the buttons go.
    await yes.click();
    await expect
      .poll(() => chat(page).locator('.msg.user').allTextContents())
      .toEqual(['I want to return all the items from order #W4435622', 'Yes, go ahead']);
    await expect
      .poll(() => chat(page).getByRole('group', { name: 'Quick replies' }).getByRole('button').count())
      .toBe(0);
    await expect.poll(async () => (await replies(page).allTextContents()).length, { timeout: 20_000 }).toBe(2);
    // The button's words are a plain yes: the return the server held is made.
    await expect
      .poll(async () => (await replies(page).allTextContents())[1], { timeout: 20_000 })
      .toMatch(/^Your return of .* is requested\. The refund of \$[\d.,]+ goes to .* once the items arrive\.$/);
    await expect.poll(() => change.locator('p').textContent()).toBe('Done.');
    await context.close();
  });
});
