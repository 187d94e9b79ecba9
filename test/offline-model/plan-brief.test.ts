import { describe, expect, it } from 'vitest';
import { planFromBrief } from '../../offline-model/src/offline-planner.js';
import { readPlanBrief } from '../../offline-model/src/plan-brief.js';
import { planRequest } from './requests.js';

describe('readPlanBrief', () => {
  it("plans the shopper's latest message after a support colleague's reply, and keeps the colleague out of follow-ups", () => {
    const request = planRequest([
      { role: 'user', text: 'Your system double-charged me! I want to talk to a person.' },
      {
        role: 'assistant',
        text: 'I have opened a ticket; a colleague will follow up.',
        agentName: 'HumanTransferAgent',
      },
      { role: 'user', text: 'Is a person there yet?' },
      {
        role: 'human',
        text: 'The refund reaches your card within 5 business days. Anything else I can do?',
        author: 'Dana',
      },
      { role: 'user', text: 'One more thing: what is your return policy?' },
    ]);
    const brief = readPlanBrief(request);
    expect(brief.message).toBe('One more thing: what is your return policy?');
    expect(brief.history.map((h) => [h.role, h.agentName])).toEqual([
      ['user', undefined],
      ['assistant', 'HumanTransferAgent'],
      ['user', undefined],
      ['assistant', 'a support colleague, Dana'],
      ['user', undefined],
    ]);
    const agents = planFromBrief(brief).tasks.map((t) => t.agent);
    expect(agents).not.toContain('HumanTransferAgent');
    expect(agents).toHaveLength(1);
  });

  it("still skips the caller's own retry note after an assistant message without an author", () => {
    const request = planRequest('Where is my order #W2611340?');
    request.messages.push(
      { role: 'assistant', content: '{"tasks": []}' },
      { role: 'user', content: 'That plan was invalid: name an agent.' },
    );
    expect(readPlanBrief(request).message).toBe('Where is my order #W2611340?');
  });
});
