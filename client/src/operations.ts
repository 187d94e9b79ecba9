import { operation } from './graphql.js';

export const StartConversation = operation(`
  mutation StartConversation($input: StartConversationInput) {
    startConversation(input: $input) { conversation { id customerId } token }
  }
`);

export const SendMessage = operation(`
  mutation SendMessage($conversationId: ID!, $text: String!) {
    sendMessage(conversationId: $conversationId, text: $text) { id status }
  }
`);

export const WithdrawHumanRequest = operation(`
  mutation WithdrawHumanRequest($conversationId: ID!) {
    withdrawHumanRequest(conversationId: $conversationId) { state }
  }
`);

export const ConversationRuns = operation(`
  query ConversationRuns($id: ID!) {
    conversation(id: $id) { id customerId runs { id status } }
  }
`);

export const ConversationEvents = operation(`
  subscription ConversationEvents($conversationId: ID!, $after: ID) {
    conversationEvents(conversationId: $conversationId, after: $after) {
      id type runId taskId agentName createdAt
      data {
        __typename
        ... on RunStartedData { mode messageEventId }
        ... on PlanData {
          plan { refuse tasks { id agent instruction statusMessage dependsOn } }
          source attempts fallbackReason errors streamedTaskIds editedBy editReason
          usage { promptTokens completionTokens totalTokens }
        }
        ... on TaskStartedData { statusMessage instruction }
        ... on MessageDeltaData { delta }
        ... on MessageData { role text author final usage { promptTokens completionTokens totalTokens } }
        ... on ToolCallData {
          tool callId arguments toolOutput: output toolError: error toolErrorCode: code refused consented preview change { title lines } madeBy identifiedCustomerId durationMs
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
        ... on SuggestionData { answersMessageEventId: messageEventId text agents proposedToolCalls { tool arguments } }
        ... on IdentityData {
          level method customerId verifiedUntil policy
          claim { ... on EmailClaim { email } ... on NameZipClaim { firstName lastName zip } }
          codeRefused { reason triesLeft }
        }
      }
    }
  }
`);

export const BrandQuery = operation(`
  query Brand {
    brand { name color greeting }
  }
`);
