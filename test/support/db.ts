import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/server/db/database.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';
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
export async function openTestDatabase(dialect: Dialect = testDialect()): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasphere-test-'));
  let databaseUrl: string | null = null;
  let dropSchema = async () => undefined as void;
  if (dialect === 'postgres') {
    const base = process.env.WASPHERE_TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
    const schema = `t_${newId()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
    dropSchema = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
    };
  }
  const handle = openDatabase({ databaseUrl, dataDir, poolSize: 4 });
  await migrateToLatest(handle.db);
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
