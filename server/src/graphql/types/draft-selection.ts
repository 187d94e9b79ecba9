import type { DraftSelection } from '../../agents/agent-drafts.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import type { GraphQLContext } from '../context.js';

/**
 * The drafts a conversation or an experiment asks for (`useDrafts` or `allDrafts`), resolved to the
 * names of drafts that exist now; undefined when it asks for none. Only staff may run against drafts.
 */
export async function draftsFor(
  ctx: GraphQLContext,
  input: { useDrafts?: string[] | null; allDrafts?: boolean | null } | null | undefined,
  prefix = 'input',
): Promise<string[] | undefined> {
  const names = input?.useDrafts ?? undefined;
  if (!input?.allDrafts && !names?.length) return undefined;
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  const field = input?.allDrafts ? at('allDrafts') : at('useDrafts');
  if (!ctx.auth.isAdmin)
    throw new ForbiddenError(`Only staff may run against card drafts, not ${ctx.auth.describe}`, {
      details: { field },
    });
  if (input?.allDrafts && names) throw ValidationError.single(at('useDrafts'), 'give useDrafts or allDrafts, not both');
  const selection: DraftSelection = input?.allDrafts ? 'all' : { names: [...new Set(names)] };
  return (await ctx.services.agentDrafts.resolve(selection, field)).map((d) => d.name);
}
