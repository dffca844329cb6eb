import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct statements kept prepared; the least recently used one is dropped past this. */
const DEFAULT_CAPACITY = 256;
/**
 * A prepared statement holds memory in proportion to its SQL (a 384-row, 23-column
 * insert, 27 KB of SQL, holds about 1 MB), so the cache is also bounded by the
 * total length of the SQL it keeps (~35 MB of statements at most), and a statement
 * longer than a sixteenth of that (a bulk import's one-off 30,000-value insert) is
 * prepared for its single use and not kept.
 */
const DEFAULT_SQL_BUDGET = 1_000_000;

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
export function withStatementCache(
  database: SQLite.Database,
  capacity = DEFAULT_CAPACITY,
  sqlBudget = DEFAULT_SQL_BUDGET,
): CachingSqliteDatabase {
  // A Map iterates in insertion order: re-inserting on each hit makes the first key the least recently used.
  const cache = new Map<string, SQLite.Statement>();
  let sqlLength = 0;
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
      if (sql.length > sqlBudget / 16) return statement;
      cache.set(sql, statement);
      sqlLength += sql.length;
      while (cache.size > capacity || sqlLength > sqlBudget) {
        const oldest = cache.keys().next().value!;
        cache.delete(oldest);
        sqlLength -= oldest.length;
      }
      return statement;
    },
    close() {
      cache.clear();
      sqlLength = 0;
      database.close();
    },
  };
}
