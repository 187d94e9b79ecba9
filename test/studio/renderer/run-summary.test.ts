import { describe, expect, it } from 'vitest';
import { runIdsOf, summarizeRun } from '../../../studio/src/renderer/lib/run-summary.js';
import { ev, plan } from './event-fixtures.js';

describe('summarizeRun', () => {
  const planned = plan([
    { id: 't1', agent: 'ReturnsAgent' },
    { id: 't2', agent: 'UpsellAgent' },
  ]);

  it('follows a step-mode run through pause, edit and step', () => {
    const events = [
      ev('MESSAGE', { role: 'user', text: 'return shoes, and a blender?' }, { runId: null, id: '1' }),
      ev('RUN_STARTED', { mode: 'STEP', messageEventId: 1 }),
      ev('PLAN', { plan: planned, source: 'planner', attempts: 1 }),
      ev('RUN_PAUSED', { nextTaskIds: ['t1'], pauseReason: 'planned' }),
    ];
    expect(summarizeRun(events, 'r1')).toMatchObject({
      mode: 'STEP',
      state: 'paused',
      nextTaskIds: ['t1'],
      pauseReason: 'planned',
      question: 'return shoes, and a blender?',
      taskStates: { t1: 'pending', t2: 'pending' },
    });

    const edited = plan([
      { id: 't1', agent: 'ReturnsAgent' },
      { id: 't2', agent: 'ProductExpertAgent' },
    ]);
    events.push(ev('PLAN', { plan: edited, source: 'edit', attempts: 1 }));
    events.push(ev('TASK_STARTED', { statusMessage: 's', instruction: 'i' }, { taskId: 't1' }));
    events.push(ev('TASK_COMPLETED', { output: 'ok', durationMs: 3 }, { taskId: 't1' }));
    events.push(ev('RUN_PAUSED', { nextTaskIds: ['t2'], pauseReason: 'before_task' }));
    const s = summarizeRun(events, 'r1')!;
    expect(s.planSource).toBe('edit');
    expect(s.planVersions).toBe(2);
    expect(s.plan?.tasks[1]?.agent).toBe('ProductExpertAgent');
    expect(s).toMatchObject({ state: 'paused', nextTaskIds: ['t2'], taskStates: { t1: 'completed', t2: 'pending' } });

    events.push(ev('TASK_STARTED', { statusMessage: 's', instruction: 'i' }, { taskId: 't2' }));
    expect(summarizeRun(events, 'r1')).toMatchObject({ state: 'running', nextTaskIds: [], pauseReason: null });
  });

  it('returns null for a run it has not seen start, and lists runs in order', () => {
    expect(summarizeRun([], 'nope')).toBeNull();
    const events = [
      ev('RUN_STARTED', { mode: 'AUTO' }, { runId: 'a' }),
      ev('RUN_STARTED', { mode: 'AUTO' }, { runId: 'b' }),
    ];
    expect(runIdsOf(events)).toEqual(['a', 'b']);
  });
});
