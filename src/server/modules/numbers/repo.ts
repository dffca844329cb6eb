import type { DbOrTx } from '../../db/database.js';
import type { NumbersTable } from '../../db/tables.js';

export type NumberRow = NumbersTable;

/** States in which a linked number is expected to hold a socket (the manager starts these on boot). */
export const RUNNABLE_STATES = ['idle', 'connecting', 'waiting_for_scan', 'connected', 'reconnecting'] as const;

export async function insertNumber(db: DbOrTx, row: NumberRow): Promise<void> {
  await db.insertInto('numbers').values(row).execute();
}

/** A number of the workspace that has not been deleted. */
export async function findNumber(db: DbOrTx, workspaceId: string, numberId: string): Promise<NumberRow | undefined> {
  return db
    .selectFrom('numbers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', numberId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function listNumbers(db: DbOrTx, workspaceId: string, limit: number, afterId?: string): Promise<NumberRow[]> {
  let q = db.selectFrom('numbers').selectAll().where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

export async function updateNumber(
  db: DbOrTx,
  workspaceId: string,
  numberId: string,
  patch: Partial<Omit<NumberRow, 'id' | 'workspace_id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('numbers').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', numberId).execute();
}

/** Removes the number row; conversations, messages, keys and the lease go with it (foreign keys cascade). */
export async function deleteNumberRow(db: DbOrTx, workspaceId: string, numberId: string): Promise<void> {
  await db.deleteFrom('numbers').where('workspace_id', '=', workspaceId).where('id', '=', numberId).execute();
}

export async function deleteAuthKeys(db: DbOrTx, numberId: string): Promise<void> {
  await db.deleteFrom('wa_auth_keys').where('number_id', '=', numberId).execute();
}

/** Media rows the number's messages point at (collected before an erase, to purge the ones left orphaned). */
export async function mediaIdsOfNumber(db: DbOrTx, workspaceId: string, numberId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('media_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('number_id', '=', numberId)
    .where('media_id', 'is not', null)
    .execute();
  return rows.map((r) => r.media_id).filter((id): id is string => id !== null);
}

/**
 * Deletes the given media rows that no message references any more, and returns
 * the content hashes that no media row of any workspace uses after that (their
 * files can go).
 */
export async function deleteOrphanMedia(db: DbOrTx, workspaceId: string, mediaIds: string[]): Promise<string[]> {
  if (mediaIds.length === 0) return [];
  const orphans = await db
    .selectFrom('media')
    .select(['id', 'sha256'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', mediaIds)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('messages').select('messages.id').whereRef('messages.media_id', '=', 'media.id'))),
    )
    .execute();
  if (orphans.length === 0) return [];
  await db
    .deleteFrom('media')
    .where('workspace_id', '=', workspaceId)
    .where(
      'id',
      'in',
      orphans.map((o) => o.id),
    )
    .execute();
  const hashes = [...new Set(orphans.map((o) => o.sha256).filter((h): h is string => !!h))];
  if (hashes.length === 0) return [];
  const stillUsed = await db.selectFrom('media').select('sha256').distinct().where('sha256', 'in', hashes).execute();
  const used = new Set(stillUsed.map((r) => r.sha256));
  return hashes.filter((h) => !used.has(h));
}

// ---------------------------------------------------------------------------
// For the number manager: install-wide, by number id (the manager serves every workspace).
// ---------------------------------------------------------------------------

export async function findNumberById(db: DbOrTx, numberId: string): Promise<NumberRow | undefined> {
  return db.selectFrom('numbers').selectAll().where('id', '=', numberId).executeTakeFirst();
}

/**
 * Linked numbers that should hold a socket and whose lease is free or lapsed,
 * oldest first. `exclude` are the ones this process runs already.
 */
export async function listRunnableUnowned(db: DbOrTx, now: number, limit: number): Promise<Array<{ id: string; workspace_id: string }>> {
  return db
    .selectFrom('numbers as n')
    .leftJoin('number_leases as l', 'l.number_id', 'n.id')
    .select(['n.id', 'n.workspace_id'])
    .where('n.deleted_at', 'is', null)
    .where('n.linked_at', 'is not', null)
    .where('n.state', 'in', [...RUNNABLE_STATES])
    .where((eb) => eb.or([eb('l.number_id', 'is', null), eb('l.expires_at', '<', now)]))
    .orderBy('n.id')
    .limit(limit)
    .execute();
}

/** Writes a state change; `state_since` moves only when the state itself changes. */
export async function setNumberState(
  db: DbOrTx,
  numberId: string,
  change: { state: string; reason: string | null; at: number; extra?: Partial<Pick<NumberRow, 'phone' | 'linked_at'>> },
): Promise<NumberRow | undefined> {
  const before = await findNumberById(db, numberId);
  if (!before) return undefined;
  const patch: Partial<NumberRow> = {
    state: change.state,
    state_reason: change.reason,
    updated_at: change.at,
    ...(before.state !== change.state ? { state_since: change.at } : {}),
    ...change.extra,
  };
  await db.updateTable('numbers').set(patch).where('id', '=', numberId).execute();
  return { ...before, ...patch };
}
