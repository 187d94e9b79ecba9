import { graphql } from '../graphql/graphql.js';
import { EventFields } from '../lib/baton-event.js';

export const StartConversationMutation = graphql(`
  mutation StartConversation($input: StartConversationInput) {
    startConversation(input: $input) {
      conversation {
        id
        customerId
        drafts
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($conversationId: ID!, $text: String!, $mode: RunMode, $reviewPlan: Boolean) {
    sendMessage(conversationId: $conversationId, text: $text, mode: $mode, reviewPlan: $reviewPlan) {
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
      drafts
    }
  }
`);

/** The card drafts a run was started against (empty: the published cards), for the inspector. */
export const RunDraftsQuery = graphql(`
  query RunDrafts($id: ID!) {
    run(id: $id) {
      id
      drafts
    }
  }
`);

/** Whether the studio's credentials may drive (pause, step, continue, edit) and cancel this run. */
export const RunControlsQuery = graphql(`
  query RunControls($id: ID!) {
    run(id: $id) {
      id
      viewerDrives
      viewerCancels
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
  mutation EditPlan($runId: ID!, $edits: [PlanTaskEditInput!], $add: [PlanTaskAddInput!], $reason: String) {
    editPlan(runId: $runId, edits: $edits, add: $add, reason: $reason) {
      id
      status
    }
  }
`);

export const PauseRunMutation = graphql(`
  mutation PauseRun($id: ID!) {
    pauseRun(id: $id) {
      id
      status
      pauseRequested
    }
  }
`);

export const PlanVersionsQuery = graphql(`
  query PlanVersions($id: ID!, $from: Int!, $to: Int) {
    run(id: $id) {
      id
      planVersions {
        version
        source
        by
        reason
        createdAt
        tasks {
          id
          agent
        }
      }
      planDiff(from: $from, to: $to) {
        kind
        taskId
        field
        before
        after
      }
    }
  }
`);
