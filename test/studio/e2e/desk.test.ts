import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config.js';
import { emailOutbox } from '../../../server/src/db/schema/identity.js';
import { createModelProvider } from '../../../server/src/models/create-model-provider.js';
import { storeUsers, tickets } from '../../../server/src/store/schema/index.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { WebhookReceiver } from '../../fakes/webhook-receiver.js';
import { type Collected, subscribe } from '../../helpers/subscribe.js';
import { waitForRun } from '../../helpers/test-app.js';
import { hasChromium, type StudioHarness, startStudio } from './studio-harness.js';

interface WireEvent {
  id: string | null;
  type: string;
  data: Record<string, unknown>;
}

const SEND = 'mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }';

describe.skipIf(!hasChromium)('studio e2e: the desk', () => {
  let h: StudioHarness;
  // The real offline model; every request is kept, to see the bot's history after the hand-back.
  const offline = createModelProvider(loadConfig({ MODEL_PROVIDER: 'offline' }));
  const model = new ScriptedModel((request) => offline.complete(request));
  let shopperFeed: Collected<WireEvent> | undefined;
  beforeAll(async () => {
    // The webhook receiver below listens on loopback, which only WEBHOOK_ALLOWED_HOSTS opens.
    h = await startStudio('production', {
      env: { SEED_DEMO_DATA: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
      models: model,
    });
  }, 120_000);
  afterAll(async () => {
    shopperFeed?.stop();
    await h?.close();
  });
  /** The conversation's events as the shopper's widget receives them, over WebSocket with their token. */
  const feedOf = (id: string, token: string) =>
    subscribe(
      'ws',
      h.url,
      'subscription($id: ID!) { conversationEvents(conversationId: $id) { id type data: dataJson } }',
      { id },
      (d) => d.conversationEvents as WireEvent,
      token,
    );

  it('a shopper asks for a person; a colleague claims, replies, sends an edited suggestion, hands back and resolves', async () => {
    const { page, t } = h;
    await h.open('desk');
    await page.getByLabel('Your name').fill('Dana');
    await page.getByText('Nobody is waiting').waitFor();

    // A storefront shopper (verified customer), with their own conversation token.
    const [customer] = await t.app.services.db.select().from(storeUsers).limit(1);
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation($c: String) { startConversation(input: { customerId: $c }) { conversation { id } token } }',
      { c: customer!.id },
    );
    const { token } = started.data!.startConversation;
    const id = started.data!.startConversation.conversation.id;
    shopperFeed = feedOf(id, token);
    const shopperSees = async (check: (e: WireEvent) => boolean) =>
      expect.poll(() => shopperFeed!.items.some(check), { timeout: 15_000 }).toBe(true);

    const asked = await t.gql<{ sendMessage: { id: string } }>(
      SEND,
      {
        id,
        text: 'Your system double-charged me! I want to talk to a person. My email is james.li4495@example.com, phone 555-201-4477.',
      },
      token,
    );
    await waitForRun(t.app, asked.data!.sendMessage.id);

    // It shows up in the queue live (the deskQueue subscription), and its waiting time ticks.
    const queue = page.getByRole('navigation', { name: 'Queue' });
    const item = queue.getByRole('button', { name: /Waiting/ });
    await item.waitFor();
    const waited = queue.getByLabel('Waiting time');
    const before = await waited.textContent();
    await expect.poll(() => waited.textContent(), { timeout: 5_000 }).not.toBe(before);

    // A follow-up while waiting: stored and delivered, told where it stands, no run and no second ticket.
    const followUp = await t.gql<{ sendMessage: null }>(SEND, { id, text: 'Is a person there yet?' }, token);
    expect(followUp.data!.sendMessage).toBeNull();
    expect(await t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, id))).toHaveLength(1);

    // The card says why the shopper waits (the hand-off's reason) and who spoke last: the shopper, with the
    // follow-up; the desk's one-time notice that answered it is automatic and does not hide that they wait.
    expect(await item.locator('.desk-queue-reason').textContent()).toMatch(/double-charged me/);
    await expect.poll(() => item.textContent()).toMatch(/Shopper: Is a person there yet\?/);

    await item.click();
    const transcript = page.getByRole('list', { name: 'Transcript' });
    await transcript.getByText('Is a person there yet?').waitFor();
    await page.getByRole('complementary', { name: 'Customer' }).getByText(customer!.email).waitFor();
    await h.screenshot('desk-queue');

    // Claim: the shopper sees the colleague join.
    await page.getByRole('button', { name: 'Claim' }).click();
    await shopperSees((e) => e.type === 'HUMAN_JOINED' && e.data.human === 'Dana');
    const joinedAt = Number(shopperFeed.items.find((e) => e.type === 'HUMAN_JOINED')!.id);

    // They exchange messages.
    await page
      .getByLabel('Reply', { exact: true })
      .fill("Hi, I'm Dana. I can see the two charges; the second one is refunded now.");
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await shopperSees((e) => e.type === 'MESSAGE' && e.data.role === 'human' && e.data.author === 'Dana');
    const thanks = await t.gql<{ sendMessage: null }>(SEND, { id, text: 'Thanks! When will I see the money?' }, token);
    expect(thanks.data!.sendMessage).toBeNull();
    // The queue follows the shopper's messages: the colleague's card now says the shopper spoke last.
    const claimed = queue.getByRole('button', { name: /Dana/ });
    await expect.poll(() => claimed.textContent()).toContain('Shopper: Thanks! When will I see the money?');
    await transcript.getByText('Thanks! When will I see the money?').waitFor();

    // Agent assist drafts a reply; Dana edits it and sends it.
    const suggestion = page.getByRole('region', { name: 'Suggested reply' });
    await suggestion.waitFor({ timeout: 20_000 });
    await suggestion.getByRole('button', { name: 'Edit' }).click();
    const edited = 'The refund reaches your card within 5 business days. Anything else I can do?';
    await page.getByLabel('Reply', { exact: true }).fill(edited);
    await h.screenshot('desk-conversation');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await shopperSees((e) => e.type === 'MESSAGE' && e.data.text === edited && e.data.author === 'Dana');
    // The shopper never saw the suggestion.
    expect(shopperFeed.items.some((e) => e.type === 'SUGGESTION')).toBe(false);

    // No planner ran while Dana owned the conversation: nothing but messages and the suggestion is stored.
    const stored = (await t.app.services.eventStore.list({ conversationId: id })).filter((e) => e.id! > joinedAt);
    expect(stored.map((e) => e.type)).toEqual(['MESSAGE', 'MESSAGE', 'SUGGESTION', 'MESSAGE']);

    // Hand back: the bot answers the next message with Dana's messages in its history.
    await page.getByRole('button', { name: 'Hand back to bot' }).click();
    await shopperSees((e) => e.type === 'HANDED_BACK');
    const seen = model.requests.length;
    const next = await t.gql<{ sendMessage: { id: string } }>(
      SEND,
      { id, text: 'One more thing: what is your return policy?' },
      token,
    );
    await waitForRun(t.app, next.data!.sendMessage.id);
    // The question goes to the specialist for it, not back to the agent that asked for a person.
    const [planned] = await t.app.services.eventStore.list({ runId: next.data!.sendMessage.id, types: ['PLAN'] });
    const agents = planned?.type === 'PLAN' ? planned.data.plan.tasks.map((task) => task.agent) : [];
    expect(agents.length).toBeGreaterThan(0);
    expect(agents).not.toContain('HumanTransferAgent');
    const history = model.requests
      .slice(seen)
      .at(-1)!
      .messages.map((m) => m.content)
      .join('\n');
    expect(history).toContain(edited);
    expect(history).toContain('[System Note] The assistant message above was authored by a support colleague, Dana.');

    // Resolving closes the ticket.
    await page.getByRole('button', { name: 'Resolve' }).click();
    await shopperSees((e) => e.type === 'RESOLVED');
    // The question after the hand-back opened no second hand-off; resolving closed the one ticket.
    const resolved = shopperFeed!.items.find((e) => e.type === 'RESOLVED')!;
    const all = await t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, id));
    expect(all.map((k) => [k.id, k.status])).toEqual([[(resolved.data as { ticketId: string }).ticketId, 'closed']]);
    expect(shopperFeed!.items.filter((e) => e.type === 'HUMAN_REQUESTED')).toHaveLength(1);
    await page.getByText('RESOLVED', { exact: true }).waitFor();
    await h.screenshot('desk-resolved');

    // Days later the shopper writes in quoting what the bot told them. The colleague finds the conversation by
    // that reference, however it is typed, though it has left the queue.
    const told = shopperFeed!.items.find(
      (e) => e.type === 'MESSAGE' && e.data.role === 'assistant' && /ticket T-/.test(String(e.data.text)),
    );
    const reference = /ticket (T-[0-9A-F]{8})\b/.exec(String(told?.data.text))?.[1];
    expect(reference).toBe(`T-${all[0]!.id.slice(0, 8).toUpperCase()}`);
    expect(String(told!.data.text)).not.toContain(all[0]!.id);
    await h.open('desk');
    const typed = page.getByLabel('Ticket reference');
    const find = page.getByRole('button', { name: 'Find', exact: true });
    await typed.fill('T-12');
    await find.click();
    await page.getByText('Expected a ticket reference such as T-24F9B93E (or a whole ticket id).').waitFor();
    const unknown = reference === 'T-00000000' ? 'T-00000001' : 'T-00000000';
    await typed.fill(unknown);
    await find.click();
    await page.getByText(`No ticket ${unknown}.`).waitFor();
    await typed.fill(` ${reference!.toLowerCase()} `);
    await find.click();
    await expect.poll(() => page.url()).toContain(`/desk/${id}`);
    await page.getByRole('form', { name: 'Ticket' }).getByText(reference!, { exact: true }).waitFor();
  }, 120_000);

  it('a shopper withdraws the request while it waits: the queue drops it, the transcript says so, and only a deliberate take-over is left', async () => {
    const { page, t } = h;
    await h.open('desk');
    await page.getByLabel('Your name').fill('Dana');
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
    );
    const id = started.data!.startConversation.conversation.id;
    const { token } = started.data!.startConversation;
    const asked = await t.gql(
      'mutation($id: ID!) { requestHuman(conversationId: $id, reason: "Wants to change the size of a shirt") { state } }',
      { id },
      token,
    );
    expect(asked.errors).toBeUndefined();
    const queue = page.getByRole('navigation', { name: 'Queue' });
    const item = queue.locator('.desk-queue-item', { hasText: 'Wants to change the size of a shirt' });
    await item.click();
    const toolbar = page.locator('.desk-toolbar');
    await toolbar.getByRole('button', { name: 'Claim' }).waitFor();

    const withdrawn = await t.gql(
      'mutation($id: ID!) { withdrawHumanRequest(conversationId: $id) { state } }',
      { id },
      token,
    );
    expect(withdrawn.errors).toBeUndefined();
    const transcript = page.getByRole('list', { name: 'Transcript' });
    await transcript.getByText(/Request for a person withdrawn by the shopper/).waitFor();
    await transcript.getByText("Okay, I've cancelled the request for a colleague.", { exact: false }).waitFor();
    await toolbar.getByText('Withdrawn by the shopper').waitFor();
    expect(await toolbar.getByRole('button', { name: 'Claim' }).count()).toBe(0);
    await item.waitFor({ state: 'detached' });

    // Dana can still step in, deliberately: the take-over names the withdrawal she saw.
    await toolbar.getByRole('button', { name: 'Take over anyway…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Take over this conversation?' });
    await dialog.getByRole('button', { name: 'Take over' }).click();
    await toolbar.getByText('Dana').waitFor();
    expect(await toolbar.locator('.badge').textContent()).toBe('HUMAN');
    expect(await toolbar.getByRole('button', { name: 'Take over anyway…' }).count()).toBe(0);
    expect(await page.getByLabel('Reply').isEnabled()).toBe(true);
    const owned = await t.gql<{ conversation: { ownership: { state: string; human: string } } }>(
      'query($id: ID!) { conversation(id: $id) { ownership { state human } } }',
      { id },
    );
    expect(owned.data!.conversation.ownership).toEqual({ state: 'HUMAN', human: 'Dana' });
  }, 60_000);

  it('shows how an unidentified shopper can be reached, as given in the chat and not verified', async () => {
    const { page, t } = h;
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
    );
    const id = started.data!.startConversation.conversation.id;
    const asked = await t.gql<{ sendMessage: { id: string } }>(
      SEND,
      { id, text: 'My parcel never came. I want to talk to a person, my email is kim.lee@example.com' },
      started.data!.startConversation.token,
    );
    await waitForRun(t.app, asked.data!.sendMessage.id);
    await h.open(`desk/${id}`);
    const customer = page.getByRole('complementary', { name: 'Customer' });
    await customer.getByText('kim.lee@example.com', { exact: true }).waitFor();
    expect(await customer.textContent()).toContain('Given in the chat, not verified');
    expect(await customer.textContent()).not.toContain('Not identified yet.');
  });

  it('a colleague has an unidentified shopper verified by a code to their account, which the shopper types in the chat', async () => {
    const { page, t } = h;
    await h.open('desk');
    await page.getByLabel('Your name').fill('Dana');
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation { conversation { id } token } }',
    );
    const id = started.data!.startConversation.conversation.id;
    const token = started.data!.startConversation.token;
    const asked = await t.gql<{ sendMessage: { id: string } }>(
      SEND,
      { id, text: 'I need to speak to a real person please, my email is noah.brown7922@example.com' },
      token,
    );
    await waitForRun(t.app, asked.data!.sendMessage.id);
    await h.open(`desk/${id}`);
    await page.getByRole('button', { name: 'Claim' }).click();
    const customer = page.getByRole('complementary', { name: 'Customer' });
    const verify = customer.getByRole('form', { name: 'Verify the shopper' });
    // The email the shopper gave is offered, and a bad claim is refused field by field.
    await expect
      .poll(() => verify.getByLabel('Email on the account').inputValue(), { timeout: 10_000 })
      .toBe('noah.brown7922@example.com');
    await verify.getByRole('button', { name: 'Use name and zip instead' }).click();
    await verify.getByLabel('First name').fill('Noah');
    await verify.getByRole('button', { name: 'Email a code' }).click();
    await verify.getByText('required with a name').waitFor();
    await verify.getByRole('button', { name: 'Use an email instead' }).click();
    await verify.getByRole('button', { name: 'Email a code' }).click();
    await verify
      .getByText('Claimed: noah.brown7922@example.com. Not verified until the shopper types the code.')
      .waitFor();
    await page
      .getByRole('region', { name: 'Conversation' })
      .getByText(/I've just emailed a 6-digit code/)
      .waitFor();

    const [mail] = await t.app.services.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.to, 'noah.brown7922@example.com'))
      .orderBy(desc(emailOutbox.createdAt))
      .limit(1);
    const code = /\b(\d{6})\b/.exec(mail!.text)![1]!;
    expect(await page.locator('body').textContent()).not.toContain(code);
    await h.screenshot('desk-verify');
    const typed = await t.gql<{ sendMessage: { id: string } | null }>(SEND, { id, text: `here: ${code}` }, token);
    expect(typed.data!.sendMessage).toBeNull();
    // The panel turns to the customer, verified, with their orders.
    await customer.getByText('Noah Brown').waitFor();
    expect(await customer.textContent()).toContain('Verified');
    await customer.getByText('#W7678072').waitFor();
    await page
      .getByRole('region', { name: 'Conversation' })
      .getByText('Thank you, that code matches: you are verified.')
      .waitFor();
  }, 120_000);

  it('a colleague makes the changes the bot proposed, after reading what the store will do; the shopper sees them made', async () => {
    const { page, t } = h;
    const started = await t.gql<{ startConversation: { conversation: { id: string }; token: string } }>(
      'mutation { startConversation(input: { customerId: "james_li_5688" }) { conversation { id } token } }',
    );
    const id = started.data!.startConversation.conversation.id;
    const token = started.data!.startConversation.token;
    const feed = feedOf(id, token);
    const status = async (order: string) =>
      (
        await t.app.services.database.query<{ status: string }>('select status from store_orders where id = $1', [
          order,
        ])
      )[0]!.status;
    try {
      for (const text of ['return the camera from #W3638028', 'can I talk to a person about this?']) {
        const sent = await t.gql<{ sendMessage: { id: string } }>(SEND, { id, text }, token);
        await waitForRun(t.app, sent.data!.sendMessage.id);
      }
      await h.open(`desk/${id}`);
      await page.getByLabel('Your name').fill('Dana');
      const transcript = page.getByRole('list', { name: 'Transcript' });
      await transcript.getByText('Return items of order #W3638028').waitFor();
      // Only the owner makes changes.
      expect(await transcript.getByRole('button', { name: 'Make this change…' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Claim' }).click();

      // The held return, from the transcript: the dialog shows the store's lines; Cancel makes nothing.
      await transcript.getByRole('button', { name: 'Make this change…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Return items of order #W3638028' });
      await dialog.getByText(/^Refund \$.* to /).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await status('#W3638028')).toBe('delivered');
      await transcript.getByRole('button', { name: 'Make this change…' }).click();
      await dialog.getByRole('button', { name: 'Make this change' }).click();
      await transcript.getByText('Made by Dana:').waitFor();
      expect(await status('#W3638028')).toBe('return requested');
      expect(await transcript.getByRole('button', { name: 'Make this change…' }).count()).toBe(0);
      await expect
        .poll(() => feed.items.some((e) => e.type === 'TOOL_CALL' && e.data.madeBy === 'Dana'), { timeout: 15_000 })
        .toBe(true);

      // The shopper asks for another; agent assist proposes it with the store's description. Dana sends the suggested
      // reply, which asks the shopper for a yes, and makes the change once it comes: the proposal waits in the
      // transcript after the yes replaced the suggestion.
      expect(
        (await t.gql(SEND, { id, text: 'also return the hiking boots from #W4435622' }, token)).errors,
      ).toBeUndefined();
      const suggestion = page.getByRole('region', { name: 'Suggested reply' });
      const proposals = suggestion.getByRole('list', { name: 'Proposed changes' });
      await proposals.getByText('Return items of order #W4435622').waitFor({ timeout: 20_000 });
      await h.screenshot('desk-proposed-change');
      await suggestion.getByRole('button', { name: 'Send as is' }).click();
      await expect
        .poll(() => feed.items.some((e) => e.type === 'MESSAGE' && /reply "yes"/.test(String(e.data.text))))
        .toBe(true);
      expect((await t.gql(SEND, { id, text: 'yes' }, token)).errors).toBeUndefined();
      const waiting = transcript.locator('li', { hasText: 'Agent assist proposed' });
      await waiting.getByText('Return items of order #W4435622').waitFor({ timeout: 20_000 });
      expect(await status('#W4435622')).toBe('delivered');
      await waiting.getByRole('button', { name: 'Make this change…' }).click();
      await page
        .getByRole('dialog', { name: 'Return items of order #W4435622' })
        .getByRole('button', { name: 'Make this change' })
        .click();
      await transcript.getByText(/Made by Dana: Return items of order #W4435622/).waitFor();
      expect(await status('#W4435622')).toBe('return requested');
      expect(await transcript.locator('li', { hasText: 'Agent assist proposed' }).count()).toBe(0);
      expect(await page.getByRole('alert').count()).toBe(0);
    } finally {
      feed.stop();
    }
  }, 120_000);

  it('an admin registers a webhook endpoint, reads its delivery log and sends again; edits a ticket; turns agent assist off', async () => {
    const { page, t } = h;
    const receiver = new WebhookReceiver();
    const port = await receiver.listen();
    try {
      await h.open('settings/webhooks');
      const form = page.getByRole('form', { name: 'Register a webhook endpoint' });
      await form.getByLabel('URL').fill(`http://127.0.0.1:${port}/hooks`);
      await form.getByLabel('Event types').fill('HUMAN_REQUESTED');
      await form.getByRole('button', { name: 'Register endpoint' }).click();
      receiver.secrets = [(await form.getByRole('status').locator('code').textContent())!];
      const endpoints = page.getByRole('list', { name: 'Webhook endpoints' });
      await endpoints.getByText('redacted').waitFor();

      const started = await t.gql<{ startConversation: { conversation: { id: string } } }>(
        'mutation { startConversation { conversation { id } } }',
      );
      const id = started.data!.startConversation.conversation.id;
      await t.gql('mutation($id: ID!) { requestHuman(conversationId: $id, reason: "Parcel lost") { state } }', { id });
      await expect.poll(() => receiver.unique.length, { timeout: 15_000 }).toBe(1);

      await endpoints.getByRole('button', { name: 'Delivery log' }).click();
      const log = page.getByRole('region', { name: 'Delivery log' });
      await expect
        .poll(
          async () => {
            await log.getByRole('button', { name: 'Refresh' }).click();
            return log.getByText('DELIVERED', { exact: true }).count();
          },
          { timeout: 15_000 },
        )
        .toBe(1);
      await log.getByRole('button', { name: 'Send again' }).click();
      await expect.poll(() => receiver.requests.length, { timeout: 15_000 }).toBe(2);
      expect(receiver.requests[1]!.id).toBe(receiver.requests[0]!.id);
      expect(receiver.rejected).toEqual([]);
      await h.screenshot('settings-webhooks');

      // The colleague edits the hand-off's ticket in the Desk.
      await h.open(`desk/${id}`);
      const ticket = page.getByRole('form', { name: 'Ticket' });
      await ticket.getByLabel('Priority').selectOption('high');
      await ticket.getByLabel('Assignee').fill('Sam');
      await ticket.getByLabel('Internal note').fill('Courier claim filed.');
      await ticket.getByRole('button', { name: 'Save ticket' }).click();
      await ticket.getByText('Ticket saved').waitFor();
      const [row] = await t.app.services.db.select().from(tickets).where(eq(tickets.conversationId, id));
      expect(row).toMatchObject({
        priority: 'high',
        assignee: 'Sam',
        internalNote: 'Courier claim filed.',
        status: 'open',
      });

      // Agent assist is a workspace setting.
      expect((await t.app.services.settings.get()).agentAssist).toBe(true);
      await h.open('settings/workspace');
      await page.getByRole('switch', { name: 'Agent assist' }).click();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(async () => (await t.app.services.settings.get()).agentAssist).toBe(false);
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
