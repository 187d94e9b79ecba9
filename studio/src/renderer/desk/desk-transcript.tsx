import { heldChangeCard } from '@baton/client/tool-cards';
import type { StudioEvent, StudioEventOf } from '../lib/baton-event.js';
import { describeEvent } from '../lib/describe-event.js';
import { formatClock } from '../lib/format.js';
import { refusalLine, storeRefusal } from '../lib/store-refusal.js';
import { ChangeLines } from '../ui/change-lines.js';
import { type DeskProposal, madeProposals, proposalKey, suggestionProposals } from './proposals.js';

const MARKERS = new Set(['HUMAN_REQUESTED', 'HUMAN_JOINED', 'HANDED_BACK', 'RESOLVED', 'HUMAN_REQUEST_WITHDRAWN']);

/**
 * A call held for the shopper's yes, as the store described it; a tool no rehearsal describes (an external server's)
 * by its name and arguments, so that the colleague sees it, and can make it, all the same.
 */
function heldChange(data: StudioEventOf<'TOOL_CALL'>['data']): { tool: string; title: string; lines: string[] } | null {
  if (data.madeBy || data.toolErrorCode !== 'CONFIRMATION_REQUIRED') return null;
  return heldChangeCard(data) ?? { tool: data.tool, title: data.tool, lines: [JSON.stringify(data.arguments ?? {})] };
}

/** The store's reason in words with its facts, or its message when it gave no reason. */
function refusedBecause(data: StudioEventOf<'TOOL_CALL'>['data']): string {
  const refusal = storeRefusal(data.refusalReason, data.refusalFacts);
  return refusal ? refusalLine(refusal) : (data.toolError ?? '');
}

/**
 * The conversation as the colleague reads it: the shopper's messages, each agent's (attributed, with its
 * run one click away), colleagues' replies, the changes the shopper was asked to agree to (as the store
 * described them, each with a button to make it when `onMake` is given: the colleague owns the
 * conversation), the changes colleagues made, and the hand-off markers. Final replies repeat their parts.
 * A change agent assist proposed stays here, to be made, once a later message replaced its suggestion
 * (`current`, shown beside the transcript): the shopper's "yes" to it brings a suggestion of its own.
 */
export function DeskTranscript(props: {
  conversationId: string;
  events: readonly StudioEvent[];
  onMake?: (proposal: DeskProposal) => void;
  /** The suggestion shown beside the transcript, with its own proposals. */
  current?: string;
}) {
  const made = madeProposals(props.events);
  const shown = props.events.filter(
    (e) =>
      (e.type === 'MESSAGE' && !e.data.final) ||
      MARKERS.has(e.type) ||
      (e.type === 'TOOL_CALL' && (heldChange(e.data) || e.data.madeBy || (e.data.consented && !e.data.toolError))) ||
      (e.type === 'SUGGESTION' &&
        e.id !== props.current &&
        suggestionProposals(e).some((p) => !made.has(proposalKey(p)))),
  );
  // The change a consented call made is named by the title of the proposal it answered.
  const proposedTitle = new Map<string, string>();
  return (
    <ol className="chat-log desk-transcript" aria-label="Transcript">
      {shown.map((e) => {
        if (e.type === 'TOOL_CALL') {
          const held = heldChange(e.data);
          if (held) proposedTitle.set(held.tool, held.title);
          const title = e.data.change?.title ?? proposedTitle.get(e.data.tool) ?? e.data.tool;
          const proposal =
            held && e.id
              ? { eventId: e.id, index: 0, tool: e.data.tool, arguments: e.data.arguments, change: e.data.change }
              : null;
          return (
            <li key={e.id ?? e.data.callId} className="desk-marker desk-change">
              {held ? (
                <>
                  Asked the shopper to agree to: <strong>{held.title}</strong> · {formatClock(e.createdAt)}
                  <ChangeLines lines={held.lines} />
                  {props.onMake && proposal && !made.has(proposalKey(proposal)) && (
                    <button type="button" className="btn btn-sm" onClick={() => props.onMake?.(proposal)}>
                      Make this change…
                    </button>
                  )}
                </>
              ) : e.data.madeBy ? (
                e.data.toolError ? (
                  <>
                    {e.data.madeBy} could not make: <strong>{title}</strong> · {formatClock(e.createdAt)}
                    <span className="cell-sub">The store refused: {refusedBecause(e.data)}</span>
                  </>
                ) : (
                  <>
                    Made by {e.data.madeBy}: <strong>{title}</strong> · {formatClock(e.createdAt)}
                    {e.data.change && <ChangeLines lines={e.data.change.lines} />}
                  </>
                )
              ) : (
                <>
                  Done after the shopper's yes: {title} · {formatClock(e.createdAt)}
                </>
              )}
            </li>
          );
        }
        if (e.type === 'SUGGESTION')
          return (
            <li key={e.id} className="desk-marker desk-change">
              Agent assist proposed (not done, not shown to the shopper) · {formatClock(e.createdAt)}
              <ul className="desk-proposals">
                {suggestionProposals(e)
                  .filter((p) => !made.has(proposalKey(p)))
                  .map((p) => (
                    <li key={proposalKey(p)}>
                      <strong>{p.change?.title ?? p.tool}</strong>
                      {p.change && <ChangeLines lines={p.change.lines} />}
                      {props.onMake && (
                        <button type="button" className="btn btn-sm" onClick={() => props.onMake?.(p)}>
                          Make this change…
                        </button>
                      )}
                    </li>
                  ))}
              </ul>
            </li>
          );
        if (e.type !== 'MESSAGE')
          return (
            <li key={e.id ?? describeEvent(e)} className="desk-marker">
              {describeEvent(e)} · {formatClock(e.createdAt)}
            </li>
          );
        const who =
          e.data.role === 'user'
            ? 'Shopper'
            : e.data.role === 'human'
              ? `${e.data.author ?? 'Colleague'} (person)`
              : (e.agentName ?? 'Assistant');
        return (
          <li
            key={e.id}
            className={`bubble ${e.data.role === 'user' ? 'bubble-user' : e.data.role === 'human' ? 'bubble-human' : 'bubble-assistant'}`}
          >
            <span className="bubble-agent">
              {who}
              {e.runId && e.data.role === 'assistant' && (
                <>
                  {' · '}
                  <a href={`#/playground/${props.conversationId}?run=${encodeURIComponent(e.runId)}`}>run details</a>
                </>
              )}
            </span>
            {e.data.text}
          </li>
        );
      })}
    </ol>
  );
}
