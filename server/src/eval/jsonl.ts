import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/**
 * Parses JSONL text a line at a time with `parse`. Blank lines and `#` comment lines (a set's note on how
 * it was written) are skipped; a bad line throws a ValidationError naming it (`line 12`).
 */
export function parseJsonLines<T>(
  text: string,
  parse: (json: unknown) => z.ZodSafeParseResult<T>,
): { value: T; line: number }[] {
  const out: { value: T; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw ValidationError.single(`line ${i + 1}`, `invalid JSON (${(err as Error).message})`);
    }
    const parsed = parse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.length ? `${issue.path.join('.')}: ` : '';
      throw ValidationError.single(`line ${i + 1}`, `${path}${issue.message}`);
    }
    out.push({ value: parsed.data, line: i + 1 });
  });
  return out;
}
