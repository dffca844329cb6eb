import type { Kysely } from 'kysely';
import { chunks } from '../lib/chunks.js';
import type { DbOrTx } from './database.js';
import { isPostgres } from './dialect.js';

/**
 * Statements whose length follows the data (`in (…)` lists, multi-row VALUES)
 * get a new SQL text for every batch size, so the SQLite prepared-statement
 * cache (statement-cache.ts) never sees them twice. On SQLite these helpers keep
 * such lists to a few fixed lengths: powers of two up to 32, then multiples of
 * 32. PostgreSQL parses every statement anyway (node-postgres prepares none), so
 * there they leave lists as they are and only cap the rows per statement.
 */
const STEP = 32;

const shapesMatter = (db: DbOrTx) => !isPostgres(db as unknown as Kysely<unknown>);

/** The fixed length a list of `n` items is padded to. */
export function shapedLength(n: number): number {
  if (n <= 1) return n;
  if (n <= STEP) return 2 ** Math.ceil(Math.log2(n));
  return Math.ceil(n / STEP) * STEP;
}

/**
 * The list padded to its fixed length by repeating its last item. Only for
 * lists where a repeat changes nothing: an `in (…)` list, or the VALUES of an
 * UPDATE … FROM, where each target row is updated once whatever the number of
 * matching VALUES rows (identical rows here).
 */
export function padded<T>(db: DbOrTx, items: readonly T[]): T[] {
  if (!shapesMatter(db)) return [...items];
  const out = [...items];
  const last = items[items.length - 1];
  for (let i = items.length; i < shapedLength(items.length); i++) out.push(last as T);
  return out;
}

/**
 * Splits rows to insert into chunks of at most `max` rows whose lengths are
 * multiples of 32 or powers of two below it (at most five of those per call),
 * for statements where a repeated row would be written twice.
 */
export function shapedChunks<T>(db: DbOrTx, items: readonly T[], max: number): T[][] {
  if (max < STEP) throw new RangeError(`shapedChunks needs a maximum of at least ${STEP} rows`);
  if (!shapesMatter(db)) return chunks(items, max);
  const out: T[][] = [];
  const largest = Math.floor(max / STEP) * STEP;
  let i = 0;
  while (items.length - i >= STEP) {
    const size = Math.min(largest, Math.floor((items.length - i) / STEP) * STEP);
    out.push(items.slice(i, i + size));
    i += size;
  }
  for (let size = STEP / 2; size >= 1; size /= 2) {
    if (items.length - i >= size) {
      out.push(items.slice(i, i + size));
      i += size;
    }
  }
  return out;
}
