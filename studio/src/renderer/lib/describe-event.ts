import type { StudioEvent } from './baton-event.js';
import { refusalLine, storeRefusal } from './store-refusal.js';

const clip = (s: string, n = 140) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One line saying what an event means, for the timeline and the live feed. */
export function describeEvent(e: StudioEvent): string {
  switch (e.type) {
    case 'RUN_STARTED':
      return `Run started (${e.data.mode.toLowerCase()} mode)`;
    case 'PLAN': {
      const tasks = e.data.plan.tasks.map((t) => `${t.id} → ${t.agent}`).join(', ');
      if (e.data.source === 'edit') return `Plan edited: ${tasks}`;
      if (e.data.source === 'refusal' || e.data.plan.refuse) return 'Planner refused the request';
      if (e.data.source === 'fallback') return `Fell back to the default agent: ${tasks}`;
      return `Planned ${e.data.plan.tasks.length} task${e.data.plan.tasks.length === 1 ? '' : 's'}: ${tasks}`;
    }
    case 'TASK_STARTED':
      return e.data.statusMessage;
    case 'MESSAGE_DELTA':
      return clip(e.data.delta);
    case 'MESSAGE':
      if (e.data.role === 'human') return `${e.data.author ?? 'Colleague'} (person): ${clip(e.data.text)}`;
      return `${e.data.role === 'user' ? 'User' : e.data.final ? 'Final reply' : 'Assistant'}: ${clip(e.data.text)}`;
    case 'TOOL_CALL': {
      if (e.data.toolErrorCode === 'CONFIRMATION_REQUIRED') return `Held ${e.data.tool} for the shopper's yes`;
      const refusal = storeRefusal(e.data.refusalReason, e.data.refusalFacts);
      if (refusal) return `The store refused ${e.data.tool}: ${clip(refusalLine(refusal), 120)}`;
      return `${e.data.refused ? 'Refused' : 'Called'} ${e.data.tool}${e.data.consented ? ' (the shopper said yes)' : ''}${e.data.toolError ? ` — ${clip(e.data.toolError, 80)}` : ''}`;
    }
    case 'HANDOFF':
      return `Handed off ${e.data.from} → ${e.data.to}: ${clip(e.data.reason, 80)}`;
    case 'TASK_COMPLETED':
      return `Task completed: ${clip(e.data.output, 100)}`;
    case 'TASK_FAILED':
      return `Task failed (${e.data.code}): ${clip(e.data.error, 100)}`;
    case 'RUN_PAUSED':
      return e.data.pauseReason === 'planned'
        ? `Paused after planning; next: ${e.data.nextTaskIds.join(', ') || '—'}`
        : `Paused before ${e.data.nextTaskIds.join(', ')}`;
    case 'RUN_RESUMED':
      return `Resumed by ${e.data.owner} from ${e.data.fromTaskIds.join(', ') || 'the start'}`;
    case 'RUN_COMPLETED':
      return `Run completed: ${clip(e.data.reply, 100)}`;
    case 'RUN_FAILED':
      return `Run failed (${e.data.code}): ${clip(e.data.reason, 100)}`;
    case 'RUN_CANCELLED':
      return `Run cancelled: ${e.data.reason}`;
    case 'HUMAN_REQUESTED':
      return `A person was asked for by ${e.data.by}: ${clip(e.data.reason, 100)}`;
    case 'HUMAN_JOINED':
      return `${e.data.human} joined the conversation`;
    case 'HANDED_BACK':
      return `${e.data.human} handed the conversation back to the bot${e.data.note ? `: ${clip(e.data.note, 80)}` : ''}`;
    case 'RESOLVED':
      return `Resolved by ${e.data.by}`;
    case 'HUMAN_REQUEST_WITHDRAWN':
      return `Request for a person withdrawn by ${e.data.by === 'shopper' ? 'the shopper' : e.data.by}${e.data.via === 'message' ? ' (in the chat)' : ''}`;
    case 'SUGGESTION':
      return `Suggested reply: ${clip(e.data.text, 100)}`;
    case 'IDENTITY':
      if (e.data.codeRefused) return `Verification code refused (${e.data.codeRefused.reason})`;
      return `Identity: ${e.data.level}${e.data.method ? ` by ${e.data.method.replace('_', ' ')}` : ''}${e.data.customerId ? ` (${e.data.customerId})` : ''}`;
  }
}

/** The duration an event reports itself (tool calls, tasks, runs), if any. */
export function eventDuration(e: StudioEvent): number | null {
  if (e.type === 'TOOL_CALL' || e.type === 'TASK_COMPLETED' || e.type === 'RUN_COMPLETED') return e.data.durationMs;
  return null;
}
