import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './types/scalars.js';
import './types/identity.js';
import './types/agents.js';
import './types/agent-versions.js';
import './types/settings.js';
import './types/events.js';
import './types/runs.js';
import './types/conversations.js';
import './types/agent-drafts.js';
import './types/tools.js';
import './types/mcp-servers.js';
import './types/knowledge.js';
import './types/builtin-updates.js';
import './types/tickets.js';
import './types/model-provider.js';
import './types/run-question.js';
import './types/plan-review.js';
import './types/chat-state-at.js';
import './types/desk.js';
import './types/webhooks.js';
import './types/privacy.js';
import './types/experiments.js';
import './types/analytics.js';
import './types/viewer.js';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

let schema: GraphQLSchema | undefined;
/** The schema is built once per process: Pothos builders are not re-entrant. */
export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: false });
  return schema;
}

/** The printed, sorted SDL that `schema/schema.graphql` holds. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(getSchema()))}\n`;
}
