/**
 * Workspace deletion requests. The request itself is quick and makes the workspace
 * inaccessible at once: memberships and invite links go in the same transaction, so
 * every workspace route answers 404 to everyone from then on (the access gate finds
 * no role), and running campaigns are cancelled. The erasure of the data follows in
 * the background (workspace-eraser.ts, jobs/workspace-deletion.ts).
 */
import type { WorkspaceDeletionDtoT } from '../../../contracts/privacy.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { notFound } from '../../http/errors.js';
import { DAY_MS, iso, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { ActivityService } from '../activity/service.js';
import type { Caller } from '../caller.js';
import type { DeletionRow } from './workspace-eraser.js';

export function presentDeletion(row: DeletionRow): WorkspaceDeletionDtoT {
  const work = row.messages_total + row.media_total;
  const doneWork = Math.min(row.messages_deleted, row.messages_total) + Math.min(row.media_deleted, row.media_total);
  // Messages and media are the bulk of the work; numbers and the remaining tables weigh 5% each.
  const numbersPart = row.numbers_total ? row.numbers_done / row.numbers_total : row.step === 'numbers' ? 0 : 1;
  const bulkPart = work ? doneWork / work : row.step === 'numbers' || row.step === 'messages' ? 0 : 1;
  const rowsPart = row.step === 'workspace' ? 1 : 0;
  const percent = row.state === 'done' ? 100 : Math.min(99, Math.floor(5 * numbersPart + 90 * bulkPart + 5 * rowsPart));
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    state: row.state,
    step: row.step,
    percent,
    numbers: { total: row.numbers_total, done: row.numbers_done },
    messages: { total: row.messages_total, deleted: row.messages_deleted },
    media: { total: row.media_total, deleted: row.media_deleted, filesDeleted: row.files_deleted },
    otherRowsDeleted: row.rows_deleted,
    attempts: row.attempts,
    error: row.error,
    createdAt: iso(row.created_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
  };
}

async function count(db: DbOrTx, table: 'messages' | 'media', workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function createWorkspaceDeletions(deps: { db: Db; clock: Clock; activity: ActivityService; wake: () => void }) {
  const { db, clock, activity } = deps;
  return {
    /** The caller has been authorized as owner and has typed the name (workspaces service). */
    async request(caller: Caller, workspaceId: string): Promise<WorkspaceDeletionDtoT> {
      const row = await db.transaction().execute(async (tx) => {
        const now = clock.now();
        const numbers = await tx
          .selectFrom('numbers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('workspace_id', '=', workspaceId)
          .where('deleted_at', 'is', null)
          .executeTakeFirstOrThrow();
        const deletion: DeletionRow = {
          id: newId(now),
          workspace_id: workspaceId,
          requested_by: caller.userId,
          state: 'pending',
          step: 'numbers',
          numbers_total: Number(numbers.n),
          numbers_done: 0,
          messages_total: await count(tx, 'messages', workspaceId),
          messages_deleted: 0,
          media_total: await count(tx, 'media', workspaceId),
          media_deleted: 0,
          files_deleted: 0,
          rows_deleted: 0,
          attempts: 0,
          error: null,
          claimed_by: null,
          claim_expires_at: null,
          created_at: now,
          updated_at: now,
          finished_at: null,
        };
        await tx.insertInto('workspace_deletions').values(deletion).execute();
        await tx.deleteFrom('memberships').where('workspace_id', '=', workspaceId).execute();
        await tx.deleteFrom('invites').where('workspace_id', '=', workspaceId).execute();
        await tx
          .updateTable('campaigns')
          .set({ status: 'cancelled', updated_at: now })
          .where('workspace_id', '=', workspaceId)
          .where('status', 'in', ['scheduled', 'sending', 'paused'])
          .execute();
        // Recorded in the person's other workspaces: this workspace's own log is being erased.
        await activity.recordForUser(
          caller.userId,
          {
            action: 'workspace.deleted',
            actor: { userId: caller.userId, name: caller.name },
            ip: caller.ip,
            target: { type: 'workspace', id: workspaceId, label: null },
            details: { deletionId: deletion.id, messages: deletion.messages_total },
          },
          tx,
        );
        return deletion;
      });
      deps.wake();
      return presentDeletion(row);
    },

    /** Progress of a deletion, for the person who asked for it. */
    async get(caller: Caller, deletionId: string): Promise<WorkspaceDeletionDtoT> {
      const row = await db
        .selectFrom('workspace_deletions')
        .selectAll()
        .where('id', '=', deletionId)
        .where('requested_by', '=', caller.userId)
        .executeTakeFirst();
      if (!row) throw notFound('deletion');
      return presentDeletion(row);
    },

    async listMine(caller: Caller): Promise<WorkspaceDeletionDtoT[]> {
      const rows = await db
        .selectFrom('workspace_deletions')
        .selectAll()
        .where('requested_by', '=', caller.userId)
        .orderBy('id', 'desc')
        .limit(20)
        .execute();
      return rows.map(presentDeletion);
    },
  };
}

export type WorkspaceDeletions = ReturnType<typeof createWorkspaceDeletions>;

/**
 * A finished deletion's record is the proof that the workspace was erased, and what its
 * requester sees under "my deletions"; it is kept this long after finishing, then deleted
 * (docs/operations.md, Data retention). Failed ones stay until they succeed.
 */
export const DELETION_RECORD_RETENTION_DAYS = 365;

export async function purgeOldDeletionRecords(db: DbOrTx, now: number): Promise<number> {
  const result = await db
    .deleteFrom('workspace_deletions')
    .where('state', '=', 'done')
    .where('finished_at', '<', now - DELETION_RECORD_RETENTION_DAYS * DAY_MS)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
