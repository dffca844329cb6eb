import type { Kysely } from 'kysely';

/**
 * Privacy rights (PRODUCT §10):
 * - `usage_events`: optional analytics, stored only for people who consented, and
 *   only on this server. Deleted with the person (and the workspace).
 * - `workspace_deletions`: a workspace deletion runs as a resumable background job;
 *   this row holds its state and progress. It deliberately has no foreign key to
 *   `workspaces`, so it outlives the workspace it reports on.
 * - `workspaces.message_retention_days`: optional message retention (null = keep).
 * - `activity_log.actor_deleted`: 1 on entries whose actor deleted their account (shown as "deleted user").
 *
 * Retention batches use the `messages (workspace_id, sent_at)` index of 0006_sla.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('usage_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.references('workspaces.id').onDelete('cascade'))
    /** 'page_view' or 'feature'. */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_events_user').on('usage_events').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('usage_events_at').on('usage_events').column('at').execute();
  await db.schema.createIndex('usage_events_workspace').on('usage_events').column('workspace_id').execute();

  await db.schema
    .createTable('workspace_deletions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    /** pending → running → done (or failed, retried by the next run). */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('numbers_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('numbers_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('messages_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('messages_deleted', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('media_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('media_deleted', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('files_deleted', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_deleted', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('workspace_deletions_state').on('workspace_deletions').columns(['state', 'id']).execute();
  await db.schema.createIndex('workspace_deletions_requester').on('workspace_deletions').columns(['requested_by', 'id']).execute();

  await db.schema.alterTable('workspaces').addColumn('message_retention_days', 'integer').execute();
  await db.schema
    .alterTable('activity_log')
    .addColumn('actor_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
