import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { ForbiddenError, issuesFromStandard, UnauthenticatedError, ValidationError } from '../errors.js';
import { unknownIdError } from './arg-validators.js';
import type { GraphQLContext } from './context.js';

/** The schema builder: plugins and scalars' TypeScript types only. Types live in `types/`. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: {
    /** Manages agents, settings and tools. */
    admin: boolean;
    /** Reads conversations and the event feed (admin, integrator or support). */
    reader: boolean;
    /** Works the desk: claims, replies as a person, hands back, resolves, updates tickets (admin or support). */
    support: boolean;
    /** Any API key or conversation token (anonymous only with AUTH_MODE=off). */
    authenticated: boolean;
    /** May read and write this one conversation. */
    conversation: string;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, RelayPlugin, ValidationPlugin],
  relay: { clientMutationId: 'omit', cursorType: 'String' },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      admin: ctx.auth.isAdmin,
      reader: ctx.auth.isReader,
      support: ctx.auth.isSupport,
      authenticated: ctx.auth.principal.kind !== 'anonymous' || ctx.auth.isAdmin,
      conversation: (conversationId) => ctx.auth.canAccessConversation(conversationId),
    }),
    unauthorizedError: (_parent, ctx, info) =>
      ctx.auth.principal.kind === 'anonymous'
        ? new UnauthenticatedError(`Sign in with an API key or conversation token to use ${info.fieldName}`)
        : new ForbiddenError(`Not allowed: ${info.parentType.name}.${info.fieldName} for ${ctx.auth.describe}`),
  },
  validation: {
    // An id that names nothing (arg-validators' rowId) is NOT_FOUND, whatever else was wrong.
    validationError: (result) =>
      unknownIdError(result.issues) ?? new ValidationError(issuesFromStandard(result.issues ?? [])),
  },
});
