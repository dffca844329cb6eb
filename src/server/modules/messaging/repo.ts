import type { DbOrTx } from '../../db/database.js';
import type { NumbersTable } from '../../db/tables.js';

export type SendingNumberRow = Pick<
  NumbersTable,
  'id' | 'workspace_id' | 'name' | 'phone' | 'state' | 'state_reason' | 'linked_at' | 'deleted_at'
>;

/** A number of this workspace that still exists (a deleted session's number is gone for sending). */
export async function findLiveNumber(db: DbOrTx, workspaceId: string, numberId: string): Promise<SendingNumberRow | undefined> {
  return db
    .selectFrom('numbers')
    .select(['id', 'workspace_id', 'name', 'phone', 'state', 'state_reason', 'linked_at', 'deleted_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', numberId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function workspaceCountry(db: DbOrTx, workspaceId: string): Promise<string | undefined> {
  const row = await db.selectFrom('workspaces').select('country').where('id', '=', workspaceId).executeTakeFirst();
  return row?.country;
}
