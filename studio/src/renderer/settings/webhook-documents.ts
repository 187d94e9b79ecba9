import { graphql, type ResultOf } from '../graphql/graphql.js';

export const WebhookEndpointFields = graphql(`
  fragment WebhookEndpointFields on WebhookEndpoint {
    id
    url
    description
    eventTypes
    fullEventData
    enabled
    disabledReason
    consecutiveFailures
  }
`);
export type WebhookEndpointData = ResultOf<typeof WebhookEndpointFields>;

export const WebhookEndpointsQuery = graphql(
  `
  query WebhookEndpoints {
    webhookEndpoints {
      ...WebhookEndpointFields
    }
  }
`,
  [WebhookEndpointFields],
);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($id: ID!) {
    webhookEndpoint(id: $id) {
      id
      deliveries(first: 50) {
        id
        eventId
        eventType
        conversationId
        status
        attempts
        lastStatusCode
        lastError
        lastAttemptAt
        deliveredAt
        createdAt
      }
    }
  }
`);

export const RegisterWebhookEndpointMutation = graphql(
  `
  mutation RegisterWebhookEndpoint($input: RegisterWebhookEndpointInput!) {
    registerWebhookEndpoint(input: $input) {
      endpoint {
        ...WebhookEndpointFields
      }
      secret
    }
  }
`,
  [WebhookEndpointFields],
);

export const UpdateWebhookEndpointMutation = graphql(
  `
  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(id: $id, input: $input) {
      ...WebhookEndpointFields
    }
  }
`,
  [WebhookEndpointFields],
);

export const ResendWebhookDeliveryMutation = graphql(`
  mutation ResendWebhookDelivery($id: ID!) {
    resendWebhookDelivery(id: $id) {
      id
      status
      attempts
    }
  }
`);
