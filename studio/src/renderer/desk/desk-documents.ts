import { graphql } from '../graphql/graphql.js';

export const OwnershipFields = graphql(`
  fragment OwnershipFields on Ownership {
    conversationId
    state
    human
    reason
    requestedBy
    requestedAt
    claimedAt
    updatedAt
    ticket {
      id
      reference
      status
      priority
      summary
      assignee
      internalNote
      customerName
      customerEmail
      customerPhone
    }
  }
`);

export const DeskQueueQuery = graphql(
  `
  query DeskQueue {
    deskQueue {
      ...OwnershipFields
      lastMessage {
        agentName
        createdAt
        data {
          ... on MessageData {
            role
            author
            text
          }
        }
      }
    }
  }
`,
  [OwnershipFields],
);

export const DeskQueueSubscription = graphql(
  `
  subscription DeskQueueChanges {
    deskQueue {
      ...OwnershipFields
    }
  }
`,
  [OwnershipFields],
);

export const DeskConversationQuery = graphql(
  `
  query DeskConversation($id: ID!) {
    conversation(id: $id) {
      id
      title
      ownership {
        ...OwnershipFields
        customer {
          customerId
          identifiedBy
          name
          email
          orders {
            id
            status
            items
            total
          }
        }
      }
    }
  }
`,
  [OwnershipFields],
);

export const ClaimMutation = graphql(
  `
  mutation ClaimConversation($id: ID!, $as: String, $afterWithdrawal: ID) {
    claimConversation(conversationId: $id, as: $as, afterWithdrawal: $afterWithdrawal) {
      ...OwnershipFields
    }
  }
`,
  [OwnershipFields],
);

export const SendHumanMessageMutation = graphql(`
  mutation SendHumanMessage($id: ID!, $text: String!, $as: String) {
    sendHumanMessage(conversationId: $id, text: $text, as: $as) {
      id
    }
  }
`);

export const MakeProposedChangeMutation = graphql(`
  mutation MakeProposedChange($id: ID!, $proposal: ID!, $index: Int, $as: String) {
    makeProposedChange(conversationId: $id, proposalEventId: $proposal, index: $index, as: $as) {
      id
      data {
        ... on ToolCallData {
          error
          code
        }
      }
    }
  }
`);

export const SendVerificationCodeMutation = graphql(`
  mutation SendVerificationCode(
    $id: ID!
    $email: String
    $firstName: String
    $lastName: String
    $zip: String
    $as: String
  ) {
    sendVerificationCode(
      conversationId: $id
      email: $email
      firstName: $firstName
      lastName: $lastName
      zip: $zip
      as: $as
    ) {
      id
    }
  }
`);

export const HandBackMutation = graphql(
  `
  mutation HandBack($id: ID!, $note: String, $as: String) {
    handBackConversation(conversationId: $id, note: $note, as: $as) {
      ...OwnershipFields
    }
  }
`,
  [OwnershipFields],
);

export const ResolveMutation = graphql(
  `
  mutation Resolve($id: ID!, $as: String) {
    resolveConversation(conversationId: $id, as: $as) {
      ...OwnershipFields
    }
  }
`,
  [OwnershipFields],
);

export const UpdateTicketMutation = graphql(`
  mutation UpdateTicket($id: ID!, $input: UpdateTicketInput!) {
    updateTicket(id: $id, input: $input) {
      id
      status
      priority
      summary
      assignee
      internalNote
    }
  }
`);

export const TicketsByReferenceQuery = graphql(`
  query TicketsByReference($reference: String!) {
    tickets(reference: $reference, first: 10) {
      id
      reference
      summary
      status
      conversationId
    }
  }
`);
