import { sql, type Kysely } from 'kysely';
import { insertMany } from '../../db/bulk.js';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import type {
  CampaignNumberPacingTable,
  CampaignRecipientsTable,
  CampaignsTable,
  CampaignStatusColumn,
  RecipientStatusColumn,
} from '../../db/tables.js';

export type CampaignRow = CampaignsTable;
export type RecipientRow = CampaignRecipientsTable;
export type PacingRow = CampaignNumberPacingTable;

/** Ids per `in (…)` list of a bulk update: well under both databases' parameter limits (SQLite 32,766; PostgreSQL 65,535). */
const IDS_CHUNK = 1000;

export const postgres = (db: DbOrTx) => isPostgres(db as unknown as Kysely<unknown>);

// ---------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------

export async function insertCampaign(db: DbOrTx, row: CampaignRow): Promise<void> {
  await db.insertInto('campaigns').values(row).execute();
}

export async function findCampaign(db: DbOrTx, workspaceId: string, campaignId: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', campaignId).executeTakeFirst();
}

export async function listCampaigns(
  db: DbOrTx,
  workspaceId: string,
  options: { status?: CampaignStatusColumn | undefined; before?: string | undefined; limit: number },
): Promise<CampaignRow[]> {
  let q = db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId);
  if (options.status) q = q.where('status', '=', options.status);
  if (options.before) q = q.where('id', '<', options.before);
  return q.orderBy('id', 'desc').limit(options.limit).execute();
}

/** Campaigns in one of these states, across workspaces (the sender's view). */
export async function campaignsInStatus(db: DbOrTx, statuses: readonly CampaignStatusColumn[]): Promise<CampaignRow[]> {
  return db.selectFrom('campaigns').selectAll().where('status', 'in', statuses).orderBy('id').execute();
}

/** Updates a campaign if it is still in one of `from` (a compare-and-set against concurrent changes). */
export async function updateCampaign(
  db: DbOrTx,
  workspaceId: string,
  campaignId: string,
  patch: Partial<CampaignRow>,
  from?: readonly CampaignStatusColumn[],
): Promise<CampaignRow | undefined> {
  let q = db.updateTable('campaigns').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', campaignId);
  if (from) q = q.where('status', 'in', from);
  return q.returningAll().executeTakeFirst();
}

export async function deleteCampaign(db: DbOrTx, workspaceId: string, campaignId: string): Promise<void> {
  await db.deleteFrom('campaign_recipients').where('workspace_id', '=', workspaceId).where('campaign_id', '=', campaignId).execute();
  await db.deleteFrom('campaigns').where('workspace_id', '=', workspaceId).where('id', '=', campaignId).execute();
}

// ---------------------------------------------------------------------------
// Recipients
// ---------------------------------------------------------------------------

/** Recipient rows in as few statements as the database allows (PostgreSQL: one JSON parameter per 5,000 rows). */
export async function insertRecipients(db: DbOrTx, rows: readonly RecipientRow[]): Promise<void> {
  await insertMany(db, 'campaign_recipients', rows);
}

export async function deleteRecipients(db: DbOrTx, workspaceId: string, campaignId: string): Promise<void> {
  await db.deleteFrom('campaign_recipients').where('workspace_id', '=', workspaceId).where('campaign_id', '=', campaignId).execute();
}

export async function maxSeq(db: DbOrTx, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('campaign_recipients')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? -1 : Number(row.seq);
}

/** Phones already in the audience and not skipped: a new entry with one of them is a duplicate. */
export async function audiencePhones(db: DbOrTx, campaignId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('campaign_recipients')
    .select('phone')
    .where('campaign_id', '=', campaignId)
    .where('status', '!=', 'skipped')
    .where('phone', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.phone!));
}

export async function statusCounts(db: DbOrTx, workspaceId: string, campaignIds: readonly string[]) {
  if (campaignIds.length === 0) return [];
  return db
    .selectFrom('campaign_recipients')
    .select(['campaign_id', 'status', 'reason', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'status', 'reason'])
    .execute();
}

export async function listRecipients(
  db: DbOrTx,
  workspaceId: string,
  campaignId: string,
  options: { status?: RecipientStatusColumn | undefined; afterSeq?: number | undefined; limit: number },
): Promise<RecipientRow[]> {
  let q = db.selectFrom('campaign_recipients').selectAll().where('workspace_id', '=', workspaceId).where('campaign_id', '=', campaignId);
  if (options.status) q = q.where('status', '=', options.status);
  if (options.afterSeq !== undefined) q = q.where('seq', '>', options.afterSeq);
  return q.orderBy('seq').limit(options.limit).execute();
}

/** Sendable recipients with what templates need: their contact's name and custom fields. */
export async function recipientsForRendering(
  db: DbOrTx,
  workspaceId: string,
  campaignId: string,
  options: { afterSeq: number; limit: number; status?: RecipientStatusColumn },
) {
  return db
    .selectFrom('campaign_recipients as r')
    .leftJoin('contacts as c', (j) => j.onRef('c.id', '=', 'r.contact_id').on('c.workspace_id', '=', workspaceId))
    .select([
      'r.id',
      'r.seq',
      'r.phone',
      'r.name',
      'r.vars',
      'r.contact_id',
      'c.name as contact_name',
      'c.saved_name',
      'c.push_name',
      'c.custom_fields',
    ])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.campaign_id', '=', campaignId)
    .where('r.status', '=', options.status ?? 'queued')
    .where('r.seq', '>', options.afterSeq)
    .orderBy('r.seq')
    .limit(options.limit)
    .execute();
}

export async function markRecipients(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
  patch: Partial<RecipientRow>,
  from: RecipientStatusColumn,
): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += IDS_CHUNK) {
    const res = await db
      .updateTable('campaign_recipients')
      .set(patch)
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids.slice(i, i + IDS_CHUNK))
      .where('status', '=', from)
      .executeTakeFirst();
    n += Number(res.numUpdatedRows);
  }
  return n;
}

/**
 * Takes back campaign messages that are still waiting in the send queue (not
 * claimed by a sender): the message row goes and its recipient is queued again
 * (`requeue`) or skipped as cancelled. A message already claimed stays: it is
 * being sent, and its outcome is followed as usual. Returns recipients taken back.
 */
export async function revokeUnsentMessages(
  db: DbOrTx,
  workspaceId: string,
  campaignId: string,
  mode: 'requeue' | 'cancel',
  now: number,
): Promise<number> {
  const pending = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('messages as m', 'm.id', 'r.message_id')
    .select(['r.id', 'r.message_id'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.campaign_id', '=', campaignId)
    .where('r.status', '=', 'sending')
    .where('m.status', '=', 'queued')
    .execute();
  let n = 0;
  for (const p of pending) {
    // The delete only wins while the row is still `queued`: a sender that claimed it first keeps it.
    const gone = await db.deleteFrom('messages').where('id', '=', p.message_id!).where('status', '=', 'queued').executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) continue;
    await db
      .updateTable('campaign_recipients')
      .set(
        mode === 'requeue'
          ? { status: 'queued', message_id: null, conversation_id: null, number_id: null, variant: null, queued_at: null, updated_at: now }
          : {
              status: 'skipped',
              reason: 'cancelled',
              message_id: null,
              conversation_id: null,
              number_id: null,
              queued_at: null,
              updated_at: now,
            },
      )
      .where('id', '=', p.id)
      .execute();
    n += 1;
  }
  return n;
}

// ---------------------------------------------------------------------------
// Outcomes: recipients follow their message rows
// ---------------------------------------------------------------------------

/** Message status → recipient status (forward only: the message status itself never moves back). */
export function recipientStatusOf(messageStatus: string, error: string | null, outcomeUnknown: string): RecipientStatusColumn | null {
  switch (messageStatus) {
    case 'queued':
    case 'sending':
      return 'sending';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
    case 'played':
      return 'read';
    case 'failed':
      return error === outcomeUnknown ? 'needs_review' : 'failed';
    default:
      return null;
  }
}

const RANK: Record<string, number> = { sending: 1, sent: 2, delivered: 3, read: 4, replied: 5, failed: 6, needs_review: 6 };

/**
 * Brings the recipients of some campaigns of one workspace in line with their
 * messages (server ack, receipts, failures, unknown outcomes) and marks those
 * the customer answered after the send as replied. Two reads for all the
 * campaigns, whatever their number: the sender reconciles every live campaign
 * every few seconds. Idempotent; returns the recipients that changed.
 */
export async function reconcileOutcomes(
  db: DbOrTx,
  workspaceId: string,
  campaignIds: readonly string[],
  outcomeUnknown: string,
  now: number,
): Promise<Array<{ id: string; campaignId: string; status: RecipientStatusColumn }>> {
  if (campaignIds.length === 0) return [];
  const changed: Array<{ id: string; campaignId: string; status: RecipientStatusColumn; reason: string | null }> = [];
  const open = await db
    .selectFrom('campaign_recipients as r')
    .leftJoin('messages as m', 'm.id', 'r.message_id')
    .select(['r.id', 'r.campaign_id', 'r.status', 'r.message_id', 'm.status as message_status', 'm.error as message_error'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.campaign_id', 'in', campaignIds)
    .where((eb) =>
      eb.or([
        eb.and([eb('r.status', '=', 'sending'), eb.or([eb('m.id', 'is', null), eb('m.status', 'not in', ['queued', 'sending'])])]),
        eb.and([eb('r.status', '=', 'sent'), eb('m.status', 'in', ['delivered', 'read', 'played', 'failed'])]),
        eb.and([eb('r.status', '=', 'delivered'), eb('m.status', 'in', ['read', 'played', 'failed'])]),
      ]),
    )
    .execute();
  for (const r of open) {
    if (r.message_status === null) {
      // The message was erased with its conversation (or contact) before it went out.
      if (r.status === 'sending')
        changed.push({ id: r.id, campaignId: r.campaign_id, status: 'failed', reason: 'message erased before it was sent' });
      continue;
    }
    const next = recipientStatusOf(r.message_status, r.message_error, outcomeUnknown);
    if (!next || next === r.status || (RANK[next] ?? 0) < (RANK[r.status] ?? 0)) continue;
    changed.push({
      id: r.id,
      campaignId: r.campaign_id,
      status: next,
      reason: next === 'failed' || next === 'needs_review' ? r.message_error : null,
    });
  }
  // Replied: the customer wrote in the conversation after our message was created.
  const replied = await db
    .selectFrom('campaign_recipients as r')
    .select(['r.id', 'r.campaign_id'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.campaign_id', 'in', campaignIds)
    .where('r.status', 'in', ['sent', 'delivered', 'read'])
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('messages as i')
          .select(sql`1`.as('one'))
          .whereRef('i.conversation_id', '=', 'r.conversation_id')
          .where('i.direction', '=', 'in')
          .whereRef('i.created_at', '>', 'r.queued_at'),
      ),
    )
    .execute();
  const byId = new Map(changed.map((c) => [c.id, c]));
  for (const r of replied) {
    const c = byId.get(r.id);
    if (c && (c.status === 'failed' || c.status === 'needs_review')) continue;
    byId.set(r.id, { id: r.id, campaignId: r.campaign_id, status: 'replied', reason: null });
  }
  for (const c of byId.values()) {
    await db
      .updateTable('campaign_recipients')
      .set({ status: c.status, reason: c.reason, updated_at: now })
      .where('id', '=', c.id)
      .where('status', 'in', ['sending', 'sent', 'delivered', 'read'])
      .execute();
  }
  return [...byId.values()].map(({ id, campaignId, status }) => ({ id, campaignId, status }));
}

/** Of these campaigns, the ones with no recipient left to send or in flight (done). One index probe each. */
export async function campaignsWithNothingOpen(db: DbOrTx, campaignIds: readonly string[]): Promise<Set<string>> {
  if (campaignIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('campaigns as c')
    .select('c.id')
    .where('c.id', 'in', campaignIds)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('campaign_recipients as r')
            .select(sql`1`.as('one'))
            .whereRef('r.campaign_id', '=', 'c.id')
            .where('r.status', 'in', ['queued', 'sending']),
        ),
      ),
    )
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Failed recipients per campaign (all time): a cheap first look before the exact failure-window check. */
export async function failedCounts(db: DbOrTx, campaignIds: readonly string[]): Promise<Map<string, number>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('campaign_recipients')
    .select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', 'in', campaignIds)
    .where('status', '=', 'failed')
    .groupBy('campaign_id')
    .execute();
  return new Map(rows.map((r) => [r.campaign_id, Number(r.n)]));
}

/** Outcomes of the latest sends since `since` (newest first), for the failure threshold. */
export async function recentOutcomes(db: DbOrTx, campaignId: string, since: number, limit: number): Promise<RecipientStatusColumn[]> {
  const rows = await db
    .selectFrom('campaign_recipients')
    .select('status')
    .where('campaign_id', '=', campaignId)
    .where('queued_at', '>=', since)
    .where('status', 'in', ['sent', 'delivered', 'read', 'replied', 'failed'])
    .orderBy('queued_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.status);
}

// ---------------------------------------------------------------------------
// Pacing
// ---------------------------------------------------------------------------

export async function findPacing(db: DbOrTx, numberId: string, forUpdate: boolean): Promise<PacingRow | undefined> {
  let q = db.selectFrom('campaign_number_pacing').selectAll().where('number_id', '=', numberId);
  if (forUpdate && postgres(db)) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function savePacing(db: DbOrTx, row: PacingRow): Promise<void> {
  await db
    .insertInto('campaign_number_pacing')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('number_id')
        .doUpdateSet({ next_due_at: row.next_due_at, last_send_at: row.last_send_at, last_campaign_id: row.last_campaign_id }),
    )
    .execute();
}

/** Campaign messages this number was handed since `from` (all campaigns: the daily cap is the number's). */
export async function sentSince(db: DbOrTx, numberId: string, from: number): Promise<number> {
  const row = await db
    .selectFrom('campaign_recipients')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('number_id', '=', numberId)
    .where('queued_at', '>=', from)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
