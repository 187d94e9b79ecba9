import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import { createModelProvider } from '../../../server/src/models/create-model-provider.js';
import { hasChromium, type StudioHarness, startStudio } from './studio-harness.js';

const START = 'mutation { startConversation { conversation { id } token } }';
const REQUEST = 'mutation($id: ID!, $r: String) { requestHuman(conversationId: $id, reason: $r) { ticket { id } } }';

/** Two colleagues share the queue while several shoppers wait, one of them in the storefront's chat. */
describe.skipIf(!hasChromium)('studio e2e: a shift on the desk', () => {
  let h: StudioHarness;
  beforeAll(async () => {
    // The offline model hands the storefront shopper's "can I talk to a person" off to the desk.
    h = await startStudio('production', {
      env: { SEED_DEMO_DATA: 'true' },
      models: createModelProvider(loadConfig({ MODEL_PROVIDER: 'offline' })),
    });
    // Open all day, every day: a hand-off goes to the queue now, without the form for later contact.
    const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({
      day,
      intervals: [{ open: '00:00', close: '24:00' }],
    }));
    const opened = await h.t.gql(
      'mutation($h: BusinessHoursInput) { updateSettings(input: { businessHours: $h }) { brandVoice } }',
      { h: { timeZone: 'UTC', days } },
    );
    expect(opened.errors).toBeUndefined();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const waiting = async (reason: string) => {
    const started = await h.t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(START);
    const id = started.data!.startConversation.conversation.id;
    const { token } = started.data!.startConversation;
    const asked = await h.t.gql<{ requestHuman: { ticket: { id: string } } }>(REQUEST, { id, r: reason }, token);
    expect(asked.errors).toBeUndefined();
    return { id, token, ticket: asked.data!.requestHuman.ticket.id };
  };

  it("the urgent shopper tops both queues; a reply updates the other colleague's card; the shopper sees who wrote it; resolving it from Bo's desk asks first", async () => {
    const { page: dana, browser } = h;
    const bo = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    bo.setDefaultTimeout(15_000);
    for (const [page, name] of [
      [dana, 'Dana'],
      [bo, 'Bo'],
    ] as const) {
      await page.goto(`${h.url}/studio/#/desk`);
      await page.getByLabel('Your name').fill(name);
    }
    // The shopper in the storefront's chat asks for a person first.
    const shopper = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    shopper.setDefaultTimeout(15_000);
    await shopper.goto(`${h.url}/demo`);
    const chat = shopper.locator('baton-chat');
    await chat.getByRole('button', { name: /Open chat/ }).click();
    await chat.getByRole('textbox', { name: 'Message' }).fill('Can I talk to a person about my delivery address?');
    await chat.getByRole('textbox', { name: 'Message' }).press('Enter');
    const cards = (page: typeof dana) => page.getByRole('navigation', { name: 'Queue' }).locator('.desk-queue-item');
    await expect.poll(() => cards(dana).count(), { timeout: 20_000 }).toBe(1);
    const giftCard = await waiting('Question about a gift card, no rush');
    const charged = await waiting('Charged twice for the same order');
    await expect.poll(() => cards(bo).count()).toBe(3);

    // Dana marks the double charge urgent: it goes to the top of her queue, and of Bo's, with its priority shown.
    await cards(dana).filter({ hasText: 'Charged twice' }).click();
    const ticket = dana.getByRole('form', { name: 'Ticket' });
    await ticket.getByLabel('Priority').selectOption('urgent');
    await ticket.getByRole('button', { name: 'Save ticket' }).click();
    await ticket.getByText('Ticket saved').waitFor();
    await expect.poll(() => cards(dana).first().textContent()).toContain('Charged twice');
    expect(await cards(dana).first().locator('.badge', { hasText: 'urgent' }).count()).toBe(1);
    await bo.reload();
    await expect.poll(() => cards(bo).first().textContent()).toContain('Charged twice');
    expect(await cards(bo).nth(2).textContent()).toContain('gift card');
    expect(giftCard.ticket).not.toBe(charged.ticket);

    // Dana takes the storefront shopper and replies; Bo's card for it says so at once.
    await cards(dana).filter({ hasText: 'delivery address' }).click();
    await dana.locator('.desk-toolbar').getByRole('button', { name: 'Claim' }).click();
    await dana.getByLabel('Reply', { exact: true }).fill("Hi, I'm Dana. What is the new address?");
    await dana.getByRole('button', { name: 'Send', exact: true }).click();
    const boCard = cards(bo).filter({ hasText: 'delivery address' });
    await expect.poll(() => boCard.textContent()).toContain("Dana: Hi, I'm Dana. What is the new address?");

    // The shopper sees the message under Dana's name, not as the bot's.
    const reply = chat.locator('.msg', { hasText: "Hi, I'm Dana. What is the new address?" });
    await reply.waitFor();
    expect(await reply.evaluate((n) => getComputedStyle(n, '::before').content)).toBe('"Dana"');
    const botReply = chat.locator('.msg.assistant').first();
    expect(await botReply.evaluate((n) => getComputedStyle(n, '::before').content)).toBe('none');

    // Dana moves on to the gift card; the shopper answers her: her card for them says it needs her reply, Bo's does
    // not (it is not his), and it stops saying so once she replied.
    await cards(dana).filter({ hasText: 'gift card' }).click();
    await chat.getByRole('textbox', { name: 'Message' }).fill('It is 12 Elm Street, Springfield.');
    await chat.getByRole('textbox', { name: 'Message' }).press('Enter');
    const danaCard = cards(dana).filter({ hasText: 'delivery address' });
    await expect.poll(() => danaCard.textContent()).toContain('Shopper: It is 12 Elm Street, Springfield.');
    expect(await danaCard.getByText('Needs your reply').count()).toBe(1);
    // Its clock counts from the shopper's unanswered message, not from the claim.
    const clock = danaCard.getByRole('timer', { name: 'Waiting time' });
    expect(await clock.getAttribute('title')).toBe("Since the shopper's last message");
    await h.screenshot('desk-shift-queue');
    await expect.poll(() => boCard.textContent()).toContain('Shopper: It is 12 Elm Street');
    expect(await boCard.getByText('Needs your reply').count()).toBe(0);
    await danaCard.click();
    await dana.getByLabel('Reply', { exact: true }).fill('Thanks, it is changed.');
    await dana.getByRole('button', { name: 'Send', exact: true }).click();
    await danaCard.getByText('Needs your reply').waitFor({ state: 'detached' });
    expect(await clock.getAttribute('title')).toBe('Since claimed');

    // Bo looks at it: he cannot reply, and resolving Dana's conversation asks first, naming her; Cancel leaves it hers.
    await boCard.click();
    const boToolbar = bo.locator('.desk-toolbar');
    await boToolbar.getByText('Dana').waitFor();
    expect(await bo.getByLabel('Reply', { exact: true }).isEnabled()).toBe(false);
    await boToolbar.getByRole('button', { name: 'Resolve' }).click();
    const confirm = bo.getByRole('dialog', { name: "Resolve Dana's conversation?" });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    const owned = await h.t.gql<{ deskQueue: { state: string; human: string }[] }>(
      '{ deskQueue(states: [HUMAN]) { state human } }',
    );
    expect(owned.data!.deskQueue).toEqual([{ state: 'HUMAN', human: 'Dana' }]);
    expect(await chat.locator('.notice', { hasText: 'closed this chat' }).count()).toBe(0);
  }, 120_000);
});

describe.skipIf(!hasChromium)('studio e2e: a support colleague on the desk, with their own key', () => {
  let h: StudioHarness;
  let dana = '';
  let bo = '';
  beforeAll(async () => {
    h = await startStudio('production', { env: { AUTH_MODE: 'keys' } });
    dana = (await h.t.app.services.apiKeys.create('Dana', 'support')).key;
    bo = (await h.t.app.services.apiKeys.create('Bo', 'support')).key;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("Bo, with no name typed, is offered nothing on the conversation Dana owns (the server would refuse it all); Dana, also without, works it by her key's name", async () => {
    const integrator = (await h.t.app.services.apiKeys.create('storefront', 'integrator')).key;
    const started = await h.t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      START,
      {},
      integrator,
    );
    const id = started.data!.startConversation.conversation.id;
    expect(
      (await h.t.gql(REQUEST, { id, r: 'Wants a refund' }, started.data!.startConversation.token)).errors,
    ).toBeUndefined();
    const claimed = await h.t.gql(
      'mutation($id: ID!) { claimConversation(conversationId: $id) { state } }',
      { id },
      dana,
    );
    expect(claimed.errors).toBeUndefined();

    const { page } = h;
    await page.addInitScript((k) => localStorage.setItem('baton.studio.apiKey', k), bo);
    await h.open(`desk/${id}`);
    const toolbar = page.locator('.desk-toolbar');
    await toolbar.getByText('Dana').waitFor();
    await page
      .getByRole('list', { name: 'Transcript' })
      .getByText('Dana joined the conversation', { exact: false })
      .waitFor();
    expect(await toolbar.getByRole('button').allTextContents()).toEqual([]);
    expect(await page.getByLabel('Reply', { exact: true }).isEnabled()).toBe(false);

    // Dana, with her key and no name typed, works it: it is hers by her key's name.
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const hers = await context.newPage();
    hers.setDefaultTimeout(15_000);
    await hers.addInitScript((k) => localStorage.setItem('baton.studio.apiKey', k), dana);
    await hers.goto(`${h.url}/studio/#/desk/${id}`);
    await hers.locator('.desk-toolbar').getByRole('button', { name: 'Hand back to bot' }).waitFor();
    await hers.getByLabel('Reply', { exact: true }).fill('Hi, Dana here: the refund is on its way.');
    await hers.getByRole('button', { name: 'Send', exact: true }).click();
    await hers
      .getByRole('list', { name: 'Transcript' })
      .getByText('Hi, Dana here: the refund is on its way.')
      .waitFor();
    expect(await hers.getByRole('alert').count()).toBe(0);
    await context.close();
  }, 60_000);
});
