import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../../server/src/models/model-provider.js';
import { ScriptedModel } from '../../fakes/scripted-model.js';
import { waitForRun } from '../../helpers/test-app.js';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

const plan = {
  refuse: false,
  tasks: [
    {
      id: 't1',
      agent: 'OrderManagementAgent',
      instruction: 'Find the order',
      statusMessage: 'Looking…',
      dependsOn: [],
    },
  ],
};

/**
 * The studio offers Step, Continue, Pause and the step-mode switches to the keys the server lets drive a run by hand
 * (admin keys; an integrator key, the runs it started), and Cancel to those it lets stop one (admin and support keys;
 * an integrator key, its own runs). Before, a support or integrator key was shown all of them on any shopper's run.
 */
describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): run controls by key', (build) => {
  let h: StudioHarness;
  let admin = '';
  let support = '';
  let integrator = '';
  let releasePlanner = () => {};
  const plannerHeld = new Promise<void>((r) => {
    releasePlanner = r;
  });
  /** A live run (its planner holds until the end) and a step-mode run paused after planning, each in its conversation. */
  const live = { conversation: '', run: '' };
  const paused = { conversation: '', run: '' };
  /** A step-mode run the integrator key started, paused after planning. */
  const integratorsOwn = { conversation: '', run: '' };
  const NOTE = 'A designer steps or continues it, with an admin key, or the integrator key that started it.';
  const CHAT_NOTE =
    'Paused — a designer steps or continues it, with an admin key, or the integrator key that started it.';

  beforeAll(async () => {
    const model = new ScriptedModel(async (req: ModelRequest) => {
      if (req.agentName !== 'PlannerAgent') return { content: 'Your order is on its way.' };
      if (JSON.stringify(req.messages).includes('keep planning')) await plannerHeld;
      return { content: JSON.stringify(plan) };
    });
    h = await startStudio(build, {
      env: { AUTH_MODE: 'keys' },
      models: model,
      onAdminKeyCreated: (k) => {
        admin = k;
      },
    });
    support = (await h.t.app.services.apiKeys.create('Dana', 'support')).key;
    integrator = (await h.t.app.services.apiKeys.create('storefront', 'integrator')).key;
    const converse = async (text: string, mode: 'AUTO' | 'STEP', key = admin) => {
      const started = await h.t.gql<{ startConversation: { conversation: { id: string } } }>(
        'mutation { startConversation { conversation { id } } }',
        {},
        key,
      );
      const conversation = started.data!.startConversation.conversation.id;
      const sent = await h.t.gql<{ sendMessage: { id: string } }>(
        `mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text, mode: ${mode}) { id } }`,
        { id: conversation, text },
        key,
      );
      if (sent.errors) throw new Error(`sendMessage: ${JSON.stringify(sent.errors)}`);
      return { conversation, run: sent.data!.sendMessage.id };
    };
    // In this order: a key executes one run at a time, and the live run keeps the admin key's turn.
    Object.assign(paused, await converse('where is my order?', 'STEP'));
    if ((await waitForRun(h.t.app, paused.run)).status !== 'PAUSED') throw new Error('the step-mode run did not pause');
    Object.assign(integratorsOwn, await converse('where is my order?', 'STEP', integrator));
    if ((await waitForRun(h.t.app, integratorsOwn.run)).status !== 'PAUSED')
      throw new Error("the integrator's step-mode run did not pause");
    Object.assign(live, await converse('where is my order? keep planning', 'AUTO'));
  }, 120_000);
  afterAll(async () => {
    releasePlanner();
    await h?.close();
  });

  /** The studio in a fresh browser context holding `key`; `refused`: every GraphQL error code the page was answered. */
  async function openWith(key: string, route: string) {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const refused: string[] = [];
    page.on('response', async (res) => {
      if (!res.url().endsWith('/graphql')) return;
      const body = await res.text().catch(() => '');
      for (const m of body.matchAll(/"code":"([A-Z_]+)"/g)) refused.push(m[1]!);
    });
    await page.addInitScript((k) => localStorage.setItem('baton.studio.apiKey', k), key);
    await page.goto(`${h.url}/studio/#/${route}`, { timeout: 60_000 });
    return { page, refused };
  }

  /** What the inspector offers `key` on the paused run, and on the live one. */
  async function offered(key: string) {
    const { page, refused } = await openWith(key, `playground/${paused.conversation}?run=${paused.run}`);
    const controls = page.getByRole('region', { name: 'Step controls' });
    await controls.getByText('Paused after planning.').waitFor();
    const buttons = async (scope: typeof controls) =>
      (await scope.getByRole('button').allTextContents()).filter((b) => ['Step', 'Continue', 'Cancel run'].includes(b));
    const onPaused = await buttons(controls);
    const note = await controls.getByText(NOTE).count();
    const switches = await page.getByRole('switch', { name: /Step mode|Review plan/ }).count();
    // The chat's line under the paused turn: where to step it, or who does.
    const chatNote = await page.getByText(/^Paused — /).textContent();

    await page.evaluate((r) => (location.hash = `#/${r}`), `playground/${live.conversation}?run=${live.run}`);
    const inspector = page.getByRole('region', { name: 'Run inspector' });
    await inspector.getByText(live.run.slice(0, 8)).waitFor();
    await inspector.getByText('Planning…').waitFor();
    const pause = await inspector.getByRole('button', { name: 'Pause' }).count();
    const nav = await page.getByRole('navigation', { name: 'Studio' }).getByRole('link').allTextContents();
    await page.context().close();
    return { onPaused, note, chatNote, switches, pause, playgroundListed: nav.includes('Playground'), refused };
  }

  it('offers an admin key Step, Continue, Cancel, Pause and the step-mode switches', async () => {
    expect(await offered(admin)).toEqual({
      onPaused: ['Step', 'Continue', 'Cancel run'],
      note: 0,
      chatNote: 'Paused — step it in the inspector.',
      switches: 2,
      pause: 1,
      playgroundListed: true,
      refused: [],
    });
  });

  it('offers a support key only Cancel, and no Playground in the navigation', async () => {
    expect(await offered(support)).toEqual({
      onPaused: ['Cancel run'],
      note: 1,
      chatNote: CHAT_NOTE,
      // Read-only: a support key does not write as the shopper, so there is no composer either.
      switches: 0,
      pause: 0,
      playgroundListed: false,
      refused: [],
    });
  });

  it("offers an integrator key none of the run controls on another key's runs, and the step-mode switches", async () => {
    expect(await offered(integrator)).toEqual({
      onPaused: [],
      note: 1,
      chatNote: CHAT_NOTE,
      // It starts step-mode and plan-review runs of its own.
      switches: 2,
      pause: 0,
      playgroundListed: true,
      refused: [],
    });
    // The paused run was left as it was, and the live one still plans.
    expect((await h.t.app.services.conversations.getRun(paused.run)).status).toBe('PAUSED');
    expect((await h.t.app.services.conversations.getRun(live.run)).status).toBe('RUNNING');
  });

  it('offers an integrator key Step, Continue and Cancel on the run it started, and steps it', async () => {
    const { page, refused } = await openWith(
      integrator,
      `playground/${integratorsOwn.conversation}?run=${integratorsOwn.run}`,
    );
    const controls = page.getByRole('region', { name: 'Step controls' });
    await controls.getByText('Paused after planning.').waitFor();
    // Asked of the server for this run: the buttons follow its answer.
    await controls.getByRole('button', { name: 'Step', exact: true }).waitFor();
    expect(
      (await controls.getByRole('button').allTextContents()).filter((b) =>
        ['Step', 'Continue', 'Cancel run'].includes(b),
      ),
    ).toEqual(['Step', 'Continue', 'Cancel run']);
    expect(await controls.getByText(NOTE).count()).toBe(0);
    expect(await page.getByText(/^Paused — /).textContent()).toBe('Paused — step it in the inspector.');
    await controls.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByRole('region', { name: 'Run inspector' }).getByText('completed', { exact: true }).first().waitFor();
    expect((await waitForRun(h.t.app, integratorsOwn.run)).status).toBe('COMPLETED');
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
