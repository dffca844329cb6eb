import type { Kysely } from 'kysely';

/**
 * Bulk messages (PRODUCT §5). A campaign's recipients are rows: the queue the
 * campaign sender claims from, and the per-recipient record of what happened
 * (skipped with a reason, sent, delivered, read, replied, failed, needs review).
 * `campaign_number_pacing` keeps each number's next allowed campaign send, so
 * pacing holds across campaigns and across restarts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    /** draft | scheduled | sending | paused | completed | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    /** JSON array of alternative texts, rotated per recipient. */
    .addColumn('variants', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('media_id', 'text', (c) => c.references('media.id').onDelete('set null'))
    /** JSON: pacing, sending window, typing indicator, consent field, failure threshold. */
    .addColumn('settings', 'text', (c) => c.notNull())
    /** JSON array of the numbers that share the load. */
    .addColumn('number_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    /** JSON array of the CSV columns seen in uploads (they become variables). */
    .addColumn('csv_columns', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('pause_reason', 'text')
    .addColumn('auto_paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scheduled_at', 'bigint')
    .addColumn('started_at', 'bigint')
    /** Failures before the last resume do not count towards the auto-pause threshold again. */
    .addColumn('resumed_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaigns_workspace').on('campaigns').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('campaigns_status').on('campaigns').columns(['status', 'id']).execute();

  await db.schema
    .createTable('campaign_recipients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** Position in the audience: send order and variant rotation (seq mod variants). */
    .addColumn('seq', 'integer', (c) => c.notNull())
    /** E.164 digits; null when the input was not a phone number. */
    .addColumn('phone', 'text')
    /** The input as given (pasted line, CSV cell), for the skip report. */
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('name', 'text')
    /** label | csv | pasted */
    .addColumn('source', 'text', (c) => c.notNull())
    /** JSON object: the CSV row's columns. */
    .addColumn('vars', 'text', (c) => c.notNull().defaultTo('{}'))
    /** queued | sending | sent | delivered | read | replied | failed | skipped | needs_review */
    .addColumn('status', 'text', (c) => c.notNull())
    /** Why skipped / failed / needs review. */
    .addColumn('reason', 'text')
    .addColumn('number_id', 'text', (c) => c.references('numbers.id').onDelete('set null'))
    /** The outbound message: created in the same transaction that marks the recipient `sending`. */
    .addColumn('message_id', 'text', (c) => c.references('messages.id').onDelete('set null'))
    .addColumn('conversation_id', 'text', (c) => c.references('conversations.id').onDelete('set null'))
    .addColumn('variant', 'integer')
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'bigint')
    .addColumn('queued_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('campaign_recipients_seq', ['campaign_id', 'seq'])
    .execute();
  await db.schema.createIndex('campaign_recipients_status').on('campaign_recipients').columns(['campaign_id', 'status', 'seq']).execute();
  await db.schema.createIndex('campaign_recipients_number_day').on('campaign_recipients').columns(['number_id', 'queued_at']).execute();
  await db.schema.createIndex('campaign_recipients_message').on('campaign_recipients').columns(['message_id']).execute();

  await db.schema
    .createTable('campaign_number_pacing')
    .addColumn('number_id', 'text', (c) => c.primaryKey().references('numbers.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** No campaign message leaves this number before this time (a random delay after the last, or a claim's reservation). */
    .addColumn('next_due_at', 'bigint', (c) => c.notNull())
    .addColumn('last_send_at', 'bigint')
    .addColumn('last_campaign_id', 'text')
    .execute();
}
