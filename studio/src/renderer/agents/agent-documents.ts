import { graphql, type ResultOf } from '../graphql/graphql.js';

export const AgentFields = graphql(`
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
  }
`);

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
  query AgentPrompt($name: String!) {
    agentPrompt(name: $name) {
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
