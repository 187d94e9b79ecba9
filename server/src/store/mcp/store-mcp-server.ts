import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Db } from '../../db/client.js';
import type { ChangeSummary } from '../../domain/change-summary.js';
import { customerScopeSchema, toolMetaKeys } from '../../tools/tool-call-meta.js';
import type { CustomerScope } from '../../tools/tool-registry.js';
import { rehearseChange } from '../change-summary.js';
import { previewWrite, runIdempotentWrite, runOutcome, type StoreOutcome } from '../idempotency.js';
import type { StoreCallContext } from '../store-call-context.js';
import { orderTools } from './order-tools.js';
import { shoppingTools } from './shopping-tools.js';
import { type StoreTool, storeToolPolicy } from './store-tool.js';
import { supportTools } from './support-tools.js';

export const STORE_SERVER_NAME = 'store';

/** Every tool of the built-in store server. */
export const storeTools: readonly StoreTool[] = [...orderTools, ...shoppingTools, ...supportTools];

/**
 * Where a call's customer scope comes from. `meta`: the request's `_meta`, set by Baton's tool
 * registry; only safe over the in-process transport. `fixed`: one scope for every call (HTTP), taken
 * from the caller's credentials: idempotency keys namespaced by `keyPrefix` (one namespace per
 * principal), and the conversation the credentials reach; the request's `_meta` names neither.
 */
export type StoreScopeSource =
  | { kind: 'meta' }
  | { kind: 'fixed'; customer: CustomerScope; keyPrefix: string; conversationId?: string };

export interface StoreMcpServerOptions {
  db: Db;
  scope: StoreScopeSource;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function callContext(scope: StoreScopeSource, meta: Record<string, unknown> | undefined): StoreCallContext {
  const key = text(meta?.[toolMetaKeys.idempotencyKey]);
  if (scope.kind === 'fixed') {
    return {
      conversationId: scope.conversationId,
      customer: scope.customer,
      idempotencyKey: key ? `${scope.keyPrefix}${key}` : undefined,
      // Only a conversation token's scope names a conversation.
      ...(scope.conversationId ? { shopperDirect: true } : {}),
    };
  }
  const base = {
    conversationId: text(meta?.[toolMetaKeys.conversationId]),
    agentName: text(meta?.[toolMetaKeys.agentName]),
  };
  const parsed = customerScopeSchema.safeParse(meta?.[toolMetaKeys.customer]);
  return { ...base, customer: parsed.success ? parsed.data : { verified: false }, idempotencyKey: key };
}

function toResult(tool: StoreTool, outcome: StoreOutcome, replayed: boolean, change?: ChangeSummary): CallToolResult {
  if (!outcome.ok) {
    // The text is the message, as before; the code, the refusal's reason and its facts are typed beside it.
    const reason = text(outcome.details?.reason);
    return {
      isError: true,
      content: [{ type: 'text', text: outcome.error }],
      structuredContent: { code: outcome.code, ...outcome.details },
      _meta: {
        [toolMetaKeys.errorCode]: outcome.code,
        ...(reason ? { [toolMetaKeys.errorReason]: reason } : {}),
        [toolMetaKeys.replayed]: replayed,
      },
    };
  }
  const output = outcome.output;
  const structured =
    output !== null && typeof output === 'object' && !Array.isArray(output)
      ? (output as Record<string, unknown>)
      : { result: output };
  const userId = tool.identifies ? text((output as { user_id?: unknown }).user_id) : undefined;
  const claim = tool.identifies ? (output as { claimed?: unknown }).claimed : undefined;
  return {
    content: [{ type: 'text', text: JSON.stringify(output) }],
    structuredContent: structured,
    _meta: {
      [toolMetaKeys.replayed]: replayed,
      ...(userId ? { [toolMetaKeys.identifiedCustomerId]: userId } : {}),
      ...(claim ? { [toolMetaKeys.identityClaim]: claim } : {}),
      ...(change ? { [toolMetaKeys.change]: change } : {}),
    },
  };
}

/** The built-in `store` MCP server over the store tables. Connect it to any transport. */
export function createStoreMcpServer(options: StoreMcpServerOptions): McpServer {
  const server = new McpServer(
    { name: STORE_SERVER_NAME, version: '1.0.0' },
    { instructions: 'Baton demo store: orders, customers, catalogue, knowledge base, leads and support tickets.' },
  );
  for (const tool of storeTools) {
    server.registerTool(
      tool.name,
      {
        description: tool.description,
        inputSchema: tool.input,
        annotations: { readOnlyHint: tool.readOnly, idempotentHint: true, openWorldHint: false },
        _meta: { [toolMetaKeys.identityPolicy]: storeToolPolicy(tool) },
      },
      async (args: Record<string, unknown>, extra): Promise<CallToolResult> => {
        const ctx = callContext(options.scope, extra._meta as Record<string, unknown> | undefined);
        try {
          if (tool.readOnly)
            return toResult(tool, await runOutcome(() => tool.run(options.db, args as never, ctx)), false);
          if ((extra._meta as Record<string, unknown> | undefined)?.[toolMetaKeys.preview] === true) {
            let change: ChangeSummary | undefined;
            const outcome = await previewWrite(options.db, async (tx) => {
              const rehearsed = await rehearseChange(tx, ctx, tool.name, args, () => tool.run(tx, args as never, ctx));
              change = rehearsed.change;
              return rehearsed.output;
            });
            return toResult(tool, outcome, false, outcome.ok ? change : undefined);
          }
          const { replayed, ...outcome } = await runIdempotentWrite(options.db, tool.name, ctx, (tx) =>
            tool.run(tx, args as never, ctx),
          );
          return toResult(tool, outcome as StoreOutcome, replayed);
        } catch {
          // Domain errors were answered above; what is left is internal (SQL, driver) and stays out of the
          // answer, which the model reads and the TOOL_CALL event records.
          return toResult(
            tool,
            {
              ok: false,
              error: `The store could not run ${tool.name} because of an internal error`,
              code: 'TOOL_ERROR',
            },
            false,
          );
        }
      },
    );
  }
  return server;
}
