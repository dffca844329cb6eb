import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from './tables.js';
import { padded, shapedChunks, shapedLength } from './statement-shapes.js';

describe('statement shapes', () => {
  const sqlite = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  // Never connects: the helpers only look at which dialect they are given.
  const postgres = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });
  afterAll(async () => {
    await sqlite.destroy();
    await postgres.destroy();
  });

  it.each([
    [0, 0],
    [1, 1],
    [2, 2],
    [3, 4],
    [17, 32],
    [32, 32],
    [33, 64],
    [275, 288],
    [500, 512],
  ])('a list of %i is padded to %i', (n, expected) => {
    expect(shapedLength(n)).toBe(expected);
  });

  it('pads by repeating the last item and keeps the items in order', () => {
    expect(padded(sqlite, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'c']);
    expect(padded(sqlite, [])).toEqual([]);
  });

  it('keeps every batch size from 1 to 500 to a few statement lengths', () => {
    const lengths = new Set<number>();
    for (let n = 1; n <= 500; n++) lengths.add(shapedLength(n));
    expect(lengths.size).toBeLessThanOrEqual(21);
  });

  it('splits rows into chunks of fixed lengths, every row once and in order', () => {
    const lengths = new Set<number>();
    for (let n = 0; n <= 1000; n++) {
      const rows = Array.from({ length: n }, (_, i) => i);
      const parts = shapedChunks(sqlite, rows, 400);
      expect(parts.flat()).toEqual(rows);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(400);
        expect(part.length % 32 === 0 || [1, 2, 4, 8, 16].includes(part.length)).toBe(true);
        lengths.add(part.length);
      }
      // At most one chunk of each small length: a batch costs a handful of statements.
      expect(parts.filter((p) => p.length < 32).length).toBeLessThanOrEqual(5);
    }
    expect(lengths.size).toBeLessThanOrEqual(17);
  });

  it('refuses a maximum below the 32-row step it could not keep to', () => {
    expect(() => shapedChunks(sqlite, [1, 2, 3], 10)).toThrow(RangeError);
  });

  it('on PostgreSQL leaves lists as they are and only caps the rows per statement', () => {
    expect(padded(postgres, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    const rows = Array.from({ length: 337 }, (_, i) => i);
    expect(shapedChunks(postgres, rows, 300).map((p) => p.length)).toEqual([300, 37]);
  });
});
