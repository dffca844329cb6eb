import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct statements kept prepared; the least recently used one is dropped past this. */
const DEFAULT_CAPACITY = 256;

export interface CachingSqliteDatabase extends SqliteDatabase {
  /** How many prepared statements are held now (for tests and diagnostics). */
  readonly size: number;
}

/**
 * The better-sqlite3 handle as Kysely sees it, with prepared statements reused.
 *
 * Kysely's SQLite driver calls `prepare()` for every query it runs, so the same
 * SQL text was parsed and planned again on every execution: a measurable share
 * of CPU for the small, fixed-shape statements that ingest, the inbox and the
 * campaign sender repeat thousands of times. This keeps the most recently used
 * statements keyed by their SQL text.
 *
 * Safe to reuse because: Kysely binds parameters on each call (`all(params)` /
 * `run(params)`) and never changes a statement's modes; SQLite re-prepares a
 * statement by itself after a schema change (migrations, ALTER TABLE), so a
 * cached statement sees the current schema; and a statement still being
 * iterated by a stream is never handed out twice (a fresh one is prepared).
 */
export function withStatementCache(database: SQLite.Database, capacity = DEFAULT_CAPACITY): CachingSqliteDatabase {
  // A Map iterates in insertion order: re-inserting on each hit makes the first key the least recently used.
  const cache = new Map<string, SQLite.Statement>();
  return {
    get size() {
      return cache.size;
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) {
        if (cached.busy) return database.prepare(sql);
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return statement;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}
