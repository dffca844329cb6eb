import { sql, type Kysely } from 'kysely';
import { insertMany } from '../../db/bulk.js';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import type { ContactImportRowsTable, ContactImportsTable, ContactsTable } from '../../db/tables.js';

export type ImportRow = ContactImportsTable;
export type StagedRow = ContactImportRowsTable;

export async function insertImport(db: DbOrTx, row: ImportRow): Promise<void> {
  await db.insertInto('contact_imports').values(row).execute();
}

export async function findImport(db: DbOrTx, workspaceId: string, importId: string): Promise<ImportRow | undefined> {
  return db.selectFrom('contact_imports').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', importId).executeTakeFirst();
}

export async function updateImport(
  db: DbOrTx,
  workspaceId: string,
  importId: string,
  patch: Partial<Omit<ImportRow, 'id' | 'workspace_id'>>,
  onlyIfStatus?: ImportRow['status'],
): Promise<boolean> {
  let q = db.updateTable('contact_imports').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', importId);
  if (onlyIfStatus) q = q.where('status', '=', onlyIfStatus);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Imports of a workspace last touched before `before` (their files and rows are cleared). */
export async function staleImports(db: DbOrTx, workspaceId: string, before: number): Promise<ImportRow[]> {
  return db
    .selectFrom('contact_imports')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('updated_at', '<', before)
    .where('status', '!=', 'running')
    .execute();
}

export async function deleteImport(db: DbOrTx, workspaceId: string, importId: string): Promise<void> {
  await db.deleteFrom('contact_import_rows').where('import_id', '=', importId).where('workspace_id', '=', workspaceId).execute();
  await db.deleteFrom('contact_imports').where('workspace_id', '=', workspaceId).where('id', '=', importId).execute();
}

export async function clearStaged(db: DbOrTx, workspaceId: string, importId: string): Promise<void> {
  await db.deleteFrom('contact_import_rows').where('workspace_id', '=', workspaceId).where('import_id', '=', importId).execute();
}

/** Accepted rows already staged for these phones (the first row with each phone). */
export async function stagedByPhones(db: DbOrTx, workspaceId: string, importId: string, phones: readonly string[]): Promise<StagedRow[]> {
  if (phones.length === 0) return [];
  return db
    .selectFrom('contact_import_rows')
    .selectAll()
    .where('import_id', '=', importId)
    .where('workspace_id', '=', workspaceId)
    .where('error', 'is', null)
    .where('phone', 'in', [...new Set(phones)])
    .execute();
}

export async function insertStaged(db: DbOrTx, rows: readonly StagedRow[]): Promise<void> {
  await insertMany(db, 'contact_import_rows', rows);
}

export async function updateStaged(db: DbOrTx, row: StagedRow): Promise<void> {
  await db
    .updateTable('contact_import_rows')
    .set({ name: row.name, notes: row.notes, labels: row.labels, fields: row.fields, opted_out: row.opted_out })
    .where('import_id', '=', row.import_id)
    .where('line', '=', row.line)
    .execute();
}

/** Staged rows of one kind (accepted: no error; rejected: with its reason) in file order, one page after `afterLine`. */
export async function stagedPage(
  db: DbOrTx,
  workspaceId: string,
  importId: string,
  kind: 'accepted' | 'rejected',
  afterLine: number,
  limit: number,
): Promise<StagedRow[]> {
  return db
    .selectFrom('contact_import_rows')
    .selectAll()
    .where('import_id', '=', importId)
    .where('workspace_id', '=', workspaceId)
    .where('error', kind === 'accepted' ? 'is' : 'is not', null)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
}

/** What applying an accepted row reads of it. */
export type AcceptedRow = Pick<StagedRow, 'line' | 'phone' | 'name' | 'notes' | 'labels' | 'fields' | 'opted_out'>;

/**
 * Accepted rows in file order, one page after `afterLine`, with only the columns the apply
 * step reads: every row read becomes objects and strings in the driver, and the ids and
 * report columns the apply step never looks at were a third of them.
 */
export async function acceptedPage(
  db: DbOrTx,
  workspaceId: string,
  importId: string,
  afterLine: number,
  limit: number,
): Promise<AcceptedRow[]> {
  return db
    .selectFrom('contact_import_rows')
    .select(['line', 'phone', 'name', 'notes', 'labels', 'fields', 'opted_out'])
    .where('import_id', '=', importId)
    .where('workspace_id', '=', workspaceId)
    .where('error', 'is', null)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
}

/** What applying a row reads of the contact it updates. */
export type ImportedContact = Pick<ContactsTable, 'id' | 'phone' | 'name' | 'notes' | 'custom_fields' | 'opted_out' | 'opted_out_at'>;

/**
 * The contacts that already exist for the accepted rows on lines (afterLine, lastLine]: one
 * semi-join on the staged rows instead of binding every phone of the page as a parameter.
 */
export async function contactsOfStagedLines(
  db: DbOrTx,
  workspaceId: string,
  importId: string,
  afterLine: number,
  lastLine: number,
): Promise<ImportedContact[]> {
  return db
    .selectFrom('contacts')
    .select(['id', 'phone', 'name', 'notes', 'custom_fields', 'opted_out', 'opted_out_at'])
    .where('workspace_id', '=', workspaceId)
    .where('phone', 'in', (eb) =>
      eb
        .selectFrom('contact_import_rows')
        .select('phone')
        .where('import_id', '=', importId)
        .where('workspace_id', '=', workspaceId)
        .where('error', 'is', null)
        .where('line', '>', afterLine)
        .where('line', '<=', lastLine),
    )
    .execute();
}

export async function deleteAccepted(db: DbOrTx, workspaceId: string, importId: string): Promise<void> {
  await db
    .deleteFrom('contact_import_rows')
    .where('import_id', '=', importId)
    .where('workspace_id', '=', workspaceId)
    .where('error', 'is', null)
    .execute();
}

/**
 * After a large import the planner's row estimates for the contact tables are stale
 * (a fresh table looks empty until autovacuum's next pass), and PostgreSQL then
 * picks plans that sort the whole list for every page: refresh them at once.
 */
export async function refreshContactStatistics(db: DbOrTx): Promise<void> {
  if (isPostgres(db as unknown as Kysely<unknown>)) await sql`analyze contacts, contact_labels, search_docs`.execute(db);
  else await sql`pragma optimize`.execute(db);
}
