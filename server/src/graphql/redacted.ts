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

/**
 * textFor for text that may hold JSON (a tool message's content, a tool call's arguments, as the model is
 * given them): JSON is parsed, redacted as jsonFor redacts an event's data (personal keys' values replaced
 * whole: an address object, a zip), and written out again; any other text is redacted as textFor does.
 */
export function jsonTextFor<T extends string | null | undefined>(ctx: GraphQLContext, text: T): T {
  if (ctx.auth.fullData || typeof text !== 'string') return text;
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return redactText(text) as T;
    }
    return JSON.stringify(redactJson(parsed)) as T;
  }
  return redactText(text) as T;
}
