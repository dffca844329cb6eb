import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/database.js';
import { DAY_MS } from '../../lib/clock.js';
import type {
  ConversationStatus,
  NotificationsTable,
  SlaDeliveriesTable,
  SlaEventsTable,
  SlaMetricsTable,
  SlaPoliciesTable,
} from '../../db/tables.js';
import type { Reply, SlaRow } from './clocks.js';

export type PolicyRow = SlaPoliciesTable;
export type NotificationRow = NotificationsTable;
export type DeliveryRow = SlaDeliveriesTable;
export type MetricRow = SlaMetricsTable;
export type EventRow = SlaEventsTable;

/**
 * A reply that stops a response clock: an outbound message that was not refused
 * by WhatsApp, sent by an agent from the dashboard or from the phone, and not an
 * automatic message (opt-out confirmations carry `automated`, campaign sends a
 * `campaignId`). Private notes are not messages, so they never count.
 */
function countingReplies(db: DbOrTx, workspaceId: string, conversationId: string) {
  return db
    .selectFrom('messages')
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'out')
    .where('status', '!=', 'failed')
    .where('payload', 'not like', '%"automated":true%')
    .where('payload', 'not like', '%"campaignId"%');
}

export async function latestReply(db: DbOrTx, workspaceId: string, conversationId: string): Promise<Reply | null> {
  const row = await countingReplies(db, workspaceId, conversationId)
    .select(['sent_at', 'sender_user_id'])
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { at: row.sent_at, by: row.sender_user_id } : null;
}

export async function firstReplyAfter(db: DbOrTx, workspaceId: string, conversationId: string, after: number): Promise<Reply | null> {
  const row = await countingReplies(db, workspaceId, conversationId)
    .where('sent_at', '>=', after)
    .select(['sent_at', 'sender_user_id'])
    .orderBy('sent_at', 'asc')
    .orderBy('id', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row ? { at: row.sent_at, by: row.sender_user_id } : null;
}

/** The first customer message strictly after an instant (or the first of all with null). */
export async function firstInboundAfter(
  db: DbOrTx,
  workspaceId: string,
  conversationId: string,
  after: number | null,
): Promise<number | null> {
  let q = db
    .selectFrom('messages')
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'in');
  if (after !== null) q = q.where('sent_at', '>', after);
  const row = await q.select('sent_at').orderBy('sent_at', 'asc').limit(1).executeTakeFirst();
  return row?.sent_at ?? null;
}

export interface ConversationFacts {
  id: string;
  workspace_id: string;
  number_id: string;
  status: ConversationStatus;
  assignee_user_id: string | null;
  updated_at: number;
  time_zone: string;
}

export async function conversationFacts(db: DbOrTx, conversationId: string): Promise<ConversationFacts | undefined> {
  return db
    .selectFrom('conversations as c')
    .innerJoin('workspaces as w', 'w.id', 'c.workspace_id')
    .where('c.id', '=', conversationId)
    .select(['c.id', 'c.workspace_id', 'c.number_id', 'c.status', 'c.assignee_user_id', 'c.updated_at', 'w.time_zone'])
    .executeTakeFirst();
}

export async function labelIdsOf(db: DbOrTx, workspaceId: string, conversationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('conversation_labels')
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .select('label_id')
    .execute();
  return rows.map((r) => r.label_id);
}

export async function findPolicy(db: DbOrTx, workspaceId: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('sla_policies').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
}

export async function workspaceTimeZone(db: DbOrTx, workspaceId: string): Promise<string | undefined> {
  const row = await db.selectFrom('workspaces').select('time_zone').where('id', '=', workspaceId).executeTakeFirst();
  return row?.time_zone;
}

export async function findSlaRow(db: DbOrTx, conversationId: string): Promise<SlaRow | undefined> {
  return db.selectFrom('sla_conversations').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
}

/** Writes the row if nobody changed it since `expectedVersion` was read; false when someone did. */
export async function saveSlaRow(db: DbOrTx, row: SlaRow, expectedVersion: number | null): Promise<boolean> {
  if (expectedVersion === null) {
    const result = await db
      .insertInto('sla_conversations')
      .values({ ...row, version: 1 })
      .onConflict((oc) => oc.column('conversation_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  const { conversation_id: id, ...rest } = row;
  const result = await db
    .updateTable('sla_conversations')
    .set({ ...rest, version: expectedVersion + 1 })
    .where('conversation_id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Inserts stopped-clock metrics; a metric already stored for the same cycle is kept. Returns the rows this call inserted. */
export async function insertMetrics(db: DbOrTx, rows: MetricRow[]): Promise<MetricRow[]> {
  const inserted: MetricRow[] = [];
  for (const row of rows) {
    const result = await db
      .insertInto('sla_metrics')
      .values(row)
      .onConflict((oc) => oc.columns(['conversation_id', 'metric', 'cycle']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) inserted.push(row);
  }
  return inserted;
}

/** Rows with an alert due by `now`, earliest first. */
export async function dueRows(db: DbOrTx, now: number, limit: number): Promise<SlaRow[]> {
  return db.selectFrom('sla_conversations').selectAll().where('due_at', '<=', now).orderBy('due_at').limit(limit).execute();
}

export async function earliestDue(db: DbOrTx): Promise<number | null> {
  const row = await db
    .selectFrom('sla_conversations')
    .select('due_at')
    .where('due_at', 'is not', null)
    .orderBy('due_at')
    .limit(1)
    .executeTakeFirst();
  return row?.due_at ?? null;
}

/** Inserts the event unless it exists; true only for the one caller that inserted it. */
export async function insertEventOnce(db: DbOrTx, row: EventRow): Promise<boolean> {
  const result = await db
    .insertInto('sla_events')
    .values(row)
    .onConflict((oc) => oc.columns(['conversation_id', 'target', 'kind', 'cycle']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Who hears about an alert: the assignee or, unassigned, every agent; and every owner and admin. */
export async function alertRecipients(db: DbOrTx, workspaceId: string, assignee: string | null): Promise<string[]> {
  const rows = await db.selectFrom('memberships').select(['user_id', 'role']).where('workspace_id', '=', workspaceId).execute();
  const out = new Set<string>();
  for (const r of rows) {
    if (r.role === 'owner' || r.role === 'admin') out.add(r.user_id);
    else if (assignee === null) out.add(r.user_id);
  }
  if (assignee !== null && rows.some((r) => r.user_id === assignee)) out.add(assignee);
  return [...out];
}

export async function insertNotifications(db: DbOrTx, rows: NotificationRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('notifications').values(rows).execute();
}

export async function insertDeliveries(db: DbOrTx, rows: DeliveryRow[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('sla_deliveries')
      .values(rows)
      .onConflict((oc) => oc.columns(['sla_event_id', 'channel', 'target']).doNothing())
      .execute();
}

export async function conversationLabel(db: DbOrTx, workspaceId: string, conversationId: string) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('contacts as k', 'k.id', 'c.contact_id')
    .innerJoin('numbers as n', 'n.id', 'c.number_id')
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', conversationId)
    .select(['k.name', 'k.push_name', 'k.saved_name', 'k.phone', 'n.name as number_name', 'c.assignee_user_id'])
    .executeTakeFirst();
}

/** Open conversations a policy change must re-evaluate, a page at a time. */
export async function openConversationIds(db: Db, workspaceId: string, after: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('conversations').select('id').where('workspace_id', '=', workspaceId).where('status', '!=', 'resolved');
  if (after !== null) q = q.where('id', '>', after);
  const rows = await q.orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** Conversations whose applied SLA is older than their last change: missed while the process was down. */
export async function staleConversationIds(db: Db, after: string | null, limit: number): Promise<string[]> {
  let q = db
    .selectFrom('conversations as c')
    .leftJoin('sla_conversations as s', 's.conversation_id', 'c.id')
    .select('c.id')
    .where((eb) => eb.or([eb('s.conversation_id', 'is', null), eb('s.updated_at', '<', eb.ref('c.updated_at'))]))
    .where((eb) => eb.or([eb('c.status', '!=', 'resolved'), eb('s.status', '!=', 'resolved')]))
    .where(sql<boolean>`c.last_message_at is not null`);
  if (after !== null) q = q.where('c.id', '>', after);
  const rows = await q.orderBy('c.id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** How long alert records stay (docs/operations.md, Data retention). */
export const SLA_RETENTION = {
  /** A notification someone has read. */
  readNotificationDays: 90,
  /** One nobody read: kept longer, since it may still be news to someone back from leave. */
  unreadNotificationDays: 365,
  /** A finished email or webhook delivery (its log entry; pending ones stay until sent or failed). */
  finishedDeliveryDays: 90,
} as const;

/** Deletes notifications and finished deliveries past SLA_RETENTION; returns what went. */
export async function purgeOldAlerts(db: DbOrTx, now: number): Promise<{ notifications: number; deliveries: number }> {
  const notifications = await db
    .deleteFrom('notifications')
    .where((eb) =>
      eb.or([
        eb.and([eb('read_at', 'is not', null), eb('created_at', '<', now - SLA_RETENTION.readNotificationDays * DAY_MS)]),
        eb('created_at', '<', now - SLA_RETENTION.unreadNotificationDays * DAY_MS),
      ]),
    )
    .executeTakeFirst();
  const deliveries = await db
    .deleteFrom('sla_deliveries')
    .where('status', 'in', ['delivered', 'failed'])
    .where('created_at', '<', now - SLA_RETENTION.finishedDeliveryDays * DAY_MS)
    .executeTakeFirst();
  return { notifications: Number(notifications.numDeletedRows), deliveries: Number(deliveries.numDeletedRows) };
}
