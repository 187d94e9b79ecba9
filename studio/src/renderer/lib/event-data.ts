/**
 * The `data` of each event type, as docs/api.md documents it. GraphQL carries `Event.data` as JSON, so
 * the studio states the shapes it reads here, from the API's documentation rather than the server's
 * source: the studio depends on the schema and its docs only. Fields the studio does not read are left out.
 */

export interface PlanTask {
  id: string;
  agent: string;
  instruction: string;
  statusMessage: string;
  dependsOn: string[];
}

export interface Plan {
  refuse: boolean;
  tasks: PlanTask[];
}

interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface EventDataByType {
  RUN_STARTED: { mode: 'AUTO' | 'STEP'; messageEventId?: number };
  PLAN: {
    plan: Plan;
    source: 'planner' | 'fallback' | 'edit' | 'refusal';
    attempts: number;
    fallbackReason?: string;
    errors?: string[];
    edit?: unknown;
    editedBy?: string;
    editReason?: string;
    usage?: Usage;
  };
  TASK_STARTED: { statusMessage: string; instruction: string };
  MESSAGE_DELTA: { delta: string };
  /** role human: a support colleague who owns the conversation, named in `author`. */
  MESSAGE: { role: 'user' | 'assistant' | 'human'; text: string; author?: string; final?: boolean; usage?: Usage };
  TOOL_CALL: {
    tool: string;
    callId?: string;
    arguments: unknown;
    output?: unknown;
    error?: string;
    refused?: boolean;
    identifiedCustomerId?: string;
    durationMs: number;
    usage?: Usage;
  };
  HANDOFF: { from: string; to: string; reason: string };
  TASK_COMPLETED: { output: string; durationMs: number };
  TASK_FAILED: { error: string; code: string };
  RUN_PAUSED: { nextTaskIds: string[]; reason: 'planned' | 'before_task' };
  RUN_RESUMED: { owner: string; fromTaskIds: string[] };
  RUN_COMPLETED: { reply: string; durationMs: number };
  RUN_FAILED: { code: string; reason: string; message: string };
  RUN_CANCELLED: { reason: string };
  HUMAN_REQUESTED: { by: string; reason: string; ticketId: string | null };
  HUMAN_JOINED: { human: string; ticketId: string | null };
  HANDED_BACK: { human: string; note: string };
  RESOLVED: { by: string; note?: string; ticketId: string | null };
  /** Agent assist: a reply drafted for the colleague who owns the conversation; never shown to the shopper. */
  SUGGESTION: {
    messageEventId: number;
    text: string;
    agents: string[];
    proposedToolCalls: { tool: string; arguments: unknown }[];
  };
  /** The conversation's identity level and how it was reached, or a typed code that was refused. */
  IDENTITY: {
    level: 'anonymous' | 'claimed' | 'verified';
    method?: 'email' | 'name_zip' | 'customer_token' | 'api_key' | 'email_code';
    customerId?: string;
    claim?: { email: string } | { firstName: string; lastName: string; zip: string };
    verifiedUntil?: string;
    policy: 'strict' | 'email';
    codeRefused?: { reason: 'wrong' | 'expired' | 'used' | 'locked'; triesLeft: number };
  };
}
