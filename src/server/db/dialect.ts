import { PostgresAdapter, type Kysely } from 'kysely';

/** Migrations that need a dialect-specific type (blob vs bytea, FTS) ask this. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function binaryType(db: Kysely<unknown>): 'bytea' | 'blob' {
  return isPostgres(db) ? 'bytea' : 'blob';
}
