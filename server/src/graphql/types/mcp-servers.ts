import { mcpTransports } from '../../db/schema/mcp-servers.js';
import { ToolError } from '../../errors.js';
import type { McpServerInput } from '../../tools/mcp-server-config.js';
import type { McpServerStatus } from '../../tools/mcp-tool-registry.js';
import { asToolServerAdmin, describeToolServers } from '../../tools/tool-server-admin.js';
import { builder } from '../builder.js';
import { IdentityLevelEnum } from './identity.js';
import { ToolRef } from './tools.js';

const McpTransport = builder.enumType('McpTransport', {
  description: 'How Baton reaches an MCP server.',
  values: { IN_PROCESS: { value: 'in-process' }, STDIO: { value: 'stdio' }, HTTP: { value: 'http' } } as const,
});

const McpServerRef = builder.objectRef<McpServerStatus>('McpServer').implement({
  description: 'An MCP server and the tools it offers. Environment and header values are never shown.',
  fields: (t) => ({
    name: t.exposeString('name'),
    transport: t.field({ type: McpTransport, resolve: (s) => s.transport }),
    builtIn: t.exposeBoolean('builtIn', { description: 'The built-in store server cannot be removed.' }),
    enabled: t.exposeBoolean('enabled'),
    status: t.exposeString('status', { description: 'idle, connecting, connected, error or closed.' }),
    error: t.string({ nullable: true, resolve: (s) => s.error ?? null }),
    command: t.string({ nullable: true, resolve: (s) => s.command ?? null }),
    args: t.stringList({ nullable: true, resolve: (s) => s.args ?? null }),
    envKeys: t.stringList({ nullable: true, resolve: (s) => s.envKeys ?? null }),
    url: t.string({ nullable: true, resolve: (s) => s.url ?? null }),
    headerNames: t.stringList({ nullable: true, resolve: (s) => s.headerNames ?? null }),
    tools: t.field({ type: [ToolRef], resolve: (s) => s.tools }),
  }),
});

const RegisterMcpServerInput = builder.inputType('RegisterMcpServerInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: "Becomes the tools' prefix: <name>.<tool>." }),
    transport: t.field({ type: builder.enumType('McpServerTransport', { values: mcpTransports }), required: true }),
    command: t.string({ description: 'stdio: the command that starts the server.' }),
    args: t.stringList({ description: 'stdio: its arguments.' }),
    env: t.field({ type: 'JSON', description: 'stdio: extra environment variables, {"NAME": "value"}.' }),
    url: t.string({ description: 'http: the Streamable HTTP endpoint.' }),
    headers: t.field({ type: 'JSON', description: 'http: request headers, e.g. {"authorization": "Bearer …"}.' }),
    enabled: t.boolean(),
    identityLevel: t.field({
      type: IdentityLevelEnum,
      description: "The identity level the server's tools need: verified unless you mark them lower.",
    }),
  }),
});

const serverAdmin = (tools: Parameters<typeof asToolServerAdmin>[0]) => {
  const admin = asToolServerAdmin(tools);
  if (!admin) throw new ToolError("This server's tool registry does not manage MCP servers");
  return admin;
};

builder.queryFields((t) => ({
  mcpServers: t.field({
    type: [McpServerRef],
    description: 'The MCP servers with their status and tools.',
    authScopes: { admin: true },
    resolve: (_r, _a, ctx) => describeToolServers(ctx.services.tools),
  }),
}));

builder.mutationFields((t) => ({
  registerMcpServer: t.field({
    type: McpServerRef,
    description:
      'Registers an external MCP server (stdio command or Streamable HTTP URL). It must answer first; its tools then appear in `tools`.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: RegisterMcpServerInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const admin = serverAdmin(ctx.services.tools);
      const { server } = await admin.registerServer({
        name: input.name,
        transport: input.transport,
        command: input.command ?? undefined,
        args: input.args ?? undefined,
        env: (input.env ?? undefined) as Record<string, string> | undefined,
        url: input.url ?? undefined,
        headers: (input.headers ?? undefined) as Record<string, string> | undefined,
        enabled: input.enabled ?? undefined,
        identityLevel: input.identityLevel ?? undefined,
      } as McpServerInput);
      ctx.services.bus.announce('mcpServers');
      const status = (await admin.servers()).find((s) => s.name === server.name);
      const fallback: McpServerStatus = {
        name: server.name,
        transport: server.transport,
        builtIn: false,
        enabled: server.enabled,
        status: 'idle',
        tools: [],
      };
      return status ?? fallback;
    },
  }),
  removeMcpServer: t.field({
    type: McpServerRef,
    description: 'Unregisters an external MCP server; its tools disappear from `tools`.',
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_r, { name }, ctx) => {
      const admin = serverAdmin(ctx.services.tools);
      const before = (await admin.servers()).find((s) => s.name === name);
      const row = await admin.removeServer(name);
      ctx.services.bus.announce('mcpServers');
      const removed: McpServerStatus = {
        ...(before ?? { builtIn: false, tools: [] }),
        name: row.name,
        transport: row.transport,
        enabled: row.enabled,
        status: 'closed',
      };
      return removed;
    },
  }),
}));
