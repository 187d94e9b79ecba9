import { graphql, type ResultOf } from '../graphql/graphql.js';

/** Every tool the connected MCP servers offer, for the card editor's picker. */
export const ToolsQuery = graphql(`
  query Tools {
    tools {
      name
      server
      description
    }
  }
`);

export type ToolData = ResultOf<typeof ToolsQuery>['tools'][number];
