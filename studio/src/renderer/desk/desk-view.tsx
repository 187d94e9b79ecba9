import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type CombinedError, useMutation, useQuery } from 'urql';
import { useViewer } from '../connection/use-viewer.js';
import { errorSummary, toFormErrors } from '../graphql/field-errors.js';
import type { StudioEventOf } from '../lib/baton-event.js';
import { useConversationEvents } from '../playground/use-conversation-events.js';
import { useRouter } from '../shell/router.js';
import { ChangeLines } from '../ui/change-lines.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { EmptyState } from '../ui/empty-state.js';
import { currentOwner, handOffCount, type OwnerView } from './current-ownership.js';
import {
  ClaimMutation,
  DeskConversationQuery,
  HandBackMutation,
  MakeProposedChangeMutation,
  ResolveMutation,
  SendHumanMessageMutation,
} from './desk-documents.js';
import { DeskQueue } from './desk-queue.js';
import { DeskTranscript } from './desk-transcript.js';
import { type DeskProposal, madeProposals, proposalKey, suggestionProposals } from './proposals.js';
import { TicketEditor } from './ticket-editor.js';
import { TicketFinder } from './ticket-finder.js';
import { VerifyShopper } from './verify-shopper.js';

const NAME_KEY = 'baton.desk.name';

/** The desk: the live queue, a conversation with its shopper, the suggested reply, and claim / hand back / resolve. */
export function DeskView() {
  const { route, navigate } = useRouter();
  const selected = route.segments[1] ?? null;
  const [name, setName] = useState(() => localStorage.getItem(NAME_KEY) ?? '');
  useEffect(() => localStorage.setItem(NAME_KEY, name), [name]);
  // Who this colleague is on the desk: the name they typed, else their API key's (the name the server acts under).
  const viewer = useViewer();
  const me = name.trim() || viewer?.name || '';
  const [tick, setTick] = useState(0);
  const onQueueChange = useCallback(() => setTick((n) => n + 1), []);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Desk</h1>
          <p className="subtitle">Conversations handed to people, live.</p>
        </div>
        <div className="actions">
          <TicketFinder onOpen={(id) => navigate(`/desk/${id}`)} />
          <label className="inline-label">
            Your name
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Shown to shoppers" />
          </label>
        </div>
      </header>
      <div className="desk">
        <DeskQueue selected={selected} name={me} onSelect={(id) => navigate(`/desk/${id}`)} onChange={onQueueChange} />
        {selected ? (
          <DeskConversation key={selected} conversationId={selected} name={name.trim()} me={me} refresh={tick} />
        ) : (
          <div className="desk-empty">
            <EmptyState title="Pick a conversation">
              Claim it to reply; the bot stays quiet while you own it.
            </EmptyState>
          </div>
        )}
      </div>
    </div>
  );
}

function DeskConversation(props: {
  conversationId: string;
  /** The name typed, sent as `as`; empty: the API key's name. */
  name: string;
  /** The name the conversation's owner has when it is this colleague's. */
  me: string;
  refresh: number;
}) {
  const id = props.conversationId;
  const as = props.name || undefined;
  const [conversation, refetch] = useQuery({ query: DeskConversationQuery, variables: { id } });
  const { events } = useConversationEvents(id);
  const [, claim] = useMutation(ClaimMutation);
  const [, send] = useMutation(SendHumanMessageMutation);
  const [, handBack] = useMutation(HandBackMutation);
  const [, resolve] = useMutation(ResolveMutation);
  const [, makeChange] = useMutation(MakeProposedChangeMutation);
  const [confirming, setConfirming] = useState<DeskProposal | null>(null);
  const [takingOver, setTakingOver] = useState(false);
  const [resolvingOthers, setResolvingOthers] = useState<string | null>(null);
  const viewer = useViewer();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<Set<string>>(() => new Set());
  const log = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the conversation as it grows
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [events.length]);

  const handOffs = handOffCount(events);
  const handOffsNow = useRef(handOffs);
  handOffsNow.current = handOffs;
  // The answer of this colleague's last claim / hand back / resolve, until a later hand-off event.
  const [acted, setActed] = useState<{ owner: OwnerView; handOffs: number }>();
  // A code the shopper typed verified them: the customer panel shows who they are.
  const verifications = events.filter((e) => e.type === 'IDENTITY' && e.data.level === 'verified').length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: refetch the ticket and customer when ownership changes, the shopper is verified or the queue moves
  useEffect(() => refetch({ requestPolicy: 'network-only' }), [handOffs, verifications, props.refresh, refetch]);

  const ownership = conversation.data?.conversation.ownership;
  const owner = currentOwner(events, acted, ownership ?? undefined);
  const mine = owner?.state === 'HUMAN' && !!props.me && owner.human === props.me;
  // Another colleague is working on it: only an admin may resolve it (the server refuses a support colleague), and
  // only after saying so, since it ends the colleague's chat with the shopper.
  const othersOwn = owner?.state === 'HUMAN' && !mine ? (owner.human ?? 'Another colleague') : null;
  const admin = viewer === null || viewer?.role === 'admin';
  // The withdrawal a take-over names: the server takes it only while it is still the shopper's last word.
  const withdrawal = events.findLast((e) => e.type === 'HUMAN_REQUEST_WITHDRAWN');
  const suggestion = useMemo(() => {
    const lastShopper = events.findLast((e) => e.type === 'MESSAGE' && e.data.role === 'user');
    const s = events.findLast((e): e is StudioEventOf<'SUGGESTION'> => e.type === 'SUGGESTION');
    if (!s?.id || dismissed.has(s.id)) return undefined;
    return lastShopper && String(s.data.answersMessageEventId) === lastShopper.id ? s : undefined;
  }, [events, dismissed]);

  const act = async (run: () => Promise<{ error?: Parameters<typeof toFormErrors>[0] }>) => {
    setError(null);
    const result = await run();
    if (result.error) setError(errorSummary(toFormErrors(result.error), { as: 'Your name' }));
    else refetch({ requestPolicy: 'network-only' });
    return !result.error;
  };
  /** Claim, hand back or resolve: the answer is the new owner, shown at once. */
  const change = (run: () => Promise<{ data?: Record<string, OwnerView>; error?: CombinedError }>) =>
    act(async () => {
      const result = await run();
      const changed = result.data && Object.values(result.data)[0];
      if (changed) setActed({ owner: { state: changed.state, human: changed.human }, handOffs: handOffsNow.current });
      return result;
    });
  const made = useMemo(() => madeProposals(events), [events]);
  /** Makes the proposal the colleague confirmed; the store's refusal, or a change of the order since, is said above. */
  const make = (p: DeskProposal) =>
    act(async () => {
      const result = await makeChange({ id, proposal: p.eventId, index: p.index, as });
      const data = result.data?.makeProposedChange.data;
      const refused = data?.__typename === 'ToolCallData' && data.error;
      if (refused) setError(`The store did not make it: ${refused}`);
      return result;
    });
  const reply = async (text: string) => {
    if (!text.trim()) return;
    if (await act(() => send({ id, text, as }))) {
      setDraft('');
      if (suggestion?.id) setDismissed((d) => new Set(d).add(suggestion.id!));
    }
  };

  return (
    <>
      <section className="desk-conversation" aria-label="Conversation">
        <div className="desk-toolbar">
          <span className="badge badge-gray">{owner?.state ?? '…'}</span>
          {owner?.human && <span className="muted">{owner.human}</span>}
          {owner?.withdrawn && <span className="muted">Withdrawn by the shopper</span>}
          {owner?.withdrawn && owner.state !== 'HUMAN' && withdrawal?.id && (
            <button type="button" className="btn" onClick={() => setTakingOver(true)}>
              Take over anyway…
            </button>
          )}
          <span className="spacer" />
          {owner && owner.state !== 'HUMAN' && !owner.withdrawn && (
            <button type="button" className="btn btn-primary" onClick={() => change(() => claim({ id, as }))}>
              Claim
            </button>
          )}
          {mine && (
            <button type="button" className="btn" onClick={() => change(() => handBack({ id, as }))}>
              Hand back to bot
            </button>
          )}
          {owner && owner.state !== 'RESOLVED' && (!othersOwn || admin) && (
            <button
              type="button"
              className="btn"
              onClick={() => (othersOwn ? setResolvingOthers(othersOwn) : change(() => resolve({ id, as })))}
            >
              Resolve
            </button>
          )}
        </div>
        {error && (
          <div className="alert alert-error" role="alert">
            {error}
          </div>
        )}
        <div className="scroll grow" ref={log}>
          <DeskTranscript
            conversationId={id}
            events={events}
            onMake={mine ? setConfirming : undefined}
            current={suggestion?.id ?? undefined}
          />
        </div>
        {mine && suggestion && (
          <section className="desk-suggestion" aria-label="Suggested reply">
            <div className="panel-title">
              Suggested reply <span className="muted">({suggestion.data.agents.join(', ') || 'bot'})</span>
            </div>
            <p>{suggestion.data.text}</p>
            {suggestion.data.proposedToolCalls.length > 0 && (
              <ul className="desk-proposals" aria-label="Proposed changes">
                {suggestionProposals(suggestion).map((p) => (
                  <li key={proposalKey(p)}>
                    <span className="muted">Proposed, not done: </span>
                    <strong>{p.change?.title ?? p.tool}</strong>
                    {p.change ? (
                      <ChangeLines lines={p.change.lines} />
                    ) : (
                      <code className="cell-sub">{JSON.stringify(p.arguments)}</code>
                    )}
                    {made.has(proposalKey(p)) ? (
                      <span className="badge badge-green">Made</span>
                    ) : (
                      <button type="button" className="btn btn-sm" onClick={() => setConfirming(p)}>
                        Make this change…
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            <div className="actions">
              <button type="button" className="btn btn-primary btn-sm" onClick={() => reply(suggestion.data.text)}>
                Send as is
              </button>
              <button type="button" className="btn btn-sm" onClick={() => setDraft(suggestion.data.text)}>
                Edit
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-sm"
                onClick={() => setDismissed((d) => new Set(d).add(suggestion.id!))}
              >
                Dismiss
              </button>
            </div>
          </section>
        )}
        <form
          className="desk-reply"
          onSubmit={(e) => {
            e.preventDefault();
            void reply(draft);
          }}
        >
          <textarea
            aria-label="Reply"
            value={draft}
            disabled={!mine}
            placeholder={mine ? 'Write to the shopper…' : 'Claim the conversation to reply'}
            onChange={(e) => setDraft(e.target.value)}
            rows={3}
          />
          <button type="submit" className="btn btn-primary" disabled={!mine || !draft.trim()}>
            Send
          </button>
        </form>
      </section>
      {confirming && (
        <ConfirmDialog
          title={confirming.change?.title ?? `Call ${confirming.tool}`}
          confirmLabel="Make this change"
          tone="danger"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const p = confirming;
            setConfirming(null);
            void make(p);
          }}
        >
          {confirming.change ? (
            <ChangeLines lines={confirming.change.lines} />
          ) : (
            <pre className="mono">{JSON.stringify(confirming.arguments, null, 2)}</pre>
          )}
          <p className="muted">
            The store makes it now, for {ownership?.customer?.name ?? "the conversation's customer"}, as described here.
            If the order changed since, nothing is made and you are told. It is recorded as yours.
          </p>
        </ConfirmDialog>
      )}
      {resolvingOthers && (
        <ConfirmDialog
          title={`Resolve ${resolvingOthers}'s conversation?`}
          confirmLabel="Resolve"
          tone="danger"
          onCancel={() => setResolvingOthers(null)}
          onConfirm={() => {
            setResolvingOthers(null);
            void change(() => resolve({ id, as }));
          }}
        >
          <p>
            {resolvingOthers} is talking with this shopper. Resolving closes the chat and its ticket for them: the
            shopper is told the team closed it, and the bot answers their next message.
          </p>
        </ConfirmDialog>
      )}
      {takingOver && withdrawal?.id && (
        <ConfirmDialog
          title="Take over this conversation?"
          confirmLabel="Take over"
          onCancel={() => setTakingOver(false)}
          onConfirm={() => {
            setTakingOver(false);
            void change(() => claim({ id, as, afterWithdrawal: withdrawal.id }));
          }}
        >
          <p>
            The shopper said they no longer need a person. If you take over, they are told a colleague joined, and the
            bot stays quiet until you hand the conversation back.
          </p>
        </ConfirmDialog>
      )}
      <aside className="side-panel desk-side" aria-label="Customer">
        <div className="panel-title">Customer</div>
        {ownership?.customer ? (
          <>
            <p>
              <strong>{ownership.customer.name}</strong>
              <br />
              <span className="muted">{ownership.customer.email}</span>
              <br />
              <span className="badge badge-green">
                {ownership.customer.identifiedBy === 'verified' ? 'Verified' : 'Identified in chat'}
              </span>
            </p>
            <div className="panel-title">Orders</div>
            <ul className="desk-orders">
              {ownership.customer.orders.map((o) => (
                <li key={o.id}>
                  <span className="mono">{o.id}</span> <span className="badge badge-gray">{o.status}</span>
                  <span className="cell-sub">
                    {o.items.join(', ')} · ${o.total.toFixed(2)}
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <>
            <UnidentifiedContact ticket={ownership?.ticket ?? null} />
            {mine && (
              <VerifyShopper conversationId={id} as={as} events={events} email={ownership?.ticket?.customerEmail} />
            )}
          </>
        )}
        <div className="panel-title">Ticket</div>
        {ownership?.ticket ? (
          <TicketEditor
            key={ownership.ticket.id}
            ticket={ownership.ticket}
            onSaved={() => refetch({ requestPolicy: 'network-only' })}
          />
        ) : (
          <p className="muted">No ticket.</p>
        )}
      </aside>
    </>
  );
}

/**
 * No customer is identified, but the hand-off's ticket may hold how to reach the shopper (the contact form, or what
 * they typed): shown, and said to be unverified, so a colleague can write back without taking it as proof of who
 * they are.
 */
function UnidentifiedContact(props: {
  ticket: { customerName?: string | null; customerEmail?: string | null; customerPhone?: string | null } | null;
}) {
  const given = [props.ticket?.customerName, props.ticket?.customerEmail, props.ticket?.customerPhone].filter(
    (v): v is string => !!v,
  );
  if (!given.length) return <p className="muted">Not identified yet.</p>;
  return (
    <p>
      {given.map((v) => (
        <span key={v}>
          {v}
          <br />
        </span>
      ))}
      <span className="badge badge-amber">Given in the chat, not verified</span>
    </p>
  );
}
