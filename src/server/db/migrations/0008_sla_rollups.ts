import type { Kysely } from 'kysely';

/**
 * SLA report rollups: per workspace, local day and dimension (all, agent,
 * number, label), the histograms of response and resolution times (raw and in
 * business time), hits, misses and breaches, updated when a clock stops or a
 * breach is detected. A 90-day report reads a few hundred rows however many
 * conversations the period had.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sla_rollups')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** Days since 1970-01-01 as a local date in the workspace zone when the row was written. */
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('dim', 'text', (c) => c.notNull())
    /** The agent, number or label id; '' for "all" and for "none". */
    .addColumn('key', 'text', (c) => c.notNull())
    /** JSON, see modules/sla/rollups.ts. */
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sla_rollups_pk', ['workspace_id', 'dim', 'day', 'key'])
    .execute();
}
