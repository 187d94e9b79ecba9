import type { StudioEvent } from '../../../studio/src/renderer/lib/baton-event.js';

/** A data shape as the tests write it: no `__typename`, and the fields the schema lets be null may be left out. */
type Written<D> = { [K in keyof D as K extends '__typename' ? never : null extends D[K] ? never : K]: D[K] } & {
  [K in keyof D as K extends '__typename' ? never : null extends D[K] ? K : never]?: D[K];
};

/** `RUN_STARTED` → `RunStartedData`, the schema's name for the type's data. */
const typename = (type: string) =>
  `${type
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}Data`;

let seq = 0;
const t0 = Date.parse('2026-05-01T10:00:00.000Z');

/** A stored (or, with id null, streamed) event for the renderer's folds. */
export function ev<T extends StudioEvent['type']>(
  type: T,
  data: Written<Extract<StudioEvent, { type: T }>['data']>,
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
    data: { __typename: typename(type), ...data },
    ...extra,
  } as unknown as StudioEvent; // `data` as written: the fields left out read undefined where the server sends null.
}

export const plan = (tasks: { id: string; agent: string; dependsOn?: string[] }[]) => ({
  refuse: false,
  tasks: tasks.map((t) => ({ instruction: `do ${t.id}`, statusMessage: `Working on ${t.id}…`, dependsOn: [], ...t })),
});

/** What the store would say of a cancellation held for the shopper's yes (TOOL_CALL `change`). */
export const heldCancelChange = { title: 'Cancel order #W1', lines: ['Skateboard: $10.00', 'Refund $10.00 to PayPal'] };

/** A TOOL_CALL of `store.cancel_pending_order` for order #W1 in run `runId`: held, made, or anything `data` says. */
export const cancelCall = (runId: string, data: Record<string, unknown>) =>
  ev(
    'TOOL_CALL',
    { tool: 'store.cancel_pending_order', arguments: { order_id: '#W1' }, durationMs: 1, ...data },
    { runId, agentName: 'OrderManagementAgent' },
  );
