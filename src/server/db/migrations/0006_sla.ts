import { sql, type Kysely } from 'kysely';
import { binaryType } from '../dialect.js';

/**
 * SLA (PRODUCT §7): one policy per workspace → one applied SLA row per
 * conversation with its clocks → SLA events written once per miss (the unique
 * key is the dedupe, across restarts and processes) → per-person notifications
 * and outbound deliveries (email, webhook) with their log. Metrics are stored
 * raw and in business time when a clock stops, so reports add up rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bin = binaryType(db);

  await db.schema
    .createTable('sla_policies')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('first_response_ms', 'bigint', (c) => c.notNull())
    .addColumn('next_response_ms', 'bigint', (c) => c.notNull())
    .addColumn('resolution_ms', 'bigint')
    .addColumn('business_hours', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON `{week: [[{start,end}]…7], holidays: ["YYYY-MM-DD"]}`; the zone is the workspace's. */
    .addColumn('schedule', 'text', (c) => c.notNull())
    /** JSON arrays of ids; empty means every number / every conversation. */
    .addColumn('number_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('label_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('at_risk_percent', 'integer', (c) => c.notNull().defaultTo(80))
    .addColumn('pause_when_pending', 'integer', (c) => c.notNull().defaultTo(0))
    /** Alert channels beyond the dashboard. */
    .addColumn('email_to', 'text')
    .addColumn('smtp', 'text')
    .addColumn('smtp_password', bin)
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret', bin)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // The applied SLA of a conversation: a response clock (first or next response) and a resolution clock.
  await db.schema
    .createTable('sla_conversations')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    /** Conversation status when last seen, and when it changed to that. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('in_scope', 'integer', (c) => c.notNull().defaultTo(1))
    /** First customer message of the current open period; null while resolved. */
    .addColumn('session_start', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('resp_target', 'text')
    /** Cycle key: the customer message that started the wait. */
    .addColumn('resp_start', 'bigint')
    .addColumn('resp_credit', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('resp_segment', 'bigint')
    .addColumn('resp_target_ms', 'bigint')
    .addColumn('resp_risk_at', 'bigint')
    .addColumn('resp_breach_at', 'bigint')
    .addColumn('resp_fired', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('res_start', 'bigint')
    .addColumn('res_credit', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('res_segment', 'bigint')
    .addColumn('res_target_ms', 'bigint')
    .addColumn('res_risk_at', 'bigint')
    .addColumn('res_breach_at', 'bigint')
    .addColumn('res_fired', 'integer', (c) => c.notNull().defaultTo(0))
    /** The next instant an alert is due (at risk or breach of a running clock); what the evaluator wakes for. */
    .addColumn('due_at', 'bigint')
    /** The most urgent running clock, for the inbox badge and "time left" sort. */
    .addColumn('urgent_target', 'text')
    .addColumn('urgent_risk_at', 'bigint')
    .addColumn('urgent_breach_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sla_conversations_due')
    .on('sla_conversations')
    .column('due_at')
    .where(sql.ref('due_at'), 'is not', null)
    .execute();
  await db.schema.createIndex('sla_conversations_urgent').on('sla_conversations').columns(['workspace_id', 'urgent_breach_at']).execute();

  // One row per miss: the unique key makes "alert once" hold across restarts and processes.
  await db.schema
    .createTable('sla_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cycle', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('detected_at', 'bigint', (c) => c.notNull())
    .addColumn('assignee_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('number_id', 'text')
    .addUniqueConstraint('sla_events_once', ['conversation_id', 'target', 'kind', 'cycle'])
    .execute();
  await db.schema.createIndex('sla_events_workspace').on('sla_events').columns(['workspace_id', 'detected_at']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.references('conversations.id').onDelete('cascade'))
    .addColumn('sla_event_id', 'text', (c) => c.references('sla_events.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['workspace_id', 'user_id', 'id']).execute();
  await db.schema
    .createIndex('notifications_unread')
    .on('notifications')
    .columns(['workspace_id', 'user_id'])
    .where(sql.ref('read_at'), 'is', null)
    .execute();

  // Email and webhook deliveries: the queue and the delivery log in one.
  await db.schema
    .createTable('sla_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('sla_event_id', 'text', (c) => c.references('sla_events.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('response_status', 'integer')
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addUniqueConstraint('sla_deliveries_once', ['sla_event_id', 'channel', 'target'])
    .execute();
  await db.schema.createIndex('sla_deliveries_queue').on('sla_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('sla_deliveries_workspace').on('sla_deliveries').columns(['workspace_id', 'id']).execute();

  // One row per stopped clock: reports aggregate these instead of messages.
  await db.schema
    .createTable('sla_metrics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('number_id', 'text', (c) => c.notNull())
    .addColumn('agent_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('cycle', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint', (c) => c.notNull())
    .addColumn('raw_ms', 'bigint', (c) => c.notNull())
    .addColumn('business_ms', 'bigint', (c) => c.notNull())
    .addColumn('target_ms', 'bigint')
    .addColumn('hit', 'integer')
    .addUniqueConstraint('sla_metrics_once', ['conversation_id', 'metric', 'cycle'])
    .execute();
  await db.schema.createIndex('sla_metrics_report').on('sla_metrics').columns(['workspace_id', 'ended_at']).execute();

  // The dashboard counts a workspace's messages in and out today without scanning every conversation.
  await db.schema.createIndex('messages_workspace_sent').on('messages').columns(['workspace_id', 'sent_at']).execute();
}
