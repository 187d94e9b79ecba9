import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, type StudioHarness, startStudio, studioBuilds } from './studio-harness.js';

interface StartResult {
  startConversation: { conversation: { id: string } };
}

describe.skipIf(!hasChromium).each(studioBuilds)('studio e2e (%s build): step mode, runs, live feed', (build) => {
  let h: StudioHarness;
  let stepRunId = '';
  let conversationOfStepRun = '';
  beforeAll(async () => {
    h = await startStudio(build);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A conversation started outside the studio (as a storefront would), with one message. */
  const converseElsewhere = async (text: string) => {
    const started = await h.t.gql<StartResult>('mutation { startConversation { conversation { id } } }');
    const id = started.data!.startConversation.conversation.id;
    await h.t.gql('mutation($id: ID!, $text: String!) { sendMessage(conversationId: $id, text: $text) { id } }', {
      id,
      text,
    });
    return id;
  };

  it('pauses a step-mode run, reassigns a task, steps through and shows the edit and the reply', async () => {
    const { page } = h;
    await h.open('playground');
    await page
      .getByRole('textbox', { name: 'Message', exact: true })
      .fill('I want to return the shoes from order #W2378156, and also what goes well with a blender?');
    await page.getByRole('switch', { name: 'Step mode' }).check();
    await page.getByRole('button', { name: 'Send' }).click();

    const controls = page.getByRole('region', { name: 'Step controls' });
    await controls.getByText('Paused after planning.').waitFor();
    // The first message created the conversation; step mode stays on for it.
    await page.waitForURL(/#\/playground\/[0-9a-f-]{36}/);
    expect(await page.getByRole('switch', { name: 'Step mode' }).isChecked()).toBe(true);
    const plan = await h.t.gql<{ runs: { id: string; status: string; tasks: { id: string; agent: string }[] }[] }>(
      '{ runs(first: 1) { id status tasks { id agent } } }',
    );
    const run = plan.data!.runs[0]!;
    stepRunId = run.id;
    conversationOfStepRun = page.url().match(/playground\/([0-9a-f-]{36})/)![1]!;
    expect(run.status).toBe('PAUSED');
    expect(run.tasks.map((t) => t.agent)).toEqual(['ReturnsAgent', 'UpsellAgent']);

    // Reassign t2 while paused.
    await controls.getByLabel('Agent for t2').selectOption('ProductExpertAgent');
    await controls.getByRole('button', { name: 'Apply edit' }).click();
    // The plan's table (an edit adds the plan versions' diff table below it).
    const table = page.getByRole('table').first();
    await expect.poll(() => table.locator('tr', { hasText: 't2' }).textContent()).toContain('ProductExpertAgent');
    await page.getByText('Source: edit').waitFor();
    // The designer is told that the offline provider answers, and that it is no language model.
    const note = page.getByRole('note', { name: 'Model provider' });
    expect(await note.textContent()).toContain('rule-based stand-in');
    expect(await note.textContent()).toContain('not a language model');
    await page.getByRole('region', { name: 'Run inspector' }).getByText('offline rule-based stand-in').waitFor();
    expect(await table.locator('tr', { hasText: 't1' }).textContent()).toContain('offline-rules');
    await h.screenshot('step-mode');

    // Step runs t1, then the run pauses before t2.
    await controls.getByRole('button', { name: 'Step', exact: true }).click();
    await page.getByRole('region', { name: 'Step controls' }).getByText('Paused before the next task.').waitFor();
    expect(await table.locator('tr', { hasText: 't1' }).textContent()).toContain('completed');
    await page
      .getByRole('region', { name: 'Step controls' })
      .getByRole('button', { name: 'Step', exact: true })
      .click();
    await page.getByTestId('final-reply').waitFor();
    await expect.poll(() => table.locator('tr', { hasText: 't2' }).textContent()).toContain('completed');

    await page.getByRole('tab', { name: /Timeline/ }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('Plan edited: t1 → ReturnsAgent, t2 → ProductExpertAgent').waitFor();
    await timeline.getByText(/^Final reply:/).waitFor();
    await timeline.getByText('RUN_COMPLETED').waitFor();
    // ChatState over time, replayed by the server: at t1's start, ReturnsAgent's view of the history.
    await timeline.locator('li', { hasText: 'TASK_STARTED' }).first().getByRole('button').click();
    await page.getByRole('tab', { name: /ChatState/ }).click();
    const messages = page.getByRole('region', { name: 'Messages' });
    await messages.getByText('as ReturnsAgent sees them').waitFor();
    await messages.getByText('task t1').waitFor();
    await h.screenshot('chat-state');
    // The edited task really ran with the new agent.
    const events = await h.t.gql<{
      run: { events: { type: string; taskId: string | null; agentName: string | null }[] };
    }>('query($id: ID!) { run(id: $id) { events { type taskId agentName } } }', { id: stepRunId });
    expect(events.data!.run.events.find((e) => e.type === 'TASK_STARTED' && e.taskId === 't2')?.agentName).toBe(
      'ProductExpertAgent',
    );
  });

  it('lists runs with filters and opens one in the inspector', async () => {
    const { page } = h;
    await converseElsewhere('where is my order #W2378156?');
    await h.open('runs');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Agent').selectOption('ProductExpertAgent');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(stepRunId.slice(0, 8));
    await page.getByLabel('Agent').selectOption('');
    await page.getByLabel('Status').selectOption('COMPLETED');
    await expect.poll(() => rows.count()).toBe(2);
    await h.screenshot('runs');

    await page.getByLabel('Agent').selectOption('ProductExpertAgent');
    await expect.poll(() => rows.count()).toBe(1);
    // The row reads what the shopper asked, and a click anywhere on it (here: its agents) opens the run.
    expect(await rows.first().textContent()).toContain('“I want to return the shoes from order #W2378156');
    const agentsCell = await rows.first().locator('td').nth(2).boundingBox();
    await page.mouse.click(agentsCell!.x + agentsCell!.width / 2, agentsCell!.y + agentsCell!.height / 2);
    await page.waitForURL(new RegExp(`\\?run=${stepRunId}$`));
    await page.getByRole('region', { name: 'Run inspector' }).getByText(stepRunId.slice(0, 8)).waitFor();
  });

  it('shows events of a conversation started elsewhere in the live feed, with filters and pause', async () => {
    const { page } = h;
    await h.open('feed');
    const feed = page.getByRole('list', { name: 'Events' });
    // The feed starts live when it subscribes: retry until a whole conversation lands after that point
    // (its RUN_STARTED is in the feed, so every later event of it is too).
    const id = await seenInFeed(page, () => converseElsewhere('do you have running shoes in size 10?'), 'RUN_STARTED');
    await feed
      .locator('li', { hasText: 'RUN_COMPLETED' })
      .filter({ hasText: id.slice(0, 8) })
      .waitFor();
    expect(
      await feed
        .locator('li', { hasText: 'PLAN' })
        .filter({ hasText: id.slice(0, 8) })
        .count(),
    ).toBe(1);
    await h.screenshot('live-feed');

    // Type filter: only PLAN events.
    await page.getByRole('checkbox', { name: 'PLAN', exact: true }).check();
    const planned = await seenInFeed(page, () => converseElsewhere('where is my order #W2378156?'), 'PLAN');
    await page.waitForTimeout(300);
    const types = await feed.locator('.type-badge').allTextContents();
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['PLAN']));
    expect(await feed.textContent()).toContain(planned.slice(0, 8));

    // Pausing freezes the list; resuming shows what arrived meanwhile.
    await page.getByRole('button', { name: 'Pause' }).click();
    const before = await feed.locator('li').count();
    const whilePaused = await converseElsewhere('what goes well with a blender?');
    await page.getByText(/1 new while paused/).waitFor();
    expect(await feed.locator('li').count()).toBe(before);
    await page.getByRole('button', { name: 'Resume' }).click();
    await feed
      .locator('li')
      .filter({ hasText: whilePaused.slice(0, 8) })
      .waitFor();
  });

  it('cancels a paused run: the chat, the inspector, the timeline and the runs list all show it', async () => {
    const { page } = h;
    // Back to the step-mode conversation: its switch is still on, so the next message pauses too.
    await h.open(`playground/${conversationOfStepRun}`);
    const step = page.getByRole('switch', { name: 'Step mode' });
    await expect.poll(() => step.isChecked()).toBe(true);
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('where is my order #W2378156?');
    await page.getByRole('button', { name: 'Send' }).click();
    const controls = page.getByRole('region', { name: 'Step controls' });
    await controls.getByText('Paused after planning.').waitFor();
    await controls.getByRole('button', { name: 'Cancel run' }).click();

    const inspector = page.getByRole('region', { name: 'Run inspector' });
    await inspector.getByText(/^Cancelled \(cancelled by request\)/).waitFor();
    expect(await controls.count()).toBe(0);
    expect(await inspector.locator('.badge').first().textContent()).toMatch(/cancelled/i);
    const chat = page.getByRole('log', { name: 'Conversation' });
    await chat.locator('.run-turn').last().getByText('cancelled by request').waitFor();
    await page.getByRole('tab', { name: /Timeline/ }).click();
    await page.getByRole('list', { name: 'Timeline' }).getByText('Run cancelled: cancelled by request').waitFor();
    await h.screenshot('cancelled-run');
    // The switch is still on after the run, until the designer turns it off.
    expect(await step.isChecked()).toBe(true);
    await step.uncheck();
    await h.open('runs');
    await h.open(`playground/${conversationOfStepRun}`);
    await expect.poll(() => page.getByRole('switch', { name: 'Step mode' }).isChecked()).toBe(false);

    await h.open('runs');
    await page.getByLabel('Status').selectOption('CANCELLED');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/cancelled/i);
    await page.getByText('1 run in 1 conversation', { exact: true }).waitFor();
  });
});

/**
 * Starts conversations until one's `type` event shows up in the feed (the subscription may not be live
 * yet, or may have gone live in the middle of a conversation).
 */
async function seenInFeed(page: Page, start: () => Promise<string>, type: string): Promise<string> {
  const feed = page.getByRole('list', { name: 'Events' });
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = await start();
    try {
      await feed
        .locator('li', { hasText: type })
        .filter({ hasText: id.slice(0, 8) })
        .first()
        .waitFor({ timeout: 3_000 });
      return id;
    } catch {
      // not subscribed yet; try again
    }
  }
  throw new Error('the live feed showed none of the conversations');
}
