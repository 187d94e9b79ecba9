import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../server/src/domain/events.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const message = (conversationId: string, text: string): NewEvent => ({
  type: 'MESSAGE',
  conversationId,
  data: { role: 'user', text },
});

describe('EventLog.appendChecked', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.services.runs.stop();
  });
  afterAll(() => t.close());

  const texts = async (conversationId: string) =>
    (await t.app.services.eventStore.list({ conversationId })).map((e) => e.type === 'MESSAGE' && e.data.text);

  it('checks again when another write lands between its check and its write, then stores after it', async () => {
    const { conversations, events, runRepository } = t.app.services;
    const { conversation } = await conversations.start({});
    const c = conversation.id;
    let checks = 0;
    await events.appendChecked([message(c, 'checked')], async () => {
      checks++;
      // Another replica's write, committed after this check read the conversation.
      if (checks === 1) await runRepository.append([message(c, 'meanwhile')]);
    });
    expect(checks).toBe(2);
    expect(await texts(c)).toEqual(['meanwhile', 'checked']);
  });

  it('stores nothing when the check, run again, refuses what the other write stored', async () => {
    const { conversations, events, runRepository } = t.app.services;
    const { conversation } = await conversations.start({});
    const c = conversation.id;
    const made = events.appendChecked([message(c, 'second')], async () => {
      if ((await texts(c)).includes('first')) throw new Error('made already');
      await runRepository.append([message(c, 'first')]);
    });
    await expect(made).rejects.toThrow('made already');
    expect(await texts(c)).toEqual(['first']);
  });
});
