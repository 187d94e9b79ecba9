/**
 * The one interface between agents and tools. The orchestration core calls tools only through
 * it; the store issue backs it with MCP (the built-in `store` server and registered servers).
 */

import type { ChangeSummary } from '../domain/change-summary.js';
import type { IdentityClaim, IdentityLevel, IdentityPolicy, ToolIdentityPolicy } from '../domain/identity.js';

/** JSON Schema of a tool's input, as MCP advertises it. */
export type JsonSchema = Record<string, unknown>;

export interface ToolDefinition {
  /** Qualified name: `server.tool`, e.g. `store.get_order_details`. */
  name: string;
  /** MCP server name (`store` for the built-in one). */
  server: string;
  /** Tool name on its server. */
  tool: string;
  description: string;
  inputSchema: JsonSchema;
  /** Whether the tool changes state (writes carry idempotency keys). */
  readOnly: boolean;
  /** What the tool needs of the shopper's identity; the tool executor enforces it before every call. */
  identity: ToolIdentityPolicy;
  /**
   * The tool can rehearse a write and answer what it would do, changing nothing (`ToolCallContext.preview`): the
   * built-in store's writes. A registry is never asked to preview a tool that does not say so.
   */
  previewable?: boolean;
}

/** Who the tool acts for. Tools that touch customer data act only for `customerId`. */
export interface CustomerScope {
  /** The customer the conversation acts for (store user id): set at `verified` only. */
  customerId?: string;
  /** True at `verified` (a storefront token, an API key's word, a one-time code, or an email under `identityPolicy: email`). */
  verified: boolean;
  /** Admin calls (CLI, operators) have no customer scope and may read any customer. */
  admin?: boolean;
  /** The conversation's identity level (absent: `verified` when `verified`, else anonymous). */
  level?: IdentityLevel;
  /** What the shopper claimed in the chat (an email, or a name plus zip), at `claimed`. */
  claim?: IdentityClaim;
  /** The workspace's identityPolicy; absent means `strict`. */
  policy?: IdentityPolicy;
}

export interface ToolCallContext {
  conversationId: string;
  runId: string;
  taskId: string;
  agentName: string;
  /** Position of this call within the task; part of the idempotency key. */
  callIndex: number;
  /** `run:task:callIndex`. Repeating a key returns the first result and changes nothing. */
  idempotencyKey: string;
  customer: CustomerScope;
  signal?: AbortSignal;
  /** Rehearse the call and answer what it would do, changing nothing: only for a `previewable` tool. */
  preview?: boolean;
}

export interface ToolResult {
  /** False when the tool reported an error; the agent reads `error` as the tool's answer. */
  ok: boolean;
  /** JSON output of the tool (structured content, or parsed text). */
  output?: unknown;
  error?: string;
  /** Error code for refusals: FORBIDDEN (identity), NOT_FOUND, VALIDATION_FAILED, TOOL_ERROR, TIMEOUT. */
  errorCode?: string;
  /** Why the built-in store refused, from a closed set (server/src/store/store-refusals.ts); external tools give none. */
  errorReason?: string;
  /** The refusal's facts, as the built-in store gives them (`{ order_id, status }`, a validation error's `field`). */
  errorDetails?: Record<string, unknown>;
  /**
   * Set by identity tools (find_user_id_by_email, find_user_id_by_name_zip) when they identify
   * the shopper. The tool layer, not the model, records it in ChatState.userInfo.
   */
  identifiedCustomerId?: string;
  /** Set by identity tools under `identityPolicy: strict`: what the shopper claimed (the level becomes `claimed`). */
  identityClaim?: IdentityClaim;
  /** Set by a rehearsal (`ToolCallContext.preview`) of a change the shopper agrees to first: what it would do. */
  change?: ChangeSummary;
}

export interface ToolRegistry {
  /** Every tool available to cards, across all connected servers. */
  list(): Promise<ToolDefinition[]>;
  /** Calls a tool by qualified name. Never throws for tool failures: they come back as `ok: false`. */
  call(name: string, args: unknown, context: ToolCallContext): Promise<ToolResult>;
}

export const qualifyToolName = (server: string, tool: string) => `${server}.${tool}`;

export function splitToolName(name: string): { server: string; tool: string } {
  const dot = name.indexOf('.');
  return dot < 0 ? { server: '', tool: name } : { server: name.slice(0, dot), tool: name.slice(dot + 1) };
}

/** A registry the app owns: it can be closed, and may serve HTTP endpoints (e.g. `/mcp/store`). */
export interface ManagedToolRegistry extends ToolRegistry {
  close(): Promise<void>;
  /** Re-reads the registered servers now (another replica changed them). */
  refresh?(): Promise<void>;
  /** Extra HTTP routes by path prefix, mounted by the app. */
  httpHandlers?(): Promise<
    Iterable<
      [
        string,
        (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void> | void,
      ]
    >
  >;
}
