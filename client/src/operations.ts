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

export const ConversationRuns = operation(`
  query ConversationRuns($id: ID!) {
    conversation(id: $id) { id customerId runs { id status } }
  }
`);

export const ConversationEvents = operation(`
  subscription ConversationEvents($conversationId: ID!, $after: ID) {
    conversationEvents(conversationId: $conversationId, after: $after) {
      id type runId taskId agentName data createdAt
    }
  }
`);

export const BrandQuery = operation(`
  query Brand {
    brand { name color greeting }
  }
`);
