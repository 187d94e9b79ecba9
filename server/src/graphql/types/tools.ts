import type { ToolDefinition } from '../../tools/tool-registry.js';
import { describeToolServers } from '../../tools/tool-server-admin.js';
import { builder } from '../builder.js';
import { IdentityLevelEnum } from './identity.js';

export const ToolRef = builder.objectRef<ToolDefinition>('Tool').implement({
  description: 'An MCP tool agents can be given, by its qualified name `server.tool`.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Qualified name, e.g. store.get_order_details.' }),
    server: t.exposeString('server'),
    tool: t.exposeString('tool', { description: 'Name on its server.' }),
    description: t.exposeString('description'),
    inputSchema: t.field({ type: 'JSON', description: 'JSON Schema of the arguments.', resolve: (d) => d.inputSchema }),
    readOnly: t.exposeBoolean('readOnly', { description: 'False for tools that change state.' }),
    minimumIdentityLevel: t.field({
      type: IdentityLevelEnum,
      description: 'The identity level the shopper must have before the tool runs (enforced by the tool executor).',
      resolve: (d) => d.identity.minimumLevel,
    }),
    readsPersonalData: t.boolean({ resolve: (d) => d.identity.readsPersonalData }),
    needsConsent: t.boolean({
      description:
        "True when each call waits for the shopper's yes to that exact call (held as CONFIRMATION_REQUIRED until then; enforced by the tool executor).",
      resolve: (d) => d.identity.needsConsent ?? false,
    }),
  }),
});

builder.queryFields((t) => ({
  tools: t.field({
    type: [ToolRef],
    description: 'Every tool of every connected MCP server, grouped by server (built-in store first).',
    authScopes: { admin: true },
    resolve: async (_r, _a, ctx) => (await describeToolServers(ctx.services.tools)).flatMap((s) => s.tools),
  }),
}));
