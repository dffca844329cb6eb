import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import { isPostgres } from './dialect.js';
import { migrations } from './migrations/index.js';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * On PostgreSQL WaSphere's tables go into the first schema of the connection's search_path,
 * and the migrator's bookkeeping tables must go (and be looked for) there too: left to
 * itself Kysely accepts a `kysely_migration` table in any schema the role can use, so a
 * database shared with another Kysely app would have WaSphere read that app's history.
 */
async function createMigrator(db: Db): Promise<Migrator> {
  if (!isPostgres(db as unknown as Kysely<unknown>)) return new Migrator({ db, provider });
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL has no schema to create tables in: the search_path names no existing schema');
  return new Migrator({ db, provider, migrationTableSchema: schema });
}

/** Brings the schema up to date. Kysely takes a lock so concurrent starts are safe. */
export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = await createMigrator(db);
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Applies the migrations up to and including `name` only: a test of a later migration's backfill starts there. */
export async function migrateUpTo(db: Db, name: string): Promise<void> {
  const migrator = await createMigrator(db);
  const { error, results } = await migrator.migrateTo(name);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** True when every known migration has been applied (readiness). */
export async function migrationsApplied(db: Db): Promise<boolean> {
  const migrator = await createMigrator(db);
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
