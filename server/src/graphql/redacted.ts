import { redactJson, redactText } from '../privacy/redact.js';
import type { GraphQLContext } from './context.js';

/**
 * What a caller reads of text that may hold personal data: all of it with full-data access (admins,
 * the conversation's own token, keys granted full event data), redacted otherwise.
 */
export function textFor<T extends string | null | undefined>(ctx: GraphQLContext, text: T): T {
  return (ctx.auth.fullData || typeof text !== 'string' ? text : redactText(text)) as T;
}

/** The JSON counterpart of textFor: strings redacted, personal keys' values replaced. */
export function jsonFor<T>(ctx: GraphQLContext, value: T): T {
  return (ctx.auth.fullData ? value : redactJson(value)) as T;
}
