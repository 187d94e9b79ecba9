import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllWeek } from '../../helpers/test-app.js';
import {
  ask,
  axeViolations,
  chat,
  hasChromium,
  openChat,
  type StorefrontHarness,
  startStorefront,
} from './storefront-harness.js';

/**
 * What a shopper sees of the hand-off in <baton-chat>: the colleague joining, their replies, and the
 * bot taking over again, live over the widget's own subscription.
 */
describe.skipIf(!hasChromium)('<baton-chat>: a colleague takes the conversation over and hands it back', () => {
  let h: StorefrontHarness;
  beforeAll(async () => {
    h = await startStorefront();
  });
  afterAll(async () => {
    await h?.close();
  });

  const as = (mutation: string, id: string, extra = '') =>
    h.t.gql(`mutation($id: ID!) { ${mutation}(conversationId: $id, as: "Dana"${extra}) { __typename } }`, { id });

  it('shows the colleague join, their message, and the hand-back, in order', async () => {
    const { context, page } = await h.openDemo();
    await page.goto(`${h.url}/demo`);
    await openChat(page);
    await ask(page, 'Hello there');
    await chat(page).locator('.msg.assistant').first().waitFor();

    const listed = await h.t.gql<{ conversations: { edges: { node: { id: string } }[] } }>(
      '{ conversations(first: 1) { edges { node { id } } } }',
    );
    const id = listed.data!.conversations.edges[0]!.node.id;
    expect(
      (await h.t.gql('mutation($id: ID!) { requestHuman(conversationId: $id) { state } }', { id })).errors,
    ).toBeUndefined();
    expect((await as('claimConversation', id)).errors).toBeUndefined();
    // The hand-off's notices (the widget has others, such as its greeting).
    const notices = chat(page).locator('.notice', { hasText: /joined the chat|chatting with our assistant again/ });
    await expect.poll(() => notices.allTextContents()).toEqual(['Dana from our team joined the chat']);

    expect(
      (
        await h.t.gql(
          'mutation($id: ID!) { sendHumanMessage(conversationId: $id, text: "Hi, I am Dana from the support team.", as: "Dana") { id } }',
          { id },
        )
      ).errors,
    ).toBeUndefined();
    await chat(page).getByText('Hi, I am Dana from the support team.').waitFor();

    expect((await as('handBackConversation', id)).errors).toBeUndefined();
    await expect
      .poll(() => notices.allTextContents())
      .toEqual(['Dana from our team joined the chat', 'You are chatting with our assistant again']);
    // The order on screen is the order of events: join notice, Dana's message, hand-back notice.
    const texts = await chat(page).locator('.notice, .msg').allTextContents();
    const joined = texts.findIndex((t) => t.endsWith('joined the chat'));
    const dana = texts.indexOf('Hi, I am Dana from the support team.');
    const back = texts.indexOf('You are chatting with our assistant again');
    expect(joined).toBeGreaterThan(0);
    expect(dana).toBeGreaterThan(joined);
    expect(back).toBeGreaterThan(dana);
    await context.close();
  });

  it('lets a shopper waiting for a person take the request back with a button', async () => {
    const { context, page } = await h.openDemo();
    await page.goto(`${h.url}/demo`);
    await openChat(page);
    await ask(page, 'Hello there');
    await chat(page).locator('.msg.assistant').first().waitFor();
    const withdraw = chat(page).getByRole('button', { name: "I don't need a person any more" });
    expect(await withdraw.isVisible()).toBe(false);

    const listed = await h.t.gql<{ conversations: { edges: { node: { id: string } }[] } }>(
      '{ conversations(first: 1) { edges { node { id } } } }',
    );
    const id = listed.data!.conversations.edges[0]!.node.id;
    expect(
      (await h.t.gql('mutation($id: ID!) { requestHuman(conversationId: $id) { state } }', { id })).errors,
    ).toBeUndefined();
    await withdraw.waitFor();
    await withdraw.click();

    await chat(page).getByText("Okay, I've cancelled the request for a colleague.", { exact: false }).waitFor();
    await withdraw.waitFor({ state: 'hidden' });
    const owner = await h.t.gql<{ conversation: { ownership: { state: string } } }>(
      'query($id: ID!) { conversation(id: $id) { ownership { state } } }',
      { id },
    );
    expect(owner.data!.conversation.ownership.state).toBe('BOT');
    const queue = await h.t.gql<{ deskQueue: { conversationId: string }[] }>('{ deskQueue { conversationId } }');
    expect(queue.data!.deskQueue.map((o) => o.conversationId)).not.toContain(id);
    // The bot answers the next message again.
    await ask(page, 'What is your return policy?');
    await expect.poll(() => chat(page).locator('.msg.assistant').count(), { timeout: 20_000 }).toBeGreaterThan(2);
    await context.close();
  });

  it('shows the change a colleague made from the desk as done, with the order as it now stands', async () => {
    const { context, page } = await h.openDemo();
    await page.goto(`${h.url}/demo`);
    await page.getByLabel('Signed-in shopper (James Li)').check();
    await expect.poll(() => page.locator('#shopper').getAttribute('data-state')).toBe('signed-in');
    await openChat(page);
    await ask(page, 'return the camera from #W3638028');
    const change = chat(page).getByRole('region', { name: 'To confirm: Return items of order #W3638028' });
    await change.waitFor({ timeout: 20_000 });
    expect(await change.locator('p').textContent()).toBe('Nothing changes until you reply yes.');

    // The shopper asks for a person; Dana claims the conversation and makes the held return from the desk.
    const listed = await h.t.gql<{ conversations: { edges: { node: { id: string; customerId: string } }[] } }>(
      '{ conversations(first: 1) { edges { node { id customerId } } } }',
    );
    const { id, customerId } = listed.data!.conversations.edges[0]!.node;
    expect(customerId).toBe('james_li_5688');
    expect(
      (await h.t.gql('mutation($id: ID!) { requestHuman(conversationId: $id) { state } }', { id })).errors,
    ).toBeUndefined();
    expect((await as('claimConversation', id)).errors).toBeUndefined();
    const held = (await h.t.app.services.eventStore.list({ conversationId: id, types: ['TOOL_CALL'] })).find(
      (e) => e.type === 'TOOL_CALL' && e.data.code === 'CONFIRMATION_REQUIRED',
    )!;
    expect((await as('makeProposedChange', id, `, proposalEventId: "${held.id}"`)).errors).toBeUndefined();

    await expect.poll(() => change.locator('p').textContent()).toBe('Done.');
    const order = chat(page).getByRole('region', { name: 'Order #W3638028' });
    await expect.poll(() => order.locator('.badge').textContent()).toBe('return requested');
    await context.close();
  });

  it('shows the form the transfer asks for, sends what the shopper fills in, and the conversation waits at the desk', async () => {
    // After hours, an unidentified shopper is asked how to reach them (in hours, the transfer is made at once).
    await closeAllWeek(h.t);
    const { context, page } = await h.openDemo();
    await page.goto(`${h.url}/demo`);
    await openChat(page);
    await ask(page, 'I was charged twice for my order, I want to talk to a person');
    const form = chat(page).locator('form.form');
    await form.waitFor();
    await h.screenshot(page, 'widget-form');
    // Labelled fields a screen reader and autofill understand: no serious accessibility violation with it open.
    const violations = await axeViolations(page);
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    const email = form.getByLabel('Email address');
    expect(await email.getAttribute('type')).toBe('email');
    expect(await email.getAttribute('autocomplete')).toBe('email');
    await email.fill('james.li4495@example.com');
    await form.getByLabel('Phone number').fill('+1 555 0100');
    await form.getByRole('button').click();
    // Sent as the shopper's message, as one would type it; the form stays, answered.
    await expect
      .poll(() => chat(page).locator('.msg.user').allTextContents())
      .toEqual([
        'I was charged twice for my order, I want to talk to a person',
        'james.li4495@example.com, +1 555 0100',
      ]);
    await expect.poll(() => form.getByRole('button').textContent()).toBe('Sent');
    expect(await email.isDisabled()).toBe(true);
    await chat(page)
      .getByText(/passed your request to a colleague/)
      .waitFor();
    const queue = await h.t.gql<{ deskQueue: { state: string; ticket: { id: string } | null }[] }>(
      '{ deskQueue(states: [WAITING_FOR_HUMAN]) { state ticket { id } } }',
    );
    expect(queue.errors).toBeUndefined();
    expect(queue.data!.deskQueue.length).toBe(1);
    expect(queue.data!.deskQueue[0]!.ticket).not.toBeNull();
    await context.close();
  });
});
