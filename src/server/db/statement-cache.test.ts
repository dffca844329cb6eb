import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

interface TestDb {
  items: { id: number; name: string };
}

describe('SQLite statement cache', () => {
  const open: SQLite.Database[] = [];
  function sqlite(): SQLite.Database {
    const database = new SQLite(':memory:');
    database.exec('create table items (id integer primary key, name text not null)');
    open.push(database);
    return database;
  }
  afterEach(() => {
    for (const database of open.splice(0)) if (database.open) database.close();
  });

  it('hands out the same prepared statement for the same SQL, and a separate one for other SQL', () => {
    const cache = withStatementCache(sqlite());
    const first = cache.prepare('select * from items where id = ?');
    expect(cache.prepare('select * from items where id = ?')).toBe(first);
    expect(cache.prepare('select * from items where name = ?')).not.toBe(first);
    expect(cache.size).toBe(2);
  });

  it('drops the least recently used statement past its capacity', () => {
    const cache = withStatementCache(sqlite(), 2);
    const a = cache.prepare('select 1');
    const b = cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a); // `select 2` is now the least recently used
    cache.prepare('select 3');
    expect(cache.size).toBe(2);
    expect(cache.prepare('select 1')).toBe(a);
    expect(cache.prepare('select 2')).not.toBe(b);
  });

  it('keeps the SQL it holds under its budget and does not keep a statement too long for it', () => {
    const cache = withStatementCache(sqlite(), 256, 1600);
    // Sixteen 100-character statements fill a 1,600-character budget; a seventeenth pushes the oldest out.
    const sized = (n: number, length: number) => `select ${n} as n`.padEnd(length, ' ');
    const first = cache.prepare(sized(0, 100));
    const second = cache.prepare(sized(1, 100));
    for (let n = 2; n < 16; n++) cache.prepare(sized(n, 100));
    expect(cache.size).toBe(16);
    cache.prepare(sized(16, 100));
    expect(cache.size).toBe(16);
    expect(cache.prepare(sized(1, 100))).toBe(second);
    expect(cache.prepare(sized(0, 100))).not.toBe(first);
    // Longer than a sixteenth of the budget: prepared for this use, not kept.
    const big = sized(99, 101);
    expect(cache.prepare(big)).not.toBe(cache.prepare(big));
    expect(cache.size).toBe(16);
  });

  it('a cached statement follows schema changes made after it was prepared', () => {
    const database = sqlite();
    const cache = withStatementCache(database);
    database.exec(`insert into items (id, name) values (1, 'one')`);
    const select = cache.prepare('select * from items');
    expect(select.all([])).toEqual([{ id: 1, name: 'one' }]);

    database.exec(`alter table items add column note text default 'n'`);
    expect(cache.prepare('select * from items').all([])).toEqual([{ id: 1, name: 'one', note: 'n' }]);

    database.exec('drop table items');
    expect(() => cache.prepare('select * from items').all([])).toThrow(/no such table/);
    database.exec(`create table items (id integer primary key, label text)`);
    database.exec(`insert into items (id, label) values (2, 'two')`);
    expect(cache.prepare('select * from items').all([])).toEqual([{ id: 2, label: 'two' }]);
  });

  it('prepares a second statement while the cached one is still being iterated', () => {
    const database = sqlite();
    database.exec(`insert into items (id, name) values (1, 'a'), (2, 'b')`);
    const cache = withStatementCache(database);
    const streaming = cache.prepare('select id from items order by id');
    const iterator = streaming.iterate([]);
    expect(iterator.next().value).toEqual({ id: 1 });
    const other = cache.prepare('select id from items order by id');
    expect(other).not.toBe(streaming);
    expect(other.all([])).toEqual([{ id: 1 }, { id: 2 }]);
    expect(iterator.next().value).toEqual({ id: 2 });
    iterator.return?.();
  });

  it('through Kysely: reads, writes, returning and transactions give the same results as without it', async () => {
    const database = sqlite();
    const db = new Kysely<TestDb>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    for (let id = 1; id <= 3; id++) {
      // Same SQL each round: the insert (a non-reader) must report its change every time.
      const insert = await db
        .insertInto('items')
        .values({ id, name: `n${id}` })
        .executeTakeFirst();
      expect(insert.numInsertedOrUpdatedRows).toBe(1n);
    }
    const returned = await db.insertInto('items').values({ id: 4, name: 'n4' }).returning(['id', 'name']).execute();
    expect(returned).toEqual([{ id: 4, name: 'n4' }]);

    await expect(
      db.transaction().execute(async (tx) => {
        await tx.updateTable('items').set({ name: 'changed' }).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('items').where('id', '=', 4).execute();
    });

    for (let round = 0; round < 2; round++) {
      const rows = await db.selectFrom('items').select(['id', 'name']).where('id', '>', 1).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 2, name: 'n2' },
        { id: 3, name: 'n3' },
      ]);
    }
    const count = await sql<{ n: number }>`select count(*) as n from items`.execute(db);
    expect(count.rows[0]?.n).toBe(3);

    await db.destroy();
    expect(database.open).toBe(false);
  });
});
