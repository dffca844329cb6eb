import type { Role } from '../../../contracts/common.js';
import type { DbOrTx } from '../../db/database.js';
import type { InvitesTable, WorkspacesTable } from '../../db/tables.js';

export type WorkspaceRow = WorkspacesTable;
export type InviteRow = InvitesTable;

export async function insertWorkspace(db: DbOrTx, row: WorkspaceRow): Promise<void> {
  await db.insertInto('workspaces').values(row).execute();
}

export async function findWorkspace(db: DbOrTx, workspaceId: string): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
}

export async function updateWorkspace(
  db: DbOrTx,
  workspaceId: string,
  patch: Partial<Omit<WorkspaceRow, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('workspaces').set(patch).where('id', '=', workspaceId).execute();
}

export async function deleteWorkspace(db: DbOrTx, workspaceId: string): Promise<void> {
  await db.deleteFrom('workspaces').where('id', '=', workspaceId).execute();
}

export async function findRole(db: DbOrTx, workspaceId: string, userId: string): Promise<Role | undefined> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

export async function listWorkspacesOfUser(db: DbOrTx, userId: string, limit: number, afterId?: string) {
  let q = db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select([
      'w.id',
      'w.name',
      'w.time_zone',
      'w.country',
      'w.log_retention_days',
      'w.message_retention_days',
      'w.typing_to_customer',
      'w.mark_read_on_reply',
      'w.created_at',
      'w.updated_at',
      'm.role',
    ])
    .where('m.user_id', '=', userId);
  if (afterId) q = q.where('w.id', '>', afterId);
  return q.orderBy('w.id').limit(limit).execute();
}

export async function workspaceIdsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('memberships').select('workspace_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.workspace_id);
}

export async function insertMembership(
  db: DbOrTx,
  row: { workspace_id: string; user_id: string; role: Role; created_at: number },
): Promise<void> {
  await db.insertInto('memberships').values(row).execute();
}

export async function listMembers(db: DbOrTx, workspaceId: string, limit: number, afterUserId?: string) {
  let q = db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id as user_id', 'u.name', 'u.email', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceId);
  if (afterUserId) q = q.where('u.id', '>', afterUserId);
  return q.orderBy('u.id').limit(limit).execute();
}

export async function countOwners(db: DbOrTx, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setMemberRole(db: DbOrTx, workspaceId: string, userId: string, role: Role): Promise<void> {
  await db.updateTable('memberships').set({ role }).where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
}

export async function deleteMembership(db: DbOrTx, workspaceId: string, userId: string): Promise<void> {
  await db.deleteFrom('memberships').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
}

export async function insertInvite(db: DbOrTx, row: InviteRow): Promise<void> {
  await db.insertInto('invites').values(row).execute();
}

export async function listInvites(db: DbOrTx, workspaceId: string, limit: number, beforeId?: string) {
  let q = db
    .selectFrom('invites as i')
    .leftJoin('users as u', 'u.id', 'i.created_by')
    .selectAll('i')
    .select('u.name as created_by_name')
    .where('i.workspace_id', '=', workspaceId);
  if (beforeId) q = q.where('i.id', '<', beforeId);
  return q.orderBy('i.id', 'desc').limit(limit).execute();
}

export async function findInvite(db: DbOrTx, workspaceId: string, inviteId: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', inviteId).executeTakeFirst();
}

/** Looks an invite up by its token hash: the one query not scoped by workspace, since the token is the credential. */
export async function findInviteByTokenHash(db: DbOrTx, tokenHash: string) {
  return db
    .selectFrom('invites as i')
    .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
    .selectAll('i')
    .select('w.name as workspace_name')
    .where('i.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function markInviteRevoked(db: DbOrTx, workspaceId: string, inviteId: string, at: number): Promise<void> {
  await db.updateTable('invites').set({ revoked_at: at }).where('workspace_id', '=', workspaceId).where('id', '=', inviteId).execute();
}

/** Claims an invite once: the `accepted_at is null` guard makes a second acceptance change nothing. */
export async function markInviteAccepted(db: DbOrTx, workspaceId: string, inviteId: string, userId: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set({ accepted_at: at, accepted_by: userId })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', inviteId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
