import type { GraphQLContext } from './context.js';

/** Who saved something (a card version, a plan edit): the API key's name, else the studio without auth. */
export function editorName(ctx: GraphQLContext): string {
  const p = ctx.auth.principal;
  return p.kind === 'key' ? p.name : 'studio (no auth)';
}
