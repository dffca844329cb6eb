import { sql, type Kysely } from 'kysely';
import type { DbOrTx } from './database.js';
import { isPostgres } from './dialect.js';
import type { Database } from './tables.js';

/** SQLite allows 32,766 bound values per statement; stay well under it. */
const SQLITE_VALUES_MAX = 30_000;
/** Rows per PostgreSQL statement: one JSON parameter, so only memory bounds it. */
const POSTGRES_ROWS_MAX = 5_000;

/**
 * Inserts many rows of one table in as few statements as the database allows.
 *
 * PostgreSQL gets the rows as ONE JSON parameter expanded by
 * `json_populate_recordset` (typed by the table itself): a 5,000-row statement
 * is parsed once instead of binding 5,000 × columns parameters, which is what
 * made bulk imports slow. SQLite gets multi-row `values` lists as long as its
 * bound-value limit permits.
 *
 * Every row must have the same keys (the table's columns to write).
 */
export async function insertMany<T extends keyof Database & string>(
  db: DbOrTx,
  table: T,
  rows: ReadonlyArray<Database[T]>,
  options: { ignoreConflicts?: readonly string[] } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object);
  if (isPostgres(db as unknown as Kysely<unknown>)) {
    const cols = sql.join(columns.map((c) => sql.ref(c)));
    const conflict = options.ignoreConflicts
      ? sql` on conflict (${sql.join(options.ignoreConflicts.map((c) => sql.ref(c)))}) do nothing`
      : sql``;
    for (let i = 0; i < rows.length; i += POSTGRES_ROWS_MAX) {
      const part = JSON.stringify(rows.slice(i, i + POSTGRES_ROWS_MAX));
      await sql`insert into ${sql.table(table)} (${cols})
        select ${cols} from json_populate_recordset(null::${sql.table(table)}, ${part}::json)${conflict}`.execute(db);
    }
    return;
  }
  const perStatement = Math.max(1, Math.floor(SQLITE_VALUES_MAX / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    let q = db.insertInto(table).values(rows.slice(i, i + perStatement) as never);
    if (options.ignoreConflicts) {
      const target = options.ignoreConflicts as string[];
      q = q.onConflict((oc) => oc.columns(target as never).doNothing());
    }
    await q.execute();
  }
}
