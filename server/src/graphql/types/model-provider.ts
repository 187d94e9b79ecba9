import { OFFLINE_MODEL } from '../../models/create-model-provider.js';
import { builder } from '../builder.js';

interface ModelProviderInfo {
  name: string;
  ruleBased: boolean;
  defaultModel: string;
  plannerModel: string;
}

const ModelProviderRef = builder.objectRef<ModelProviderInfo>('ModelProvider').implement({
  description:
    'The model provider this server runs agents with. Clients show it next to every reply, so nobody judges a card by a stand-in’s answers without knowing.',
  fields: (t) => ({
    name: t.exposeString('name', { description: '`offline` or `openai`.' }),
    ruleBased: t.exposeBoolean('ruleBased', {
      description: 'True for the offline provider: deterministic rules that read the prompt, not a language model.',
    }),
    defaultModel: t.exposeString('defaultModel', {
      description: 'The model an agent uses unless its card names one (`offline-rules` for the stand-in).',
    }),
    plannerModel: t.exposeString('plannerModel', { description: 'The model PlannerAgent uses.' }),
    description: t.string({
      resolve: (p) =>
        p.ruleBased
          ? 'Offline rule-based stand-in, not a language model: it plans by matching card skills and picks tools by the arguments it can read from the message. Card instructions and brand voice change its replies little; configure an OpenAI-compatible provider to judge them.'
          : `Language model through the ${p.name} provider.`,
    }),
  }),
});

builder.queryFields((t) => ({
  modelProvider: t.field({
    type: ModelProviderRef,
    authScopes: { reader: true },
    resolve: (_root, _args, ctx) => {
      const { models, config } = ctx.services;
      const defaultModel = models.ruleBased ? OFFLINE_MODEL : config.model.defaultModel;
      return {
        name: models.name,
        ruleBased: models.ruleBased,
        defaultModel,
        plannerModel: models.ruleBased ? OFFLINE_MODEL : (config.model.plannerModel ?? defaultModel),
      };
    },
  }),
}));
