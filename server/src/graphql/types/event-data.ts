import type { UnionRef } from '@pothos/core';
import type { z } from 'zod';
import { runModes } from '../../db/schema/conversations.js';
import { changeSummarySchema } from '../../domain/change-summary.js';
import { type BatonEvent, type EventType, eventDataSchemas, eventTypes, usageSchema } from '../../domain/events.js';
import { identityClaimSchema, identityLevels, identityPolicies } from '../../domain/identity.js';
import { planSchema, planTaskSchema } from '../../domain/plan.js';
import { builder } from '../builder.js';
import { type KnownObject, typeStem, ZodOutputTypes } from '../zod-output-types.js';
import { IdentityLevelEnum, IdentityPolicyEnum } from './identity.js';
import { PlanTaskRef } from './plan-task.js';
import { RunModeEnum } from './run-mode.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** `RUN_STARTED` → `RunStartedData`: the GraphQL type of an event type's `data`. */
export const eventDataTypeName = (type: EventType) => `${typeStem(type)}Data`;

const zodTypes = new ZodOutputTypes({
  enums: [
    [runModes, RunModeEnum],
    [identityLevels, IdentityLevelEnum],
    [identityPolicies, IdentityPolicyEnum],
  ],
  objects: new Map<z.ZodType, KnownObject>([
    [planTaskSchema, PlanTaskRef],
    [planSchema, 'Plan'],
    [usageSchema, 'Usage'],
    [changeSummarySchema, 'ChangeSummary'],
    [eventDataSchemas.SUGGESTION.shape.proposedToolCalls.element, 'ProposedToolCall'],
  ]),
  unions: new Map([[identityClaimSchema, { name: 'IdentityClaim', members: ['EmailClaim', 'NameZipClaim'] }]]),
});

/**
 * One object type per event type, built from `eventDataSchemas`. Each resolves on the event itself
 * (its `data` already redacted for the caller), so the union can tell the types apart by `type`.
 */
const dataTypes = eventTypes.map((type) =>
  zodTypes.object(eventDataTypeName(type), eventDataSchemas[type], {
    description: `The \`data\` of ${type} events.`,
    read: (e: BatonEvent) => e.data,
  }),
);

/** `Event.data`: the union of every event type's data, resolved by the event's type. */
export const EventDataUnion: UnionRef<Types, BatonEvent> = builder.unionType('EventData', {
  description:
    'The data of an event, one type per event type (RUN_STARTED → RunStartedData, …). Query it with inline fragments: `data { ... on MessageData { role text } }`.',
  types: dataTypes,
  resolveType: (e) => eventDataTypeName(e.type),
});
