import type { AgentCard } from '../domain/agent-card.js';
import { describeBusinessHours, isOpenAt } from '../domain/business-hours.js';
import type { ChangeSummary } from '../domain/change-summary.js';
import type { BatonEvent } from '../domain/events.js';
import { DEFAULT_HISTORY_CHARS } from '../domain/history-window.js';
import type {
  IdentityClaim,
  IdentityEventData,
  IdentityLevel,
  IdentityMethod,
  IdentityPolicy,
} from '../domain/identity.js';
import type { Plan } from '../domain/plan.js';
import type { WorkspaceSettings } from '../domain/workspace-settings.js';
import type { ChatMessage, ModelToolCall } from '../models/model-provider.js';

/** Agent name on the knowledge retriever's TOOL_CALL events; they are context, not transcript. */
export const KNOWLEDGE_RETRIEVER = 'KnowledgeRetriever';

/** One entry of the transcript. Assistant messages carry the agent that wrote them. */
export type TranscriptEntry =
  /** `at`: when the message was stored (ISO), where known. */
  | { kind: 'user'; text: string; runId?: string | null; at?: string }
  | { kind: 'assistant'; text: string; agentName: string; final?: boolean; runId?: string | null }
  | {
      kind: 'tool';
      agentName: string;
      callId: string;
      tool: string;
      arguments: unknown;
      output: unknown;
      error?: string;
      /** The error's code: CONFIRMATION_REQUIRED marks a call held for the shopper's yes (consent-gate.ts). */
      code?: string;
      /** Why the store refused, and the refusal's facts (TOOL_CALL `reason`, `details`). */
      reason?: string;
      details?: unknown;
      /** On a held call: what the store says it would change (shown to the shopper, and to a colleague's desk). */
      change?: ChangeSummary;
      runId?: string | null;
      /** When the call was stored (ISO), where known: a proposal's yes must come within PROPOSAL_TTL_MS. */
      at?: string;
    };

export interface UserInfo {
  /** anonymous, claimed (an email or name plus zip given in the chat) or verified. */
  level: IdentityLevel;
  /** How the level was reached. */
  method?: IdentityMethod;
  /** The customer the conversation acts for: set at `verified` only. */
  customerId?: string;
  /** What the shopper claimed, at `claimed`. */
  claim?: IdentityClaim;
  /** level === 'verified' (kept for readers that predate the levels). */
  verified: boolean;
  /** Same as `method` (kept for readers that predate the levels). */
  identifiedBy?: string;
  /** ISO time the verification ends (a token's `exp`, a code's session); after it the customer is nobody's to act for. */
  verifiedUntil?: string;
}

/** The conversation's verified customer, from its row or its session, when the run starts. */
export interface VerifiedCustomer {
  customerId: string;
  method: IdentityMethod;
  verifiedUntil?: Date;
}

export interface KnowledgeArticle {
  title: string;
  content: string;
  score?: number;
}

export interface CommonContext {
  brandVoice: string;
  refusalMessage: string;
  apologyMessage: string;
  businessHours: { summary: string; timeZone: string; openNow: boolean };
  humanTransferScenarios: string[];
  knowledge: KnowledgeArticle[];
  /** Cards of the enabled agents that collaborate in this workspace. */
  agents: AgentCard[];
  defaultAgent: string;
}

/**
 * The single source of truth for one turn: the transcript, the plan and the context every agent
 * shares. Created once per turn and passed by reference to every component. It holds nothing per
 * task: concurrent tasks each keep their own (see `runTaskLoop`).
 */
export class ChatState {
  readonly transcript: TranscriptEntry[] = [];
  plan?: Plan;
  /** This run stored an IDENTITY event already (a resumed run): a typed code was checked once. */
  identityRecordedThisRun = false;

  constructor(
    readonly conversationId: string,
    readonly runId: string,
    readonly userInfo: UserInfo,
    readonly context: CommonContext,
    /** The workspace's identityPolicy: under `email`, an email given in the chat verifies. */
    readonly identityPolicy: IdentityPolicy = 'strict',
    /** How much of the transcript a model call is shown (renderHistory): MODEL_HISTORY_CHARS. */
    readonly historyChars = DEFAULT_HISTORY_CHARS,
  ) {}

  /** Builds the state from settings and the conversation's stored events (the transcript so far). */
  static fromHistory(options: {
    conversationId: string;
    runId: string;
    settings: WorkspaceSettings;
    agents: AgentCard[];
    /** The verified customer (a live session, or the customer an API key vouched for). */
    verified?: VerifiedCustomer | null;
    history: readonly BatonEvent[];
    now?: Date;
    /** MODEL_HISTORY_CHARS (see renderHistory). */
    historyChars?: number;
  }): ChatState {
    const { settings } = options;
    const v = options.verified;
    const state = new ChatState(
      options.conversationId,
      options.runId,
      v
        ? {
            level: 'verified',
            method: v.method,
            customerId: v.customerId,
            verified: true,
            identifiedBy: v.method,
            ...(v.verifiedUntil ? { verifiedUntil: v.verifiedUntil.toISOString() } : {}),
          }
        : { level: 'anonymous', verified: false },
      {
        brandVoice: settings.brandVoice,
        refusalMessage: settings.refusalMessage,
        apologyMessage: settings.apologyMessage,
        businessHours: {
          summary: describeBusinessHours(settings.businessHours),
          timeZone: settings.businessHours.timeZone,
          openNow: isOpenAt(settings.businessHours, options.now ?? new Date()),
        },
        humanTransferScenarios: settings.humanTransferScenarios,
        knowledge: [],
        agents: options.agents,
        defaultAgent: settings.defaultAgent,
      },
      settings.identityPolicy,
      options.historyChars,
    );
    for (const event of options.history) state.absorb(event);
    return state;
  }

  /** Folds a stored event into the transcript (history replay, and the live log). */
  absorb(event: BatonEvent): void {
    if (event.type === 'MESSAGE') {
      if (event.data.role === 'user')
        this.transcript.push({ kind: 'user', text: event.data.text, runId: event.runId, at: storedAt(event) });
      // A colleague's reply is an assistant turn whose author note names them (see renderHistory).
      else if (event.data.role === 'human')
        this.transcript.push({
          kind: 'assistant',
          text: event.data.text,
          agentName: `a support colleague, ${event.data.author ?? 'unnamed'}`,
          runId: event.runId,
        });
      // A run's final reply repeats its agents' messages: keep the parts, which carry authorship.
      else if (!event.data.final)
        this.transcript.push({
          kind: 'assistant',
          text: event.data.text,
          agentName: event.agentName ?? 'Assistant',
          runId: event.runId,
        });
    } else if (event.type === 'TOOL_CALL' && event.agentName && event.agentName !== KNOWLEDGE_RETRIEVER) {
      this.transcript.push({
        kind: 'tool',
        // A change a colleague made from the desk is theirs, named as their messages are.
        agentName: event.data.madeBy ? `a support colleague, ${event.data.madeBy}` : event.agentName,
        callId: event.data.callId ?? `call_${event.id}`,
        tool: event.data.tool,
        arguments: event.data.arguments,
        output: event.data.output,
        error: event.data.error,
        ...(event.data.code ? { code: event.data.code } : {}),
        ...(event.data.reason ? { reason: event.data.reason } : {}),
        ...(event.data.details !== undefined ? { details: event.data.details } : {}),
        ...(event.data.change ? { change: event.data.change } : {}),
        runId: event.runId,
        at: storedAt(event),
      });
    }
    if (event.type === 'IDENTITY') {
      this.foldIdentity(event.data);
      if (event.runId === this.runId) this.identityRecordedThisRun = true;
    }
  }

  /** The latest user message: what this turn answers. */
  get userMessage(): string {
    for (let i = this.transcript.length - 1; i >= 0; i--) {
      const e = this.transcript[i]!;
      if (e.kind === 'user') return e.text;
    }
    return '';
  }

  /**
   * Folds an IDENTITY event in: claims made in the chat, and (under `identityPolicy: email` only)
   * identifications in the chat. Verification by token, key or code is read from the conversation's
   * session when the run starts (it may have ended since), or set live by `verify`. Only the tool
   * layer and the typed-code step emit these events; the model never can.
   */
  foldIdentity(data: IdentityEventData): void {
    if (data.codeRefused || this.userInfo.level === 'verified') return;
    if (data.level === 'claimed' && data.claim) {
      Object.assign(this.userInfo, {
        level: 'claimed',
        method: data.method,
        claim: data.claim,
        identifiedBy: data.method,
      });
    } else if (
      data.level === 'verified' &&
      data.customerId &&
      (data.method === 'email' || data.method === 'name_zip') &&
      this.identityPolicy === 'email'
    ) {
      this.verify(data.customerId, data.method);
    }
  }

  /** The conversation is verified from now on (a code typed in this run, or an email under the `email` policy). */
  verify(customerId: string, method: IdentityMethod, verifiedUntil?: Date): void {
    Object.assign(this.userInfo, {
      level: 'verified',
      method,
      customerId,
      claim: undefined,
      verified: true,
      identifiedBy: method,
      verifiedUntil: verifiedUntil?.toISOString(),
    });
  }

  /**
   * Where the model's view of the transcript begins: the newest entries within `historyChars`, from a
   * shopper's message on, so the model never sees an answer without its question. This run's entries
   * (its message, its agents' replies and tool calls) are always shown. Without a window, every call
   * would carry the whole conversation: a long one would pass a model's context window and fail its
   * turns, and each turn would cost more than the last.
   */
  private windowStart(): number {
    const entries = this.transcript;
    let chars = 0;
    let start = entries.length;
    while (start > 0) {
      const e = entries[start - 1]!;
      chars += entryChars(e);
      if (chars > this.historyChars && e.runId !== this.runId) break;
      start--;
    }
    while (start > 0 && start < entries.length) {
      const e = entries[start]!;
      if (e.kind === 'user' || e.runId === this.runId) break;
      start++;
    }
    return start;
  }

  /**
   * Model history as `agentName` sees it. Who said what: an assistant message from a different
   * agent is followed by a system note naming its author; earlier agents' tool calls are included.
   */
  renderHistory(agentName: string): ChatMessage[] {
    const out: ChatMessage[] = [];
    const entries = this.transcript;
    for (let i = this.windowStart(); i < entries.length; i++) {
      const e = entries[i]!;
      if (e.kind === 'user') out.push({ role: 'user', content: e.text });
      else if (e.kind === 'assistant') {
        out.push({ role: 'assistant', content: e.text });
        if (e.agentName !== agentName)
          out.push({
            role: 'system',
            content: `[System Note] The assistant message above was authored by ${e.agentName}.`,
          });
      } else {
        // Consecutive tool entries of one agent become one assistant turn with its tool results.
        const group: Extract<TranscriptEntry, { kind: 'tool' }>[] = [e];
        while (entries[i + 1]?.kind === 'tool' && (entries[i + 1] as { agentName: string }).agentName === e.agentName)
          group.push(entries[++i] as Extract<TranscriptEntry, { kind: 'tool' }>);
        const calls: ModelToolCall[] = group.map((g) => ({
          id: g.callId,
          name: toFunctionName(g.tool),
          arguments: JSON.stringify(g.arguments ?? {}),
        }));
        out.push({ role: 'assistant', content: null, toolCalls: calls });
        for (const g of group)
          out.push({
            role: 'tool',
            toolCallId: g.callId,
            content: JSON.stringify(
              g.error ? { error: g.error, code: g.code, reason: g.reason, details: g.details } : (g.output ?? null),
            ),
          });
        if (e.agentName !== agentName)
          out.push({ role: 'system', content: `[System Note] The tool calls above were made by ${e.agentName}.` });
      }
    }
    return out;
  }
}

/** When a stored event was stored, as ISO text; undefined for one built in memory without a time. */
function storedAt(event: BatonEvent): string | undefined {
  const at = event.createdAt as Date | string | undefined;
  return at instanceof Date ? at.toISOString() : at;
}

/** What the window counts of an entry: the text a model is shown for it. */
function entryChars(e: TranscriptEntry): number {
  if (e.kind !== 'tool') return e.text.length;
  return e.tool.length + JSON.stringify(e.arguments ?? {}).length + JSON.stringify(e.error ?? e.output ?? null).length;
}

/** Qualified tool names have a dot, which function names may not: `store.get_order` → `store__get_order`. */
export const toFunctionName = (tool: string) => tool.replace('.', '__');
export const fromFunctionName = (fn: string) => fn.replace('__', '.');
