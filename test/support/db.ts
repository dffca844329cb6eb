import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/server/db/database.js';
import { migrateToLatest, migrateUpTo } from '../../src/server/db/migrate.js';
import { newId } from '../../src/server/lib/ids.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The dialect this test run targets; the test command runs every database test once per dialect. */
export function testDialect(): Dialect {
  return process.env.WASPHERE_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestDatabase extends DatabaseHandle {
  dataDir: string;
  /** For PostgreSQL: the connection URL of this test's own schema. */
  databaseUrl: string | null;
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test app: a new SQLite file in a temp dir, or
 * a new schema on the test PostgreSQL server, so tests never see each other's rows.
 */
export async function openTestDatabase(
  dialect: Dialect = testDialect(),
  options: {
    /** PostgreSQL only: runs as the server admin once the schema (and its role, of the same name) exists, before migrating. */
    beforeMigrate?: (schema: string) => Promise<void>;
    /** Stop after this migration (a test of a later one's backfill); every migration when absent. */
    migrateUpTo?: string;
  } = {},
): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasphere-test-'));
  let databaseUrl: string | null = null;
  let dropSchema = async () => undefined as void;
  if (dialect === 'postgres') {
    const base = process.env.WASPHERE_TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
    // Each test database is a schema owned by a role of its own that can see no other
    // schema, as on a database shared with other apps; the migrator keeps its bookkeeping
    // tables in that schema.
    const name = `t_${newId()}`;
    const password = randomBytes(12).toString('hex');
    await withAdmin(base, [`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`, `CREATE SCHEMA "${name}" AUTHORIZATION "${name}"`]);
    const url = new URL(base);
    url.username = name;
    url.password = password;
    url.searchParams.set('options', `-c search_path=${name}`);
    databaseUrl = url.toString();
    dropSchema = () => withAdmin(base, [`DROP SCHEMA IF EXISTS "${name}" CASCADE`, `DROP ROLE IF EXISTS "${name}"`]);
    try {
      await options.beforeMigrate?.(name);
    } catch (error) {
      await dropSchema();
      throw error;
    }
  }
  const handle = openDatabase({ databaseUrl, dataDir, poolSize: 4 });
  try {
    await migrateWithRetry(handle.db, options.migrateUpTo);
  } catch (error) {
    await handle.close();
    await dropSchema();
    throw error;
  }
  return {
    ...handle,
    dataDir,
    databaseUrl,
    async destroy() {
      await handle.close();
      await dropSchema();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Kysely's migrator lists tables of every schema and checks each schema's privileges by
 * name, which fails when a parallel test drops its schema at that moment (error 3F000
 * naming the other schema). Nothing was migrated then, so trying again is safe.
 */
async function migrateWithRetry(db: DatabaseHandle['db'], upTo?: string, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await (upTo ? migrateUpTo(db, upTo) : migrateToLatest(db));
      return;
    } catch (error) {
      const droppedElsewhere = error instanceof Error && /schema "t_[0-9a-z]+" does not exist/.test(error.message);
      if (!droppedElsewhere || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/** Runs statements as the test server's admin (roles, schemas, grants). */
export function asTestAdmin(statements: string[]): Promise<void> {
  return withAdmin(process.env.WASPHERE_TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL, statements);
}

async function withAdmin(connectionString: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}
