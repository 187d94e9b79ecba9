import type { CombinedError } from '@urql/core';

export interface FieldIssue {
  field: string;
  message: string;
}

/** Server-side validation failures by field path (e.g. `input.name`, `input.tools.0`), and the rest as one message. */
export interface FormErrors {
  fields: Record<string, string>;
  message: string | null;
}

export const noErrors: FormErrors = { fields: {}, message: null };

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A server message as a designer reads it: "Run 3df95334-… is not paused" becomes "This run is not
 * paused". The view already says which run or conversation it is about; a raw id adds nothing.
 */
export function withoutIds(message: string): string {
  const nouns = '(run|conversation|api key)';
  const text = message
    .replace(
      new RegExp(`\\bno ${nouns}\\s+${uuid}`, 'gi'),
      (_, noun: string) => `there is no such ${noun.toLowerCase()}`,
    )
    .replace(new RegExp(`\\b${nouns}\\s+${uuid}`, 'gi'), (_, noun: string) => `this ${noun.toLowerCase()}`)
    .replace(new RegExp(`\\s*\\(?${uuid}\\)?`, 'gi'), '');
  return text === message ? message : text.charAt(0).toUpperCase() + text.slice(1);
}

/** Reads VALIDATION_FAILED errors (`extensions.field` and `extensions.issues`) into a per-field map. */
export function toFormErrors(error: CombinedError | undefined | null): FormErrors {
  if (!error) return noErrors;
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const e of error.graphQLErrors) {
    const ext = e.extensions as { code?: string; field?: string | null; issues?: FieldIssue[] };
    if (ext.code === 'VALIDATION_FAILED') {
      const issues = ext.issues?.length ? ext.issues : ext.field ? [{ field: ext.field, message: e.message }] : [];
      for (const issue of issues) fields[issue.field] ??= issue.message;
      if (!issues.length) other.push(withoutIds(e.message));
    } else other.push(withoutIds(e.message));
  }
  if (error.networkError) other.push(`Cannot reach the server: ${error.networkError.message}`);
  return { fields, message: other.length ? [...new Set(other)].join(' · ') : null };
}

/**
 * All of it as one line, for a view with no input of its own for each field: the message, else each field's error
 * under its label ("Your name: without API keys, say who you are"). A field-only error shown as `.message` alone
 * showed nothing.
 */
export function errorSummary(errors: FormErrors, labels: Readonly<Record<string, string>> = {}): string | null {
  if (errors.message) return errors.message;
  const parts = Object.entries(errors.fields).map(([field, message]) => `${labels[field] ?? field}: ${message}`);
  return parts.length ? parts.join(' · ') : null;
}

/** The first error at `field` or below it (`input.tools` also matches `input.tools.0`). */
export function fieldError(errors: FormErrors, field: string): string | undefined {
  if (errors.fields[field]) return errors.fields[field];
  const key = Object.keys(errors.fields).find((k) => k.startsWith(`${field}.`));
  return key ? errors.fields[key] : undefined;
}
