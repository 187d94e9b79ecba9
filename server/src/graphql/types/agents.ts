import { draftAsCard } from '../../agents/agent-drafts.js';
import { previewAgentPrompt } from '../../agents/preview-agent-prompt.js';
import type { AgentCard, ModelSettings } from '../../domain/agent-card.js';
import { ForbiddenError } from '../../errors.js';
import { builder } from '../builder.js';
import { editorName } from '../editor-name.js';

export const ModelSettingsRef = builder.objectRef<ModelSettings>('ModelSettings').implement({
  description: 'Per-agent model settings; unset fields use the server defaults.',
  fields: (t) => ({
    provider: t.string({ nullable: true, resolve: (m) => m.provider ?? null }),
    model: t.string({ nullable: true, resolve: (m) => m.model ?? null }),
    temperature: t.float({ nullable: true, resolve: (m) => m.temperature ?? null }),
    timeoutMs: t.int({ nullable: true, resolve: (m) => m.timeoutMs ?? null }),
  }),
});

export const AgentRef = builder.objectRef<AgentCard>('Agent').implement({
  description: 'An agent card: what a specialist does, which tools it may call and whom it may hand off to.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    skills: t.exposeStringList('skills'),
    instructions: t.exposeString('instructions'),
    tools: t.exposeStringList('tools', { description: 'Qualified MCP tool names (server.tool).' }),
    handoffs: t.exposeStringList('handoffs', { description: 'Agents this one may hand a task to.' }),
    enabled: t.exposeBoolean('enabled'),
    model: t.field({ type: ModelSettingsRef, resolve: (a) => a.model }),
    maxSteps: t.exposeInt('maxSteps'),
    builtin: t.exposeBoolean('builtin'),
    version: t.exposeInt('version'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ModelSettingsInput = builder.inputType('ModelSettingsInput', {
  fields: (t) => ({
    provider: t.string(),
    model: t.string(),
    temperature: t.float(),
    timeoutMs: t.int(),
  }),
});

const agentInputFields = (required: boolean) =>
  builder.inputType(required ? 'CreateAgentInput' : 'UpdateAgentInput', {
    fields: (t) => ({
      name: t.string({ required }),
      description: t.string({ required }),
      skills: t.stringList(),
      instructions: t.string(),
      tools: t.stringList(),
      handoffs: t.stringList(),
      enabled: t.boolean(),
      model: t.field({ type: ModelSettingsInput }),
      maxSteps: t.int(),
    }),
  });
export const CreateAgentInput = agentInputFields(true);
export const UpdateAgentInput = agentInputFields(false);

/** GraphQL leaves omitted fields undefined and explicit nulls null; the registry treats both as "keep". */
export const clean = <T extends object>(input: T) =>
  Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));

builder.queryFields((t) => ({
  agents: t.field({
    type: [AgentRef],
    authScopes: { reader: true },
    resolve: (_root, _args, ctx) => ctx.services.agents.list(),
  }),
  agent: t.field({
    type: AgentRef,
    nullable: true,
    authScopes: { reader: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, { name }, ctx) => (await ctx.services.agents.get(name)) ?? null,
  }),
}));

builder.mutationFields((t) => ({
  createAgent: t.field({
    type: AgentRef,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateAgentInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.agents.create(
        { ...clean(input), model: input.model ? clean(input.model) : undefined },
        editorName(ctx),
      ),
  }),
  updateAgent: t.field({
    type: AgentRef,
    authScopes: { admin: true },
    description:
      'Updates the given fields and records a new version (Agent.versions) with who saved it and the optional note. With expectedVersion, a concurrent edit fails with CONFLICT (`extensions.currentVersion`).',
    args: {
      name: t.arg.string({ required: true }),
      input: t.arg({ type: UpdateAgentInput, required: true }),
      expectedVersion: t.arg.int(),
      note: t.arg.string(),
    },
    resolve: (_root, { name, input, expectedVersion, note }, ctx) =>
      ctx.services.agents.update(
        name,
        { ...clean(input), ...(input.model ? { model: clean(input.model) } : {}) },
        expectedVersion ?? undefined,
        { author: editorName(ctx), note: note?.trim() || undefined },
      ),
  }),
  deleteAgent: t.field({
    type: AgentRef,
    description:
      "Deletes a card and removes it from other cards' hand-offs. A built-in card stays deleted: later starts and upgrades do not create it again (a card created with its name is the shop's own, which upgrades leave alone). CONFLICT for the default agent.",
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, { name }, ctx) =>
      ctx.services.agents.delete(name, (await ctx.services.settings.get()).defaultAgent, editorName(ctx)),
  }),
  setAgentEnabled: t.field({
    type: AgentRef,
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }), enabled: t.arg.boolean({ required: true }) },
    resolve: (_root, { name, enabled }, ctx) => ctx.services.agents.setEnabled(name, enabled, editorName(ctx)),
  }),
}));

interface PromptPreview {
  systemPrompt: string;
  tools: { name: string; description: string; parameters: unknown }[];
}
const ToolSpecRef = builder.objectRef<PromptPreview['tools'][number]>('PromptTool').implement({
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Function name the model sees (server__tool or handoff_to_<Agent>).' }),
    description: t.exposeString('description'),
    parameters: t.field({ type: 'JSON', resolve: (s) => s.parameters }),
  }),
});
const PromptPreviewRef = builder.objectRef<PromptPreview>('AgentPrompt').implement({
  fields: (t) => ({
    systemPrompt: t.exposeString('systemPrompt'),
    tools: t.field({ type: [ToolSpecRef], resolve: (p) => p.tools }),
  }),
});

builder.queryFields((t) => ({
  agentPrompt: t.field({
    type: PromptPreviewRef,
    description: 'The exact system prompt and tool list the agent would get, in an empty or the given conversation.',
    authScopes: { reader: true },
    args: {
      name: t.arg.string({ required: true }),
      conversationId: t.arg.id(),
      draft: t.arg.boolean({ description: 'The card’s draft instead of its published version (staff only).' }),
    },
    resolve: async (_r, args, ctx) => {
      let card: AgentCard | undefined;
      if (args.draft) {
        if (!ctx.auth.isAdmin)
          throw new ForbiddenError(`Only staff may read card drafts, not ${ctx.auth.describe}`, {
            details: { field: 'draft' },
          });
        card = draftAsCard(await ctx.services.agentDrafts.require(args.name), await ctx.services.agents.get(args.name));
      }
      return previewAgentPrompt(
        ctx.services,
        args.name,
        args.conversationId ? String(args.conversationId) : undefined,
        card,
      );
    },
  }),
}));
