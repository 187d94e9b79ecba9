import { graphql, type ResultOf } from '../graphql/graphql.js';

/** A card's draft: the designer's working copy, which live traffic does not see. */
export const CardDraftFields = graphql(`
  fragment CardDraftFields on AgentDraft {
    name
    revision
    baseVersion
    published
    author
    updatedAt
    description
    skills
    instructions
    tools
    handoffs
    enabled
    maxSteps
    model {
      provider
      model
      temperature
      timeoutMs
    }
  }
`);

export type CardDraftData = ResultOf<typeof CardDraftFields>;

export const AgentFields = graphql(
  `
  fragment AgentFields on Agent {
    id
    name
    description
    skills
    instructions
    tools
    handoffs
    enabled
    maxSteps
    builtin
    version
    updatedAt
    model {
      provider
      model
      temperature
      timeoutMs
    }
    draft {
      ...CardDraftFields
    }
  }
`,
  [CardDraftFields],
);

export type AgentData = ResultOf<typeof AgentFields>;

export const AgentsQuery = graphql(
  `
  query Agents {
    agents {
      ...AgentFields
    }
  }
`,
  [AgentFields],
);

/** Every draft, including new cards that exist only as drafts (the cards list and the playground). */
export const AgentDraftsQuery = graphql(
  `
  query AgentDrafts {
    agentDrafts {
      ...CardDraftFields
    }
  }
`,
  [CardDraftFields],
);

export const AgentDraftQuery = graphql(
  `
  query AgentDraft($name: String!) {
    agentDraft(name: $name) {
      ...CardDraftFields
    }
  }
`,
  [CardDraftFields],
);

export const SaveAgentDraftMutation = graphql(
  `
  mutation SaveAgentDraft($name: String!, $input: UpdateAgentInput!, $expectedRevision: Int, $expectedVersion: Int) {
    saveAgentDraft(name: $name, input: $input, expectedRevision: $expectedRevision, expectedVersion: $expectedVersion) {
      ...CardDraftFields
    }
  }
`,
  [CardDraftFields],
);

export const CreateAgentDraftMutation = graphql(
  `
  mutation CreateAgentDraft($input: CreateAgentInput!) {
    createAgentDraft(input: $input) {
      ...CardDraftFields
    }
  }
`,
  [CardDraftFields],
);

export const PublishAgentDraftMutation = graphql(
  `
  mutation PublishAgentDraft($name: String!, $expectedRevision: Int, $expectedVersion: Int) {
    publishAgentDraft(name: $name, expectedRevision: $expectedRevision, expectedVersion: $expectedVersion) {
      ...AgentFields
    }
  }
`,
  [AgentFields],
);

export const DiscardAgentDraftMutation = graphql(`
  mutation DiscardAgentDraft($name: String!, $expectedRevision: Int) {
    discardAgentDraft(name: $name, expectedRevision: $expectedRevision) {
      name
      revision
    }
  }
`);

export const SetAgentEnabledMutation = graphql(
  `
  mutation SetAgentEnabled($name: String!, $enabled: Boolean!) {
    setAgentEnabled(name: $name, enabled: $enabled) {
      ...AgentFields
    }
  }
`,
  [AgentFields],
);

export const CreateAgentMutation = graphql(
  `
  mutation CreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) {
      ...AgentFields
    }
  }
`,
  [AgentFields],
);

export const UpdateAgentMutation = graphql(
  `
  mutation UpdateAgent($name: String!, $input: UpdateAgentInput!, $expectedVersion: Int) {
    updateAgent(name: $name, input: $input, expectedVersion: $expectedVersion) {
      ...AgentFields
    }
  }
`,
  [AgentFields],
);

export const DeleteAgentMutation = graphql(`
  mutation DeleteAgent($name: String!) {
    deleteAgent(name: $name) {
      id
      name
    }
  }
`);

export const AgentPromptQuery = graphql(`
  query AgentPrompt($name: String!, $draft: Boolean) {
    agentPrompt(name: $name, draft: $draft) {
      systemPrompt
      tools {
        name
        description
        parameters
      }
    }
  }
`);

export const AgentQuery = graphql(
  `
  query Agent($name: String!) {
    agent(name: $name) {
      ...AgentFields
      handoffFrom
    }
  }
`,
  [AgentFields],
);

export const AgentVersionsQuery = graphql(`
  query AgentVersions($name: String!, $from: Int!, $to: Int) {
    agent(name: $name) {
      id
      version
      versions {
        version
        author
        note
        createdAt
      }
      draft {
        revision
        baseVersion
        author
        updatedAt
        changes {
          field
        }
      }
      versionDiff(from: $from, to: $to) {
        field
        before
        after
      }
    }
  }
`);

export const RollbackAgentMutation = graphql(
  `
  mutation RollbackAgent($name: String!, $version: Int!, $expectedVersion: Int) {
    rollbackAgent(name: $name, version: $version, expectedVersion: $expectedVersion) {
      ...AgentFields
    }
  }
`,
  [AgentFields],
);

/**
 * Built-in cards the designers edited whose content a Baton upgrade changed: offered, not written. With the offers
 * they declined ("Keep mine"), which can still be applied.
 */
export const BuiltinUpdatesQuery = graphql(`
  query BuiltinUpdates {
    builtinUpdates(includeDeclined: true) {
      kind
      name
      reason
      offer
      changes {
        field
        before
        after
      }
      declined {
        by
        at
      }
    }
  }
`);

export type BuiltinUpdateData = ResultOf<typeof BuiltinUpdatesQuery>['builtinUpdates'][number];

export const ApplyBuiltinUpdateMutation = graphql(`
  mutation ApplyBuiltinUpdate($kind: BuiltinKind!, $name: String!, $expectedVersion: Int, $offer: String) {
    applyBuiltinUpdate(kind: $kind, name: $name, expectedVersion: $expectedVersion, offer: $offer)
  }
`);

export const DeclineBuiltinUpdateMutation = graphql(`
  mutation DeclineBuiltinUpdate($kind: BuiltinKind!, $name: String!, $expectedVersion: Int, $offer: String) {
    declineBuiltinUpdate(kind: $kind, name: $name, expectedVersion: $expectedVersion, offer: $offer) {
      by
      at
    }
  }
`);
