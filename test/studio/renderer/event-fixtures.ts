import type { StudioEvent } from '../../../studio/src/renderer/lib/baton-event.js';

let seq = 0;
const t0 = Date.parse('2026-05-01T10:00:00.000Z');

/** A stored (or, with id null, streamed) event for the renderer's folds. */
export function ev<T extends StudioEvent['type']>(
  type: T,
  data: Extract<StudioEvent, { type: T }>['data'],
  extra: Partial<Omit<StudioEvent, 'type' | 'data'>> = {},
): StudioEvent {
  seq++;
  return {
    id: type === 'MESSAGE_DELTA' ? null : String(seq),
    type,
    conversationId: 'c1',
    runId: 'r1',
    taskId: null,
    agentName: null,
    createdAt: new Date(t0 + seq * 10).toISOString(),
    data,
    ...extra,
  } as StudioEvent;
}

export const plan = (tasks: { id: string; agent: string; dependsOn?: string[] }[]) => ({
  refuse: false,
  tasks: tasks.map((t) => ({ instruction: `do ${t.id}`, statusMessage: `Working on ${t.id}…`, dependsOn: [], ...t })),
});
