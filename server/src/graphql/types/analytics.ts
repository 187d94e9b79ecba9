import { type AgentStats, agentAnalytics, type DayStats } from '../../analytics/agent-analytics.js';
import { builder } from '../builder.js';

const AgentStatsRef = builder.objectRef<AgentStats>('AgentStats').implement({
  description: "One agent's figures in the window. PlannerAgent's row has the plans and plan fallbacks.",
  fields: (t) => ({
    agent: t.exposeString('agent'),
    runs: t.exposeInt('runs'),
    tasks: t.exposeInt('tasks'),
    conversations: t.exposeInt('conversations'),
    contained: t.exposeInt('contained', { description: 'Conversations it worked in that never asked for a person.' }),
    containment: t.float({
      nullable: true,
      resolve: (s) => (s.conversations ? s.contained / s.conversations : null),
    }),
    handoffs: t.exposeInt('handoffs'),
    handoffRate: t.float({ nullable: true, resolve: (s) => (s.tasks ? s.handoffs / s.tasks : null) }),
    latencyP50Ms: t.exposeInt('latencyP50Ms', { nullable: true }),
    latencyP95Ms: t.exposeInt('latencyP95Ms', { nullable: true }),
    tokens: t.exposeInt('tokens'),
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
    planFallbacks: t.exposeInt('planFallbacks'),
    humanRequests: t.exposeInt('humanRequests'),
  }),
});

const AnalyticsRef = builder.objectRef<{ agents: AgentStats[]; days: DayStats[] }>('Analytics').implement({
  fields: (t) => ({
    agents: t.field({ type: [AgentStatsRef], resolve: (a) => a.agents }),
    days: t.field({ type: [DayStatsRef], resolve: (a) => a.days }),
  }),
});

builder.queryFields((t) => ({
  analytics: t.field({
    type: AnalyticsRef,
    description: 'Per agent and per day over a time window (at most 366 days), computed from the event log.',
    authScopes: { reader: true },
    args: { since: t.arg({ type: 'DateTime', required: true }), until: t.arg({ type: 'DateTime', required: true }) },
    resolve: (_r, args, ctx) => agentAnalytics(ctx.services.database, args.since, args.until),
  }),
}));
