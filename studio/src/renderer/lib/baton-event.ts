import { graphql, type ResultOf } from '../graphql/graphql.js';
import type { EventDataByType } from './event-data.js';

/** The event fields every view reads. */
export const EventFields = graphql(`
  fragment EventFields on Event {
    id
    type
    conversationId
    runId
    taskId
    agentName
    data
    createdAt
  }
`);

/** The schema's EventType enum. */
export type EventType = ResultOf<typeof EventFields>['type'];

/**
 * An event with its `data` typed per type (lib/event-data.ts, after docs/api.md): GraphQL carries `data`
 * as JSON, the union gives it back its shape.
 */
export type StudioEvent = {
  [T in EventType]: {
    id: string | null;
    type: T;
    conversationId: string;
    runId: string | null;
    taskId: string | null;
    agentName: string | null;
    createdAt: string;
    data: EventDataByType[T];
  };
}[EventType];

export type StudioEventOf<T extends EventType> = Extract<StudioEvent, { type: T }>;

export const toStudioEvent = (e: ResultOf<typeof EventFields>): StudioEvent => e as StudioEvent;

export const isType = <T extends EventType>(e: StudioEvent, type: T): e is StudioEventOf<T> => e.type === type;
