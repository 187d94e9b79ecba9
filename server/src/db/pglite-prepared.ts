import type { PgliteClient } from './pglite-thread.js';

/**
 * Baton's raw statements on PGlite, as prepared statements. PGlite's `query` parses, analyses and
 * plans every statement afresh (on PGlite's worker thread, PgliteThread). Preparing them pays, as
 * measured in bench/README.md ("Dependencies and shortcuts"). PGlite is one
 * session, so each distinct text is `PREPARE`d once and then `EXECUTE`d with its parameters as
 * quoted literals, typed by the casts in the text. Parameters other than scalars (arrays, objects)
 * go through `query` as before.
 */
export class PglitePreparedStatements {
  readonly #prepared = new Map<string, Promise<string>>();
  #count = 0;

  private constructor(
    private readonly client: Pick<PgliteClient, 'query' | 'exec'>,
    /** Literals are written for `standard_conforming_strings = on` (PostgreSQL's default); otherwise `query` only. */
    private readonly enabled: boolean,
  ) {}

  static async open(client: Pick<PgliteClient, 'query' | 'exec'>): Promise<PglitePreparedStatements> {
    const { rows } = await client.query<{ standard_conforming_strings: string }>('show standard_conforming_strings');
    return new PglitePreparedStatements(client, rows[0]?.standard_conforming_strings === 'on');
  }

  async query<T>(text: string, params: readonly unknown[]): Promise<T[]> {
    if (!this.enabled || !params.every(isLiteral)) return (await this.client.query<T>(text, [...params])).rows;
    const name = await this.prepare(text);
    const args = params.length ? `(${params.map(literal).join(', ')})` : '';
    const [result] = await this.client.exec(`execute ${name}${args}`);
    return (result?.rows ?? []) as T[];
  }

  /** The statement's name, prepared on first use (concurrent first uses share one PREPARE). */
  private prepare(text: string): Promise<string> {
    let name = this.#prepared.get(text);
    if (!name) {
      const id = `baton_stmt_${++this.#count}`;
      name = this.client.exec(`prepare ${id} as ${text}`).then(() => id);
      // A statement that failed to prepare is tried again next time (and fails again with its own error).
      name.catch(() => this.#prepared.delete(text));
      this.#prepared.set(text, name);
    }
    return name;
  }
}

function isLiteral(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    value instanceof Date
  );
}

/** A quoted SQL literal (standard_conforming_strings: only the quote is special), or null. */
function literal(value: unknown): string {
  if (value === null) return 'null';
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (text.includes('\0')) throw new Error('a NUL character cannot be stored in PostgreSQL text');
  return `'${text.replaceAll("'", "''")}'`;
}
