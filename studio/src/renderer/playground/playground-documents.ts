import { graphql } from '../graphql/graphql.js';
import { EventFields } from '../lib/baton-event.js';

export const StartConversationMutation = graphql(`
  mutation StartConversation($input: StartConversationInput) {
    startConversation(input: $input) {
      conversation {
        id
        customerId
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($conversationId: ID!, $text: String!, $mode: RunMode) {
    sendMessage(conversationId: $conversationId, text: $text, mode: $mode) {
      id
      status
      mode
    }
  }
`);

export const ConversationQuery = graphql(`
  query Conversation($id: ID!) {
    conversation(id: $id) {
      id
      title
      customerId
      createdAt
    }
  }
`);

export const ConversationEventsSubscription = graphql(
  `
  subscription ConversationEvents($conversationId: ID!, $after: ID) {
    conversationEvents(conversationId: $conversationId, after: $after) {
      ...EventFields
    }
  }
`,
  [EventFields],
);

export const StepRunMutation = graphql(`
  mutation StepRun($id: ID!) {
    stepRun(id: $id) {
      id
      status
    }
  }
`);

export const ContinueRunMutation = graphql(`
  mutation ContinueRun($id: ID!) {
    continueRun(id: $id) {
      id
      status
    }
  }
`);

export const CancelRunMutation = graphql(`
  mutation CancelRun($id: ID!) {
    cancelRun(id: $id) {
      id
      status
    }
  }
`);

export const EditPlanMutation = graphql(`
  mutation EditPlan($runId: ID!, $edits: [PlanTaskEditInput!]!) {
    editPlan(runId: $runId, edits: $edits) {
      id
      status
    }
  }
`);
