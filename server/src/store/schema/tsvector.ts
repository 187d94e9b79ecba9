import { customType } from 'drizzle-orm/pg-core';

/** PostgreSQL `tsvector`: only ever written by generated columns, read through SQL. */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
