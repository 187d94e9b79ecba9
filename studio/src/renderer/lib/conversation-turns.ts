import {
  type ChangeCard,
  heldChangeCard,
  narrowsSearch,
  orderCardsKept,
  type ToolCard,
  toolCard,
} from '@baton/client/tool-cards';
import type { StudioEvent } from './baton-event.js';

export interface StatusStep {
  taskId: string;
  agent: string;
  message: string;
  state: 'running' | 'done' | 'failed';
}

export type Turn =
  | { kind: 'user'; key: string; text: string; createdAt: string }
  | {
      kind: 'run';
      key: string;
      runId: string;
      state: 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
      steps: StatusStep[];
      /** Task answers as they stream in (deltas, then the stored message), in order of arrival. */
      parts: { taskId: string; agentName: string; text: string; done: boolean }[];
      reply: string | null;
      error: string | null;
      /**
       * What the shopper is shown beside the answer, as the storefront widget draws it: products, orders, forms, and
       * a change held for their yes. A form or a change is `answered` once the shopper wrote again; a change is
       * `done` once the call they agreed to was made.
       */
      cards: (
        | (ToolCard & { id: string; answered: boolean })
        | (ChangeCard & { id: string; answered: boolean; done: boolean })
      )[];
    };

type RunTurn = Extract<Turn, { kind: 'run' }>;

/**
 * Folds a conversation's events (stored ones and streamed MESSAGE_DELTAs) into what the chat shows: the
 * shopper's messages, and per run its status messages, the streaming answer and the final reply.
 */
export function conversationTurns(events: readonly StudioEvent[]): Turn[] {
  const turns: Turn[] = [];
  const runs = new Map<string, RunTurn>();
  const runOf = (runId: string): RunTurn => {
    let run = runs.get(runId);
    if (!run) {
      run = {
        kind: 'run',
        key: `run-${runId}`,
        runId,
        state: 'running',
        steps: [],
        parts: [],
        reply: null,
        error: null,
        cards: [],
      };
      runs.set(runId, run);
      turns.push(run);
    }
    return run;
  };
  const part = (run: RunTurn, taskId: string, agentName: string) => {
    let p = run.parts.find((x) => x.taskId === taskId);
    if (!p) {
      p = { taskId, agentName, text: '', done: false };
      run.parts.push(p);
    }
    return p;
  };

  for (const e of events) {
    if (e.type === 'MESSAGE' && e.data.role === 'user') {
      for (const run of runs.values()) for (const card of run.cards) card.answered = true;
      turns.push({ kind: 'user', key: `msg-${e.id}`, text: e.data.text, createdAt: e.createdAt });
      continue;
    }
    if (!e.runId) continue;
    const run = runOf(e.runId);
    switch (e.type) {
      case 'TASK_STARTED':
        run.steps.push({
          taskId: e.taskId ?? '',
          agent: e.agentName ?? '',
          message: e.data.statusMessage,
          state: 'running',
        });
        run.state = 'running';
        break;
      case 'TASK_COMPLETED':
      case 'TASK_FAILED': {
        const step = run.steps.find((s) => s.taskId === e.taskId);
        if (step) step.state = e.type === 'TASK_COMPLETED' ? 'done' : 'failed';
        break;
      }
      case 'MESSAGE_DELTA':
        if (e.taskId) part(run, e.taskId, e.agentName ?? '').text += e.data.delta;
        break;
      case 'MESSAGE':
        if (e.data.final) run.reply = e.data.text;
        else if (e.taskId) Object.assign(part(run, e.taskId, e.agentName ?? ''), { text: e.data.text, done: true });
        break;
      case 'TOOL_CALL': {
        const held = heldChangeCard(e.data);
        if (held) {
          run.cards.push({ ...held, id: `change-${e.id ?? e.data.callId}`, answered: false, done: false });
          break;
        }
        if (e.data.consented && !e.data.toolError) {
          const proposed = [...runs.values()]
            .flatMap((r) => r.cards)
            .findLast((c) => c.kind === 'change' && c.tool === e.data.tool);
          if (proposed?.kind === 'change') proposed.done = true;
        }
        const card = e.data.toolError || e.data.refused ? null : toolCard(e.data.tool, e.data.toolOutput);
        // A search asked again with more words replaces the card of the one it narrows (narrowsSearch).
        if (card?.kind === 'products')
          run.cards = run.cards.filter((c) => !(c.kind === 'products' && narrowsSearch(card.query, c.query)));
        // A change answers with the order after it: it redraws the run's card of that order, in place.
        const earlier =
          card?.kind === 'order'
            ? run.cards.findIndex((c) => c.kind === 'order' && c.order.orderId === card.order.orderId)
            : -1;
        if (card && earlier >= 0) run.cards[earlier] = { ...card, id: run.cards[earlier]!.id, answered: false };
        else if (card) run.cards.push({ ...card, id: `card-${e.id ?? e.data.callId}`, answered: false });
        break;
      }
      case 'RUN_PAUSED':
        run.state = 'paused';
        break;
      case 'RUN_RESUMED':
        run.state = 'running';
        break;
      case 'RUN_COMPLETED':
        run.state = 'completed';
        run.reply ??= e.data.reply;
        break;
      case 'RUN_FAILED':
        run.state = 'failed';
        run.error = e.data.message;
        break;
      case 'RUN_CANCELLED':
        run.state = 'cancelled';
        run.error = e.data.reason;
        break;
      default:
        break;
    }
  }
  for (const run of runs.values()) {
    const answer = run.reply ?? run.parts.map((p) => p.text).join('\n');
    const orders = run.cards.filter(
      (c): c is Extract<RunTurn['cards'][number], { kind: 'order' }> => c.kind === 'order',
    );
    const kept = orderCardsKept(orders, answer);
    run.cards = run.cards.filter((c) => c.kind !== 'order' || kept.has(c.id));
  }
  return turns;
}
