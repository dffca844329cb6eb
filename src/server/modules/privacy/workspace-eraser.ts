/**
 * Erases one workspace in steps, each in small batches that commit on their own,
 * recording progress on its `workspace_deletions` row so that a crash anywhere
 * resumes where it stopped:
 *
 * 1. numbers  — every number is logged out and its WhatsApp keys erased;
 * 2. messages — message rows (search entries, reactions go by cascade);
 * 3. media    — media files no other workspace uses, then the media rows; import uploads;
 * 4. rows     — every other table the workspace owns, found from the foreign keys
 *               (schema.ts), children before parents;
 * 5. workspace — the workspace row itself (anything left goes by cascade).
 *
 * Each step is idempotent: it works on "whatever of this workspace is still there".
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import type { WorkspaceDeletionStep, WorkspaceDeletionsTable } from '../../db/tables.js';
import type { Clock } from '../../lib/clock.js';
import { deleteMediaRowsAndFiles } from './media-files.js';
import { deleteBatch, workspaceOwnedTables } from './schema.js';

export type DeletionRow = WorkspaceDeletionsTable;

export interface WorkspaceEraserDeps {
  db: Db;
  clock: Clock;
  dataDir: string;
  pathOf(sha256: string): string;
  /** Logs a number out and erases its keys (the number manager's deleteSession). */
  endNumberSession(numberId: string): Promise<void>;
  holderId: string;
  batchSize?: number;
  leaseMs?: number;
  /** After a failure, how long before the next run tries again. */
  retryDelayMs?: number;
  /** Called after every committed batch. Tests throw here to simulate a crash mid-deletion. */
  afterBatch?: (step: WorkspaceDeletionStep, row: DeletionRow) => void | Promise<void>;
}

/** SQLite: freed pages are zeroed (secure_delete), and the write-ahead log is emptied afterwards. */
export async function secureDelete(db: Db): Promise<void> {
  if (!isPostgres(db as unknown as Kysely<unknown>)) await sql.raw('pragma secure_delete = on').execute(db);
}
export async function checkpoint(db: Db): Promise<void> {
  if (!isPostgres(db as unknown as Kysely<unknown>)) await sql.raw('pragma wal_checkpoint(TRUNCATE)').execute(db);
}

class LostClaim extends Error {}

export function createWorkspaceEraser(deps: WorkspaceEraserDeps) {
  const { db, clock } = deps;
  const batch = deps.batchSize ?? 500;
  const leaseMs = deps.leaseMs ?? 120_000;
  const retryDelayMs = deps.retryDelayMs ?? 30_000;

  /** Takes the oldest unfinished deletion whose lease is free (several processes may run this). */
  async function claimNext(exclude: ReadonlySet<string>): Promise<DeletionRow | null> {
    const now = clock.now();
    let query = db
      .selectFrom('workspace_deletions')
      .select('id')
      .where('state', 'in', ['pending', 'running', 'failed'])
      .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', now)]))
      .orderBy('id')
      .limit(5);
    if (exclude.size > 0) query = query.where('id', 'not in', [...exclude]);
    const candidates = await query.execute();
    for (const { id } of candidates) {
      const r = await db
        .updateTable('workspace_deletions')
        .set((eb) => ({
          claimed_by: deps.holderId,
          claim_expires_at: now + leaseMs,
          state: 'running',
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('state', 'in', ['pending', 'running', 'failed'])
        .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', now)]))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) {
        return (await db.selectFrom('workspace_deletions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
      }
    }
    return null;
  }

  /** Saves progress and extends the lease; a lease taken over by another process stops this one. */
  async function save(row: DeletionRow, patch: Partial<DeletionRow>): Promise<void> {
    const now = clock.now();
    Object.assign(row, patch, { updated_at: now, claim_expires_at: now + leaseMs });
    const r = await db
      .updateTable('workspace_deletions')
      .set({ ...patch, updated_at: now, claim_expires_at: now + leaseMs })
      .where('id', '=', row.id)
      .where('claimed_by', '=', deps.holderId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new LostClaim('another process took over this deletion');
  }

  async function committed(step: WorkspaceDeletionStep, row: DeletionRow): Promise<void> {
    await deps.afterBatch?.(step, row);
  }

  async function numbersStep(row: DeletionRow): Promise<void> {
    const ws = row.workspace_id;
    const live = await db
      .selectFrom('numbers')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    for (const n of live) {
      await deps.endNumberSession(n.id);
      await save(row, { numbers_done: Math.min(row.numbers_total, row.numbers_done + 1) });
      await committed('numbers', row);
    }
    // Numbers whose session was deleted earlier, or held by no process here: no key may remain.
    const all = (await db.selectFrom('numbers').select('id').where('workspace_id', '=', ws).execute()).map((n) => n.id);
    if (all.length > 0) {
      await db.deleteFrom('wa_auth_keys').where('number_id', 'in', all).execute();
      await db.deleteFrom('number_leases').where('number_id', 'in', all).execute();
    }
    await save(row, { step: 'messages', numbers_done: row.numbers_total });
  }

  async function messagesStep(row: DeletionRow): Promise<void> {
    for (;;) {
      const ids = (await db.selectFrom('messages').select('id').where('workspace_id', '=', row.workspace_id).limit(batch).execute()).map(
        (m) => m.id,
      );
      if (ids.length === 0) break;
      await db.deleteFrom('messages').where('workspace_id', '=', row.workspace_id).where('id', 'in', ids).execute();
      await save(row, { messages_deleted: row.messages_deleted + ids.length });
      await committed('messages', row);
    }
    await save(row, { step: 'media' });
  }

  async function mediaStep(row: DeletionRow): Promise<void> {
    for (;;) {
      const media = await db
        .selectFrom('media')
        .select(['id', 'sha256'])
        .where('workspace_id', '=', row.workspace_id)
        .limit(batch)
        .execute();
      if (media.length === 0) break;
      const files = await deleteMediaRowsAndFiles(db, row.workspace_id, media, deps.pathOf);
      await save(row, { media_deleted: row.media_deleted + media.length, files_deleted: row.files_deleted + files });
      await committed('media', row);
    }
    // Uploaded contact CSV files of unfinished imports live beside the database.
    const imports = await db.selectFrom('contact_imports').select('id').where('workspace_id', '=', row.workspace_id).execute();
    for (const i of imports) {
      if (/^[0-9a-z]+$/i.test(i.id)) await fs.promises.rm(path.join(deps.dataDir, 'imports', `${i.id}.csv`), { force: true });
    }
    await save(row, { step: 'rows' });
  }

  async function rowsStep(row: DeletionRow): Promise<void> {
    const tables = await workspaceOwnedTables(db);
    for (const { table, column } of tables) {
      for (;;) {
        const n = await deleteBatch(db, table, column, row.workspace_id, batch);
        if (n === 0) break;
        await save(row, { rows_deleted: row.rows_deleted + n });
        await committed('rows', row);
        if (n < batch) break;
      }
    }
    await save(row, { step: 'workspace' });
  }

  async function workspaceStep(row: DeletionRow): Promise<void> {
    await db.deleteFrom('workspaces').where('id', '=', row.workspace_id).execute();
    const now = clock.now();
    await save(row, { step: 'done', state: 'done', finished_at: now, error: null });
    await db.updateTable('workspace_deletions').set({ claimed_by: null, claim_expires_at: null }).where('id', '=', row.id).execute();
  }

  async function process(row: DeletionRow): Promise<void> {
    await secureDelete(db);
    const steps: Record<Exclude<WorkspaceDeletionStep, 'done'>, (r: DeletionRow) => Promise<void>> = {
      numbers: numbersStep,
      messages: messagesStep,
      media: mediaStep,
      rows: rowsStep,
      workspace: workspaceStep,
    };
    while (row.step !== 'done') await steps[row.step](row);
    await checkpoint(db);
  }

  return {
    /**
     * Runs every unfinished deletion this process can claim, to the end. A failure
     * leaves the row `failed` with its error and progress; the next run resumes it.
     */
    async runPending(): Promise<{ completed: number; failed: number }> {
      let completed = 0;
      let failed = 0;
      const tried = new Set<string>();
      for (;;) {
        const row = await claimNext(tried);
        if (!row) break;
        tried.add(row.id);
        try {
          await process(row);
          completed += 1;
        } catch (error) {
          if (error instanceof LostClaim) continue;
          failed += 1;
          const message = error instanceof Error ? error.message.slice(0, 300) : 'deletion failed';
          await db
            .updateTable('workspace_deletions')
            .set({
              state: 'failed',
              error: message,
              claimed_by: null,
              claim_expires_at: clock.now() + retryDelayMs,
              updated_at: clock.now(),
            })
            .where('id', '=', row.id)
            .where('claimed_by', '=', deps.holderId)
            .execute();
        }
      }
      return { completed, failed };
    },
  };
}

export type WorkspaceEraser = ReturnType<typeof createWorkspaceEraser>;
