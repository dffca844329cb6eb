import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { asTestAdmin, openTestDatabase, testDialect, type TestDatabase } from '../../../test/support/db.js';
import { contactRow } from '../../../test/support/contacts.js';
import { insertTestWorkspace } from '../../../test/support/numbers.js';
import { newId } from '../lib/ids.js';
import { listContacts } from '../modules/contacts/repo.js';
import { insertMany } from './bulk.js';
import { migrateToLatest, migrationsApplied } from './migrate.js';
import { migrations } from './migrations/index.js';

describe('migrations', () => {
  let database: TestDatabase | null = null;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    // The other schema goes first: its grants would keep the test role from being dropped.
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await database?.destroy();
    database = null;
  });

  it('apply every migration once; running again changes nothing', async () => {
    database = await openTestDatabase();
    await migrateToLatest(database.db);
    expect(await migrationsApplied(database.db)).toBe(true);
    const applied = await database.db
      .selectFrom('kysely_migration' as never)
      .select(sql<string>`name`.as('name'))
      .execute();
    expect(applied.map((row) => row.name).sort()).toEqual(Object.keys(migrations).sort());
  });

  it.runIf(testDialect() === 'postgres')(
    "on PostgreSQL keep their bookkeeping in WaSphere's schema, beside another app's in the same database",
    async () => {
      // Another Kysely app in the same database, whose schema WaSphere's role can read.
      const other = `o_${newId()}`;
      cleanups.push(() => asTestAdmin([`DROP SCHEMA IF EXISTS "${other}" CASCADE`]));
      database = await openTestDatabase('postgres', {
        beforeMigrate: (role) =>
          asTestAdmin([
            `CREATE SCHEMA "${other}"`,
            `CREATE TABLE "${other}".kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`,
            `CREATE TABLE "${other}".kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`,
            `INSERT INTO "${other}".kysely_migration VALUES ('2020_other_app_start', '2020-01-01T00:00:00.000Z')`,
            `GRANT USAGE ON SCHEMA "${other}" TO "${role}"`,
            `GRANT SELECT ON ALL TABLES IN SCHEMA "${other}" TO "${role}"`,
          ]),
      });
      expect(await migrationsApplied(database.db)).toBe(true);
      const { rows } = await sql<{ schema: string; table: string }>`
        select table_schema as schema, table_name as table from information_schema.tables
        where table_name in ('kysely_migration', 'kysely_migration_lock') order by table_schema, table_name`.execute(database.db);
      const own = new URL(database.databaseUrl!).searchParams.get('options')!.replace('-c search_path=', '');
      expect(rows.filter((row) => row.schema === own).map((row) => row.table)).toEqual(['kysely_migration', 'kysely_migration_lock']);
      const otherHistory = await sql<{ name: string }>`select name from ${sql.id(other, 'kysely_migration')}`.execute(database.db);
      expect(otherHistory.rows).toEqual([{ name: '2020_other_app_start' }]);
    },
  );

  it('0016 gives the contacts already in the search index their name sort key', async () => {
    database = await openTestDatabase(testDialect(), { migrateUpTo: '0013_whatsapp_checks' });
    const db = database.db;
    const ws = await insertTestWorkspace(db, { now: 1 });
    await insertMany(db, 'contacts', [
      contactRow(ws, 'c1', '447400000001', { name: 'Zoe Agent', push_name: 'Zed' }),
      contactRow(ws, 'c2', '447400000002', { push_name: 'Ada Pushed' }),
      contactRow(ws, 'c3', 'lid:42'),
    ]);
    await migrateToLatest(db);
    const docs = await db
      .selectFrom('search_docs')
      .select(['contact_id', 'sort_key'])
      .where('contact_id', 'is not', null)
      .orderBy('contact_id')
      .execute();
    expect(docs).toEqual([
      { contact_id: 'c1', sort_key: 'zoe agent' },
      { contact_id: 'c2', sort_key: 'ada pushed' },
    ]);
    const page = await listContacts(db, ws, { terms: ['zoe'] }, 'name', null, 10);
    expect(page.map((c) => c.id)).toEqual(['c1']);
  });
});
