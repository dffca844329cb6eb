import { sql, type Kysely } from 'kysely';

/**
 * Campaigns that check recipients against WhatsApp before sending (PRODUCT §5).
 * `whatsapp_checks` remembers, per phone of a workspace (contacts and pasted
 * numbers alike), whether WhatsApp knew it and when it was asked, so a number is
 * not asked about again for a while: every question is a usync query from a
 * linked number, and many of them are a ban risk.
 *
 * Also: the recipient indexes on `(number_id, queued_at)` and `message_id` only
 * serve rows that were handed to the send queue, so they become partial indexes;
 * planning a campaign writes every recipient without them, which makes the
 * 100,000-row insert of audience planning cheaper.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('whatsapp_checks')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** E.164 digits. */
    .addColumn('phone', 'text', (c) => c.notNull())
    /** 1 when WhatsApp has an account for this number, 0 when it has none. */
    .addColumn('on_whatsapp', 'integer', (c) => c.notNull())
    .addColumn('checked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('whatsapp_checks_pk', ['workspace_id', 'phone'])
    .execute();

  await db.schema.dropIndex('campaign_recipients_number_day').execute();
  await db.schema.dropIndex('campaign_recipients_message').execute();
  await db.schema
    .createIndex('campaign_recipients_number_day')
    .on('campaign_recipients')
    .columns(['number_id', 'queued_at'])
    .where(sql.ref('queued_at'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('campaign_recipients_message')
    .on('campaign_recipients')
    .columns(['message_id'])
    .where(sql.ref('message_id'), 'is not', null)
    .execute();
}
