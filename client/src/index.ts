/**
 * `@baton/client`: a typed client for Baton conversations, for storefronts in the browser and for Node 20+.
 *
 * @packageDocumentation
 */
export {
  type BatonClient,
  type BatonClientOptions,
  type Brand,
  type ConversationSession,
  createBatonClient,
  type StartConversationInput,
} from './baton-client.js';
export {
  type ConnectionState,
  Conversation,
  type ConversationListener,
  type SentMessage,
  type TransportKind,
} from './conversation.js';
export { BatonClientError, type BatonErrorCode } from './errors.js';
export {
  type AnyEvent,
  type BatonEvent,
  type EventDataMap,
  type EventType,
  isEvent,
  type PlanTask,
  runEndTypes,
  type Usage,
} from './events.js';
export type { FetchLike } from './http-request.js';
export type { StorageLike, StoredSession } from './session-store.js';
export {
  type ChangeCard,
  type FormFieldView,
  formAnswer,
  heldChangeCard,
  narrowsSearch,
  type OrderSummary,
  orderCardsKept,
  type ProductLine,
  type ToolCard,
  toolCard,
} from './tool-cards.js';
