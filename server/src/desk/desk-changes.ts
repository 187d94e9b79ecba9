import { sameArguments } from '../agents/consent-gate.js';
import { customerScopeOf } from '../agents/tool-executor.js';
import type { UserInfo } from '../chat/chat-state.js';
import type { EventLog } from '../chat/event-log.js';
import type { EventStore } from '../db/event-store.js';
import type { ChangeSummary } from '../domain/change-summary.js';
import type { BatonEvent, NewEvent } from '../domain/events.js';
import type { WorkspaceSettings } from '../domain/workspace-settings.js';
import { ConflictError, ForbiddenError, NotFoundError, ToolError, ValidationError } from '../errors.js';
import { IDENTITY_REQUIRED, refuseByIdentity } from '../identity/tool-policy.js';
import type { ToolCallContext, ToolRegistry, ToolResult } from '../tools/tool-registry.js';
import type { DeskActor } from './desk-actor.js';
import { DESK_AGENT, type DeskService } from './desk-service.js';

export interface DeskChangesDeps {
  desk: Pick<DeskService, 'assertOwner'>;
  eventStore: Pick<EventStore, 'eventsByIds' | 'list'>;
  events: Pick<EventLog, 'appendChecked' | 'publish'>;
  tools: ToolRegistry;
  settings: { get(): Promise<WorkspaceSettings> };
  /** The conversation's identity now, as its next run would see it. */
  identity: (conversationId: string) => Promise<UserInfo>;
}

/** Which proposal to make: a held TOOL_CALL (index 0), or one of a SUGGESTION's proposed calls. */
export interface ProposalRef {
  eventId: number;
  index?: number;
}

interface Proposal {
  tool: string;
  arguments: unknown;
  change?: ChangeSummary;
}

/** The call id of a colleague's call: one per proposal. */
const deskCallId = (eventId: number, index: number) => `desk_${eventId}_${index}`;

/** How long the store gets for the rehearsal and for the call, each. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * A colleague who owns a conversation makes a change an agent proposed in it: a call held for the shopper's yes, or
 * one agent assist proposed. Only a proposal stored in the conversation can be made, with the arguments it was
 * proposed with, for the conversation's own customer at the identity level the tool needs: a colleague's click
 * cannot act for another customer or call a tool nobody proposed. The colleague is the yes (they talk to the shopper);
 * the call is recorded as theirs (`madeBy`), and the bot's next turn reads it as a colleague's.
 *
 * A proposal is made once across replicas: the store's idempotency key makes the change once, and the TOOL_CALL is
 * stored only if no other record of the change was stored before it (EventLog.appendChecked), so the second of two
 * clicks on two replicas gets CONFLICT.
 */
export class DeskChanges {
  /** Proposals being made on this replica: a double click here answers at once, without a second call to the store. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: DeskChangesDeps) {}

  async make(conversationId: string, ref: ProposalRef, actor: DeskActor): Promise<BatonEvent> {
    await this.deps.desk.assertOwner(conversationId, actor, 'making changes in it');
    const index = ref.index ?? 0;
    const key = `desk:${conversationId}:${ref.eventId}:${index}`;
    if (this.inFlight.has(key))
      throw new ConflictError('This change is being made already', { details: { field: 'proposalEventId' } });
    this.inFlight.add(key);
    try {
      const proposal = await this.proposal(conversationId, ref.eventId, index);
      await this.notMadeYet(conversationId, ref.eventId, index, proposal);
      return await this.call(conversationId, ref.eventId, index, proposal, actor, key);
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async proposal(conversationId: string, eventId: number, index: number): Promise<Proposal> {
    const [event] = await this.deps.eventStore.eventsByIds([eventId]);
    if (!event || event.conversationId !== conversationId)
      throw new NotFoundError(`No event ${eventId} in this conversation`, { details: { field: 'proposalEventId' } });
    if (event.type === 'TOOL_CALL' && event.data.code === 'CONFIRMATION_REQUIRED' && !event.data.madeBy) {
      if (index !== 0) throw ValidationError.single('index', 'a held call is one proposal: leave index out, or 0');
      return { tool: event.data.tool, arguments: event.data.arguments, change: event.data.change };
    }
    if (event.type === 'SUGGESTION') {
      const calls = event.data.proposedToolCalls;
      const call = calls[index];
      if (!call)
        throw ValidationError.single(
          'index',
          calls.length
            ? `the suggestion proposes ${calls.length} call(s): 0 to ${calls.length - 1}`
            : 'the suggestion proposes no change',
        );
      return call;
    }
    throw ValidationError.single('proposalEventId', 'not a proposed change (a held TOOL_CALL or a SUGGESTION)');
  }

  /** A proposal is made once: by a colleague, or by the agent after the shopper's yes. */
  private async notMadeYet(conversationId: string, eventId: number, index: number, proposal: Proposal): Promise<void> {
    const later = await this.deps.eventStore.list({ conversationId, types: ['TOOL_CALL'], after: eventId });
    for (const e of later) {
      if (e.type !== 'TOOL_CALL' || e.data.error || e.data.tool !== proposal.tool) continue;
      const same = e.data.madeBy
        ? e.data.callId === deskCallId(eventId, index)
        : e.data.consented && sameArguments(e.data.arguments, proposal.arguments);
      if (same)
        throw new ConflictError(
          e.data.madeBy
            ? `${e.data.madeBy} made this change already`
            : 'This change was made already, after the shopper agreed to it',
          { details: { field: 'proposalEventId', eventId: e.id } },
        );
    }
  }

  private async call(
    conversationId: string,
    eventId: number,
    index: number,
    proposal: Proposal,
    actor: DeskActor,
    key: string,
  ): Promise<BatonEvent> {
    const definition = (await this.deps.tools.list()).find((t) => t.name === proposal.tool);
    if (!definition)
      throw new ConflictError(`The tool ${proposal.tool} is no longer available`, {
        details: { field: 'proposalEventId' },
      });
    const [user, settings] = await Promise.all([this.deps.identity(conversationId), this.deps.settings.get()]);
    const customer = customerScopeOf(user, settings.identityPolicy);
    const refusal = refuseByIdentity(definition.identity, customer.level);
    if (refusal)
      throw new ForbiddenError(`The shopper's identity does not allow this change now: ${refusal}`, {
        details: { field: 'conversationId', reason: IDENTITY_REQUIRED },
      });
    const context = (): ToolCallContext => ({
      conversationId,
      runId: `desk:${eventId}`,
      taskId: 'desk',
      agentName: actor.name,
      callIndex: index,
      idempotencyKey: key,
      customer,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const started = performance.now();
    let result: ToolResult | undefined;
    // The colleague decided on the description they were shown. The order may have changed since (the shopper wrote
    // meanwhile, another colleague acted): then that is not what the call would do now, and nothing is made.
    if (proposal.change && definition.previewable) {
      const rehearsal = await this.deps.tools.call(proposal.tool, proposal.arguments, { ...context(), preview: true });
      if (rehearsal.ok) {
        if (!sameArguments(rehearsal.change, proposal.change))
          throw new ConflictError('The order changed since this change was described, so nothing was made', {
            details: { field: 'proposalEventId', change: rehearsal.change ?? null },
          });
      } else if (rehearsal.errorCode === 'TOOL_ERROR' || rehearsal.errorCode === 'TIMEOUT')
        throw new ToolError(`The store could not check this change, and nothing was changed: ${rehearsal.error}`);
      // The store refuses the change now (the order was cancelled meanwhile): that is the answer, recorded.
      else if (rehearsal.errorCode !== 'PREVIEW_UNSUPPORTED') result = rehearsal;
    }
    result ??= await this.deps.tools.call(proposal.tool, proposal.arguments, context());
    const event: NewEvent = {
      type: 'TOOL_CALL',
      conversationId,
      // The desk's, as its notices are: agent names are the cards' (analytics group by them); madeBy says who.
      agentName: DESK_AGENT,
      data: {
        tool: proposal.tool,
        callId: deskCallId(eventId, index),
        arguments: proposal.arguments,
        ...(result.ok ? { output: result.output ?? null } : { error: result.error ?? 'tool failed' }),
        ...(!result.ok && result.errorCode ? { code: result.errorCode } : {}),
        ...(!result.ok && result.errorReason ? { reason: result.errorReason } : {}),
        ...(!result.ok && result.errorDetails ? { details: result.errorDetails } : {}),
        ...(proposal.change ? { change: proposal.change } : {}),
        madeBy: actor.name,
        proposalEventId: eventId,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
    };
    // Checked against what is stored at the moment of writing: another replica may have made it meanwhile.
    const [stored] = await this.deps.events.appendChecked([event], () =>
      this.notMadeYet(conversationId, eventId, index, proposal),
    );
    this.deps.events.publish([stored!]);
    return stored!;
  }
}
