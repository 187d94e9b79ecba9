import { type AgentStats, type Analytics, agentAnalytics, type DayStats } from '../../analytics/agent-analytics.js';
import { builder } from '../builder.js';

const costDescription = 'Cost of the tokens whose model has a price (Settings.modelPrices); null when none has one.';
const unpricedDescription = 'Tokens whose model has no price, or was not recorded: not in `cost`.';

const AgentStatsRef = builder.objectRef<AgentStats>('AgentStats').implement({
  description: "One agent's figures in the window. PlannerAgent's row has the plans and plan fallbacks.",
  fields: (t) => ({
    agent: t.exposeString('agent'),
    runs: t.exposeInt('runs', {
      description:
        'Runs in which the agent started a task (PlannerAgent: made a plan), counted where it started its first.',
    }),
    tasks: t.exposeInt('tasks'),
    conversations: t.exposeInt('conversations', {
      description: 'Conversations in which the agent started its first task within the window.',
    }),
    contained: t.exposeInt('contained', {
      description:
        'Of those conversations, the ones that did not ask for a person afterwards, or withdrew every request before a colleague claimed it.',
    }),
    containment: t.float({
      nullable: true,
      resolve: (s) => (s.conversations ? s.contained / s.conversations : null),
    }),
    handoffs: t.exposeInt('handoffs'),
    handoffRate: t.float({ nullable: true, resolve: (s) => (s.tasks ? s.handoffs / s.tasks : null) }),
    latencyP50Ms: t.exposeInt('latencyP50Ms', {
      nullable: true,
      description: 'Task latency, median: within 1% of the exact figure (read from a histogram of 2% bins).',
    }),
    latencyP95Ms: t.exposeInt('latencyP95Ms', { nullable: true, description: 'Task latency, 95th percentile (±1%).' }),
    tokens: t.exposeInt('tokens'),
    cost: t.exposeFloat('cost', { nullable: true, description: costDescription }),
    unpricedTokens: t.exposeInt('unpricedTokens', { description: unpricedDescription }),
    toolCalls: t.exposeInt('toolCalls'),
    toolErrors: t.exposeInt('toolErrors'),
    toolErrorRate: t.float({ nullable: true, resolve: (s) => (s.toolCalls ? s.toolErrors / s.toolCalls : null) }),
    plans: t.exposeInt('plans'),
    planFallbacks: t.exposeInt('planFallbacks'),
  }),
});

const DayStatsRef = builder.objectRef<DayStats>('DayStats').implement({
  fields: (t) => ({
    day: t.exposeString('day', { description: 'YYYY-MM-DD (UTC).' }),
    runs: t.exposeInt('runs'),
    tasks: t.exposeInt('tasks'),
    handoffs: t.exposeInt('handoffs'),
    toolErrors: t.exposeInt('toolErrors'),
    tokens: t.exposeInt('tokens'),
    cost: t.exposeFloat('cost', { nullable: true, description: costDescription }),
    unpricedTokens: t.exposeInt('unpricedTokens', { description: unpricedDescription }),
    planFallbacks: t.exposeInt('planFallbacks'),
    humanRequests: t.exposeInt('humanRequests'),
  }),
});

const AnalyticsRef = builder.objectRef<Analytics>('Analytics').implement({
  fields: (t) => ({
    agents: t.field({ type: [AgentStatsRef], resolve: (a) => a.agents }),
    days: t.field({ type: [DayStatsRef], resolve: (a) => a.days }),
    currency: t.exposeString('currency', {
      nullable: true,
      description: 'The currency of every cost (one for all model prices); null when no model has a price.',
    }),
  }),
});

builder.queryFields((t) => ({
  analytics: t.field({
    type: AnalyticsRef,
    description:
      'Per agent and per day over a time window (at most 366 days): closed hours from the rollup, the rest live from the event log.',
    authScopes: { reader: true },
    args: { since: t.arg({ type: 'DateTime', required: true }), until: t.arg({ type: 'DateTime', required: true }) },
    resolve: async (_r, args, ctx) => {
      const { database, analytics, settings } = ctx.services;
      const prices = (await settings.get()).modelPrices;
      return agentAnalytics({ database, rollup: analytics, prices }, args.since, args.until);
    },
  }),
}));
