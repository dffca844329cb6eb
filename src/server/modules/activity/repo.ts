import type { DbOrTx } from '../../db/database.js';
import type { ActivityLogTable } from '../../db/tables.js';

export type ActivityRow = ActivityLogTable;

export interface ActivityFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** Exclusive upper bound on id: ids sort by time, so this pages newest-first. */
  beforeId?: string | undefined;
}

export async function insertActivity(db: DbOrTx, rows: ActivityRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('activity_log').values(rows).execute();
}

export async function listActivity(db: DbOrTx, workspaceId: string, filter: ActivityFilter, limit: number): Promise<ActivityRow[]> {
  let q = db.selectFrom('activity_log').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.actorId) q = q.where('actor_user_id', '=', filter.actorId);
  if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.fromMs !== undefined) q = q.where('created_at', '>=', filter.fromMs);
  if (filter.toMs !== undefined) q = q.where('created_at', '<=', filter.toMs);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Deletes entries older than each workspace's retention, in bounded batches so a
 * large purge never holds the write lock for long. Entries without a workspace
 * (install-level events) follow the default retention.
 */
export async function purgeExpiredActivity(db: DbOrTx, now: number, defaultRetentionDays: number, batchSize = 5000): Promise<number> {
  const workspaces = await db.selectFrom('workspaces').select(['id', 'log_retention_days']).execute();
  let deleted = 0;
  const targets: Array<{ workspaceId: string | null; cutoff: number }> = [
    ...workspaces.map((w) => ({ workspaceId: w.id, cutoff: now - w.log_retention_days * 86_400_000 })),
    { workspaceId: null, cutoff: now - defaultRetentionDays * 86_400_000 },
  ];
  for (const { workspaceId, cutoff } of targets) {
    for (;;) {
      const base = db.selectFrom('activity_log').select('id').where('created_at', '<', cutoff);
      const scoped = workspaceId === null ? base.where('workspace_id', 'is', null) : base.where('workspace_id', '=', workspaceId);
      const ids = (await scoped.limit(batchSize).execute()).map((r) => r.id);
      if (ids.length === 0) break;
      await db.deleteFrom('activity_log').where('id', 'in', ids).execute();
      deleted += ids.length;
      if (ids.length < batchSize) break;
    }
  }
  return deleted;
}
