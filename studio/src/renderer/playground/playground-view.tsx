import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { AgentsQuery } from '../agents/agent-documents.js';
import { usePermissions } from '../connection/permissions.js';
import { toFormErrors } from '../graphql/field-errors.js';
import { RunInspector } from '../inspector/run-inspector.js';
import { runIdsOf } from '../lib/run-summary.js';
import { useRouter } from '../shell/router.js';
import { EmptyState } from '../ui/empty-state.js';
import { ChatPanel } from './chat-panel.js';
import { chosenDrafts, type DraftChoice, DraftPicker, noDrafts, useDraftNames } from './draft-picker.js';
import { ConversationQuery, SendMessageMutation, StartConversationMutation } from './playground-documents.js';
import { modelFor, ProviderNote, useModelProvider } from './provider-note.js';
import { SaveToDataset } from './save-to-dataset.js';
import { useConversationEvents } from './use-conversation-events.js';
import { readRunSwitch, useRunSwitch, writeRunSwitch } from './use-step-mode.js';

/** Playground: chat with the server as a shopper, the run inspector beside it (#/playground/<conversation>?run=<id>). */
export function PlaygroundView() {
  const { route, navigate } = useRouter();
  const conversationId = route.segments[1] ?? null;
  const [customerId, setCustomerId] = useState('');
  const [start, runStart] = useMutation(StartConversationMutation);
  const [drafts, setDrafts] = useState<DraftChoice>(noDrafts);
  const draftNames = useDraftNames();
  const may = usePermissions();

  const newConversation = async (): Promise<string | null> => {
    // Against drafts: the named drafts stand in for their published cards in this conversation's runs.
    const useDrafts = chosenDrafts(drafts, draftNames);
    const result = await runStart({
      input: {
        ...(customerId.trim() ? { customerId: customerId.trim() } : {}),
        ...(useDrafts ? { useDrafts } : {}),
      },
    });
    const id = result.data?.startConversation.conversation.id ?? null;
    if (id) {
      // The new conversation keeps the switches chosen before it existed.
      for (const name of ['stepMode', 'reviewPlan'] as const)
        writeRunSwitch(name, id, readRunSwitch(name, conversationId));
      navigate(`/playground/${id}`);
    }
    return id;
  };

  // A support key may not write as the shopper (sendMessage) nor vouch for a customer: every message would fail.
  // (The shell shows no page before the server said who this is, so the Playground does not flash up first.) A
  // conversation opened from Runs is shown read-only, with its run inspector.
  if (!may('chatAsShopper') && conversationId)
    return (
      <div className="page">
        <header className="page-header">
          <div>
            <h1>Playground</h1>
            <p className="subtitle">
              Conversation <span className="mono">{conversationId.slice(0, 8)}</span> · read-only: a support key does
              not write as the shopper (answer them in the <a href="#/desk">Desk</a>)
            </p>
          </div>
        </header>
        <Workspace key={conversationId} conversationId={conversationId} readOnly />
      </div>
    );
  if (!may('chatAsShopper'))
    return (
      <div className="page">
        <header className="page-header">
          <div>
            <h1>Playground</h1>
          </div>
        </header>
        <EmptyState title="The Playground is not available with a support key">
          <p>
            A support key does not write as the shopper or start conversations for a customer, so no message could be
            sent from here. To answer a shopper, claim their conversation in the <a href="#/desk">Desk</a> and write as
            yourself; to try agents, connect with an admin or integrator key.
          </p>
        </EmptyState>
      </div>
    );

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Playground</h1>
          {conversationId ? (
            <div className="subtitle conversation-line">
              <span>
                Conversation <span className="mono">{conversationId.slice(0, 8)}</span>
              </span>
              {may('runExperiments') && (
                <SaveToDataset key={`save-${conversationId}`} conversationId={conversationId} />
              )}
            </div>
          ) : (
            <p className="subtitle">Chat as a shopper and watch the run.</p>
          )}
        </div>
        <form
          className="actions new-conversation"
          onSubmit={(e) => {
            e.preventDefault();
            void newConversation();
          }}
        >
          <label htmlFor="customer-id" className="inline-label">
            Customer id
          </label>
          <input
            id="customer-id"
            className="input-sm"
            placeholder="optional, e.g. yusuf_rossi_9620"
            value={customerId}
            onChange={(e) => setCustomerId(e.target.value)}
          />
          <DraftPicker value={drafts} onChange={setDrafts} hint="for new conversations" />
          <button type="submit" className="btn" disabled={start.fetching}>
            New conversation
          </button>
        </form>
      </header>
      {start.error && (
        <div className="alert alert-error" role="alert">
          {toFormErrors(start.error).message}
        </div>
      )}
      <Workspace key={conversationId ?? 'none'} conversationId={conversationId} newConversation={newConversation} />
    </div>
  );
}

/** The chat and the run inspector; `readOnly`: no composer (and no `newConversation`), the conversation as it is. */
function Workspace(props: {
  conversationId: string | null;
  newConversation?(): Promise<string | null>;
  readOnly?: boolean;
}) {
  const { route, navigate } = useRouter();
  const may = usePermissions();
  const { events, error } = useConversationEvents(props.conversationId);
  const [conversation] = useQuery({
    query: ConversationQuery,
    variables: { id: props.conversationId ?? '' },
    pause: !props.conversationId,
  });
  const [agents] = useQuery({ query: AgentsQuery });
  const provider = useModelProvider();
  const models = Object.fromEntries(
    (agents.data?.agents ?? []).map((a) => [a.name, modelFor(provider, a.model.model)] as const),
  );
  const [send, runSend] = useMutation(SendMessageMutation);
  const [sendError, setSendError] = useState<string | null>(null);
  const [pendingRun, setPendingRun] = useState<string | null>(null);
  // Step mode and plan review start a run that waits to be stepped: offered only to keys the server lets step it.
  const drives = may('startDrivenRuns');
  const [stepSwitch, setStep] = useRunSwitch('stepMode', props.conversationId);
  const [reviewSwitch, setReview] = useRunSwitch('reviewPlan', props.conversationId);
  const step = drives && stepSwitch;
  const review = drives && reviewSwitch;

  const runIds = runIdsOf(events);
  const selectedRunId = route.query.get('run') ?? pendingRun ?? runIds.at(-1) ?? null;
  const selectRun = (runId: string) =>
    props.conversationId && navigate(`/playground/${props.conversationId}?run=${encodeURIComponent(runId)}`);

  const onSend = async (text: string) => {
    setSendError(null);
    const conversationId = props.conversationId ?? (await props.newConversation?.());
    if (!conversationId) return false;
    const result = await runSend({
      conversationId,
      text,
      mode: step ? 'STEP' : 'AUTO',
      reviewPlan: !step && review,
    });
    if (result.error) {
      setSendError(toFormErrors(result.error).message);
      return false;
    }
    const runId = result.data?.sendMessage?.id;
    if (runId && props.conversationId) {
      setPendingRun(runId);
      if (route.query.get('run')) navigate(`/playground/${props.conversationId}`);
    }
    return true;
  };

  return (
    <div className="playground">
      <div className="playground-chat">
        <ProviderNote provider={provider} />
        {(conversation.data?.conversation.drafts.length ?? 0) > 0 && (
          <p className="alert alert-warn" role="note" aria-label="Runs against drafts">
            This conversation runs against the drafts of{' '}
            <strong>{conversation.data!.conversation.drafts.join(', ')}</strong>; other cards, and live traffic, use the
            published cards.
          </p>
        )}
        {(sendError || error) && (
          <div className="alert alert-error" role="alert">
            {sendError ?? error?.message}
          </div>
        )}
        <ChatPanel
          events={events}
          selectedRunId={selectedRunId}
          onSelectRun={selectRun}
          onSend={props.readOnly ? undefined : onSend}
          sending={send.fetching}
          step={step}
          onStepChange={drives ? setStep : undefined}
          review={review}
          onReviewChange={drives ? setReview : undefined}
        />
      </div>
      <div className="playground-inspector">
        <RunInspector
          key={selectedRunId ?? 'none'}
          events={events}
          runId={selectedRunId}
          agentNames={(agents.data?.agents ?? []).filter((a) => a.enabled).map((a) => a.name)}
          provider={provider}
          models={models}
          customerId={conversation.data?.conversation.customerId ?? null}
        />
      </div>
    </div>
  );
}
