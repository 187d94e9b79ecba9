import { useEffect, useRef, useState } from 'react';
import { useRunControls } from '../inspector/use-run-controls.js';
import type { StudioEvent } from '../lib/baton-event.js';
import { conversationTurns } from '../lib/conversation-turns.js';
import { MarkdownText } from '../ui/markdown-text.js';
import { Switch } from '../ui/switch.js';
import { ToolCardView } from './tool-card-view.js';

/**
 * The shopper's side: the transcript with status messages as they arrive, the answer streaming in, and the
 * composer (none without `onSend`: credentials that do not write as the shopper read the conversation). Step mode
 * starts the run paused after planning.
 */
export function ChatPanel(props: {
  events: readonly StudioEvent[];
  selectedRunId: string | null;
  onSelectRun(runId: string): void;
  onSend?(text: string): Promise<boolean>;
  sending: boolean;
  step: boolean;
  /** Without it (credentials that may not drive runs by hand), no Step mode or Review plan switch is offered. */
  onStepChange?(on: boolean): void;
  /** AUTO runs pause once planned, for the plan to be reviewed (step mode pauses anyway). */
  review: boolean;
  onReviewChange?(on: boolean): void;
}) {
  const [text, setText] = useState('');
  const turns = conversationTurns(props.events);
  const log = useRef<HTMLDivElement>(null);
  const eventCount = props.events.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever new events arrive
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [eventCount]);

  const send = async () => {
    const value = text.trim();
    if (!value || !props.onSend) return;
    if (await props.onSend(value)) setText('');
  };

  return (
    <section className="chat" aria-label="Chat">
      <div className="chat-log scroll" ref={log} role="log" aria-live="polite" aria-label="Conversation">
        {turns.length === 0 && (
          <p className="muted chat-empty">
            {props.onSend ? 'Send a message as a shopper to start a run.' : 'No messages yet.'}
          </p>
        )}
        {turns.map((t) =>
          t.kind === 'user' ? (
            <div key={t.key} className="bubble bubble-user">
              {t.text}
            </div>
          ) : (
            <div key={t.key} className={`run-turn ${t.runId === props.selectedRunId ? 'run-turn-selected' : ''}`}>
              <button
                type="button"
                className="run-turn-link"
                onClick={() => props.onSelectRun(t.runId)}
                aria-pressed={t.runId === props.selectedRunId}
              >
                Run {t.runId.slice(0, 8)} · {t.state}
              </button>
              {t.steps.length > 0 && (
                <ul className="status-steps">
                  {t.steps.map((s) => (
                    <li key={`${s.taskId}-${s.message}`} className={`status-step status-${s.state}`}>
                      <span className="status-icon" aria-hidden="true" />
                      {s.message}
                    </li>
                  ))}
                </ul>
              )}
              {t.cards.length > 0 && (
                <section className="shopper-cards" aria-label="What the shopper is shown">
                  {t.cards.map((c) => (
                    <ToolCardView key={c.id} card={c} onSend={props.onSend} />
                  ))}
                </section>
              )}
              {t.reply !== null ? (
                <div className="bubble bubble-assistant" data-testid="final-reply">
                  <MarkdownText text={t.reply} />
                </div>
              ) : (
                t.parts.map((p) => (
                  <div key={p.taskId} className="bubble bubble-assistant bubble-streaming">
                    <span className="bubble-agent">{p.agentName}</span>
                    {p.done ? <MarkdownText text={p.text} /> : p.text}
                    {!p.done && <span className="caret" aria-hidden="true" />}
                  </div>
                ))
              )}
              {t.state === 'paused' && <PausedNote runId={t.runId} />}
              {t.state === 'running' && t.reply === null && t.parts.length === 0 && (
                <p className="run-note">
                  <span className="spinner" aria-hidden="true" /> Working…
                </p>
              )}
              {t.error && <p className="run-note run-note-red">{t.error}</p>}
            </div>
          ),
        )}
      </div>
      {props.onSend && (
        <form
          className="composer"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <label htmlFor="composer-text" className="sr-only">
            Message
          </label>
          <textarea
            id="composer-text"
            rows={2}
            placeholder="Message as a shopper…"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void send();
              }
            }}
          />
          <div className="composer-bar">
            {props.onStepChange && (
              <Switch label="Step mode" showLabel checked={props.step} onChange={props.onStepChange} />
            )}
            {props.onReviewChange && (
              <Switch
                label="Review plan"
                showLabel
                checked={props.review && !props.step}
                disabled={props.step}
                onChange={props.onReviewChange}
              />
            )}
            <button type="submit" className="btn btn-primary" disabled={props.sending || !text.trim()}>
              {props.sending ? 'Sending…' : 'Send'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Under a paused turn: where to step it, for credentials that may drive this run; else who does. */
function PausedNote({ runId }: { runId: string }) {
  const { drives } = useRunControls(runId);
  return (
    <p className="run-note run-note-amber">
      {drives
        ? 'Paused — step it in the inspector.'
        : 'Paused — a designer steps or continues it, with an admin key, or the integrator key that started it.'}
    </p>
  );
}
