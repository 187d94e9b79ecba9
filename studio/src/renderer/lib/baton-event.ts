import { graphql, type ResultOf } from '../graphql/graphql.js';

/**
 * The event fields every view reads, `data` typed per event type by the schema's EventData union.
 * Fields that share a name but not a type across data types are aliased (GraphQL cannot merge them):
 * RunPausedData.reason → pauseReason, ResolvedData.note → resolveNote, SuggestionData.messageEventId →
 * answersMessageEventId, ToolCallData.output/error/code → toolOutput/toolError/toolErrorCode,
 * ToolCallData.reason/details (a store refusal's) → refusalReason/refusalFacts.
 */
export const EventFields = graphql(`
  fragment EventFields on Event {
    id
    type
    conversationId
    runId
    taskId
    agentName
    createdAt
    data {
      __typename
      ... on RunStartedData { mode messageEventId }
      ... on PlanData {
        plan { refuse tasks { id agent instruction statusMessage dependsOn } }
        source attempts fallbackReason errors streamedTaskIds edit editedBy editReason
        usage { promptTokens completionTokens totalTokens }
      }
      ... on TaskStartedData { statusMessage instruction }
      ... on MessageDeltaData { delta }
      ... on MessageData { role text author final usage { promptTokens completionTokens totalTokens } }
      ... on ToolCallData {
        tool callId arguments toolOutput: output toolError: error toolErrorCode: code refusalReason: reason refusalFacts: details
        refused consented preview change { title lines } madeBy proposalEventId identifiedCustomerId durationMs
        usage { promptTokens completionTokens totalTokens }
      }
      ... on HandoffData { from to reason }
      ... on TaskCompletedData { output durationMs }
      ... on TaskFailedData { error code }
      ... on RunPausedData { nextTaskIds pauseReason: reason }
      ... on RunResumedData { owner fromTaskIds }
      ... on RunCompletedData { reply durationMs failedTaskIds }
      ... on RunFailedData { code reason message }
      ... on RunCancelledData { reason }
      ... on HumanRequestedData { by reason ticketId }
      ... on HumanJoinedData { human ticketId }
      ... on HandedBackData { human note }
      ... on ResolvedData { by resolveNote: note ticketId }
      ... on HumanRequestWithdrawnData { by via ticketId }
      ... on SuggestionData { answersMessageEventId: messageEventId text agents proposedToolCalls { tool arguments change { title lines } } }
      ... on IdentityData {
        level method customerId verifiedUntil policy
        claim { ... on EmailClaim { email } ... on NameZipClaim { firstName lastName zip } }
        codeRefused { reason triesLeft }
      }
    }
  }
`);

type EventResult = ResultOf<typeof EventFields>;

/** The schema's EventType enum. */
export type EventType = EventResult['type'];

/** `RUN_STARTED` → `RunStarted`, as the schema names each event type's data (`RunStartedData`). */
type Stem<S extends string> = S extends `${infer Head}_${infer Rest}`
  ? `${Capitalize<Lowercase<Head>>}${Stem<Rest>}`
  : Capitalize<Lowercase<S>>;

/** The schema's data type of one event type, as EventFields selects it. */
export type EventDataOf<T extends EventType> = Extract<EventResult['data'], { __typename: `${Stem<T>}Data` }>;

/** An event whose `type` narrows its `data`, every shape from the schema. */
export type StudioEvent = {
  [T in EventType]: Omit<EventResult, 'type' | 'data'> & { type: T; data: EventDataOf<T> };
}[EventType];

export type StudioEventOf<T extends EventType> = Extract<StudioEvent, { type: T }>;

export type Plan = EventDataOf<'PLAN'>['plan'];
export type PlanTask = Plan['tasks'][number];

/** The server resolves `data` by the event's type, so `type` and `data.__typename` always agree. */
export const toStudioEvent = (e: EventResult): StudioEvent => e as StudioEvent;

export const isType = <T extends EventType>(e: StudioEvent, type: T): e is StudioEventOf<T> => e.type === type;
