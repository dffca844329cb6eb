/**
 * The campaign engine: everything that moves recipients and campaigns once a
 * campaign runs. The campaign sender job (jobs/campaign-sender.ts) calls it on a
 * timer; the service calls its lifecycle transitions (pause, cancel).
 *
 * Exactly once in effect (ARCHITECTURE "background work"):
 * 1. `claim` takes ONE queued recipient under a lease (claimed_by /
 *    claim_expires_at) and reserves the number's next slot, in one transaction
 *    (PostgreSQL: the pacing row locked FOR UPDATE, the recipient picked with
 *    SKIP LOCKED; SQLite: a single writer).
 * 2. Typing indicator, best effort.
 * 3. `commit` creates the outbound message row (send queue, `queued`) in the SAME
 *    transaction that marks the recipient `sending` with that message id. A crash
 *    before the commit leaves a queued recipient whose lease lapses; after it, a
 *    message the send queue delivers once. There is never a message without its
 *    recipient, nor a second message for one recipient: only `queued` recipients
 *    are ever claimed, and the message id is the recipient's idempotency key.
 * 4. `reconcile` follows each message row: sent, delivered, read, failed, and
 *    "outcome unknown" (the send queue's verdict on a send cut off by a crash)
 *    becomes `needs_review` — never sent again blindly.
 */
import { uploadKindOf } from '../../../contracts/media.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../../realtime/bus.js';
import type { ActivityService } from '../activity/service.js';
import { assertCanMessage } from '../contacts/opt-out.js';
import { ensureContacts, findContact } from '../contacts/repo.js';
import { previewOf } from '../inbox/presenters.js';
import { applyConversationActivity, ensureConversations, insertMessage, queuedOutboundMessage } from '../inbox/repo.js';
import { OUTCOME_UNKNOWN_ERROR } from '../inbox/send-queue.js';
import { localDayStart, nextSendTime, randomDelayMs } from './pacing.js';
import { numberIdsOf, parseObject, settingsOf, textsOf } from './presenters.js';
import {
  findPacing,
  openCount,
  postgres,
  reconcileOutcomes,
  recentOutcomes,
  revokeUnsentMessages,
  savePacing,
  sentSince,
  updateCampaign,
  type CampaignRow,
  type RecipientRow,
} from './repo.js';
import { pickVariant, render, valuesFor } from './template.js';
import { knownChecks, WHATSAPP_CHECK_TTL_MS } from './whatsapp-check.js';

/** Number states that end a session until a person links it again. */
const HARD_DOWN = new Set(['logged_out', 'failed', 'unlinked']);

export interface SendingNumber {
  id: string;
  workspace_id: string;
  name: string;
  state: string;
  state_reason: string | null;
  state_since: number;
  linked_at: number | null;
  daily_cap: number;
  warmup: number;
  deleted_at: number | null;
}

export interface Claim {
  recipient: RecipientRow;
  campaign: CampaignRow;
  number: SendingNumber;
  claimedAt: number;
  /** The number's slot before the reservation, given back if nothing is sent. */
  previousDue: number;
}

export type ClaimResult = { claim: Claim } | { claim: null; wakeAt: number | null };

export type CommitResult =
  | { kind: 'queued'; messageId: string; nextDueAt: number }
  | { kind: 'skipped'; reason: string }
  | { kind: 'released'; why: string }
  | { kind: 'lost' };

export interface EngineOptions {
  /** How long a claimed recipient is held before another sender may take it (covers the typing pause). */
  leaseMs?: number;
  /** A number not connected for this long pauses its campaigns. */
  disconnectGraceMs?: number;
  random?: () => number;
}

export function createCampaignEngine(deps: {
  db: Db;
  clock: Clock;
  bus: EventBus;
  activity: Pick<ActivityService, 'record'>;
  holderId: string;
  options?: EngineOptions;
}) {
  const { db, clock, bus, activity, holderId } = deps;
  const leaseMs = deps.options?.leaseMs ?? 60_000;
  const graceMs = deps.options?.disconnectGraceMs ?? 60_000;
  const random = deps.options?.random ?? Math.random;
  const pg = postgres(db);

  function progress(c: Pick<CampaignRow, 'id' | 'workspace_id' | 'status'>, recipient?: { id: string; status: string }) {
    bus.publish(c.workspace_id, 'campaign.progress', {
      campaignId: c.id,
      status: c.status,
      ...(recipient ? { recipientId: recipient.id, recipientStatus: recipient.status } : {}),
    });
  }

  // -------------------------------------------------------------------------
  // Lifecycle transitions shared by people (service) and the sender (auto-pause)
  // -------------------------------------------------------------------------

  async function pause(
    workspaceId: string,
    campaignId: string,
    how: { reason: string; auto: boolean; actor?: { userId: string; name: string; ip: string | null } },
  ): Promise<CampaignRow | undefined> {
    const now = clock.now();
    const row = await db.transaction().execute(async (tx) => {
      const row = await updateCampaign(
        tx,
        workspaceId,
        campaignId,
        { status: 'paused', pause_reason: how.reason, auto_paused: how.auto ? 1 : 0, updated_at: now },
        ['sending', 'scheduled'],
      );
      if (!row) return undefined;
      // Effective before the next send: what waits in the send queue unclaimed is taken back.
      const revoked = await revokeUnsentMessages(tx, workspaceId, campaignId, 'requeue', now);
      await activity.record(
        workspaceId,
        {
          action: how.auto ? 'campaign.auto_paused' : 'campaign.paused',
          actor: how.actor ? { userId: how.actor.userId, name: how.actor.name } : null,
          ip: how.actor?.ip ?? null,
          target: { type: 'campaign', id: row.id, label: row.name },
          details: { reason: how.reason, requeued: revoked },
        },
        tx,
      );
      return row;
    });
    if (row) {
      bus.publish(workspaceId, 'campaign.paused', { campaignId, reason: how.reason, auto: how.auto });
      progress(row);
    }
    return row;
  }

  async function cancel(
    workspaceId: string,
    campaignId: string,
    actor: { userId: string; name: string; ip: string | null },
  ): Promise<CampaignRow | undefined> {
    const now = clock.now();
    const row = await db.transaction().execute(async (tx) => {
      const row = await updateCampaign(tx, workspaceId, campaignId, { status: 'cancelled', finished_at: now, updated_at: now }, [
        'draft',
        'scheduled',
        'sending',
        'paused',
      ]);
      if (!row) return undefined;
      const revoked = await revokeUnsentMessages(tx, workspaceId, campaignId, 'cancel', now);
      // Every recipient ends in a final state: the ones never sent are skipped as cancelled.
      const left = await tx
        .updateTable('campaign_recipients')
        .set({ status: 'skipped', reason: 'cancelled', claimed_by: null, claim_expires_at: null, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('campaign_id', '=', campaignId)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      await activity.record(
        workspaceId,
        {
          action: 'campaign.cancelled',
          actor: { userId: actor.userId, name: actor.name },
          ip: actor.ip,
          target: { type: 'campaign', id: row.id, label: row.name },
          details: { notSent: Number(left.numUpdatedRows) + revoked },
        },
        tx,
      );
      return row;
    });
    if (row) progress(row);
    return row;
  }

  // -------------------------------------------------------------------------
  // Sender steps
  // -------------------------------------------------------------------------

  /** Scheduled campaigns whose time has come start sending. */
  async function promoteScheduled(): Promise<number> {
    const now = clock.now();
    const due = await db
      .updateTable('campaigns')
      .set({ status: 'sending', started_at: now, updated_at: now })
      .where('status', '=', 'scheduled')
      .where('scheduled_at', '<=', now)
      .returningAll()
      .execute();
    for (const c of due) progress(c);
    return due.length;
  }

  async function reconcile(campaign: CampaignRow): Promise<number> {
    const changed = await reconcileOutcomes(db, campaign, OUTCOME_UNKNOWN_ERROR, clock.now());
    for (const r of changed.slice(0, 20)) progress(campaign, r);
    if (changed.length > 20) progress(campaign);
    return changed.length;
  }

  /**
   * Pauses a sending campaign whose numbers cannot send (logged out, stopped,
   * deleted, or disconnected longer than the grace) or whose recent sends failed
   * too often; completes it when no recipient is left to send or in flight.
   */
  async function checkHealth(campaign: CampaignRow, numbers: ReadonlyMap<string, SendingNumber>): Promise<CampaignRow['status']> {
    if (campaign.status !== 'sending') return campaign.status;
    const now = clock.now();
    for (const id of numberIdsOf(campaign)) {
      const n = numbers.get(id);
      let reason: string | null = null;
      if (!n || n.deleted_at !== null) reason = 'A number of this campaign was deleted.';
      else if (HARD_DOWN.has(n.state))
        reason = `${n.name} is ${n.state.replace('_', ' ')}${n.state_reason ? ` (${n.state_reason})` : ''}. Link it again, then resume.`;
      else if (n.state !== 'connected' && now - n.state_since >= graceMs)
        reason = `${n.name} has been disconnected since ${new Date(n.state_since).toISOString()}${n.state_reason ? ` (${n.state_reason})` : ''}.`;
      if (reason) {
        await pause(campaign.workspace_id, campaign.id, { reason, auto: true });
        return 'paused';
      }
    }
    const s = settingsOf(campaign);
    const outcomes = await recentOutcomes(db, campaign.id, campaign.resumed_at ?? campaign.started_at ?? 0, s.failureWindow);
    const failed = outcomes.filter((o) => o === 'failed').length;
    if (failed >= s.failureThreshold) {
      await pause(campaign.workspace_id, campaign.id, {
        reason: `${failed} of the last ${outcomes.length} messages failed. Check the failures, then resume.`,
        auto: true,
      });
      return 'paused';
    }
    if ((await openCount(db, campaign.id)) === 0) {
      const done = await db.transaction().execute(async (tx) => {
        const row = await updateCampaign(
          tx,
          campaign.workspace_id,
          campaign.id,
          { status: 'completed', finished_at: now, updated_at: now },
          ['sending'],
        );
        if (row)
          await activity.record(
            campaign.workspace_id,
            { action: 'campaign.completed', target: { type: 'campaign', id: row.id, label: row.name }, details: {} },
            tx,
          );
        return row;
      });
      if (done) {
        progress(done);
        return 'completed';
      }
    }
    return 'sending';
  }

  /** Pauses at once the sending campaigns of a number that was logged out or stopped (from `number.status`). */
  async function onNumberDown(workspaceId: string, numberId: string, state: string, reason: string | null): Promise<void> {
    if (!HARD_DOWN.has(state)) return;
    const campaigns = await db
      .selectFrom('campaigns')
      .select(['id', 'number_ids'])
      .where('workspace_id', '=', workspaceId)
      .where('status', 'in', ['sending', 'scheduled'])
      .execute();
    const name = (await db.selectFrom('numbers').select('name').where('id', '=', numberId).executeTakeFirst())?.name ?? 'A number';
    for (const c of campaigns) {
      if (!numberIdsOf(c).includes(numberId)) continue;
      await pause(workspaceId, c.id, {
        reason: `${name} is ${state.replace('_', ' ')}${reason ? ` (${reason})` : ''}. Link it again, then resume.`,
        auto: true,
      });
    }
  }

  const pacingRows = new Set<string>();
  async function ensurePacingRow(number: SendingNumber): Promise<void> {
    if (pacingRows.has(number.id)) return;
    await db
      .insertInto('campaign_number_pacing')
      .values({ number_id: number.id, workspace_id: number.workspace_id, next_due_at: 0, last_send_at: null, last_campaign_id: null })
      .onConflict((oc) => oc.column('number_id').doNothing())
      .execute();
    pacingRows.add(number.id);
  }

  /**
   * Claims the next recipient for one number among the sending campaigns that
   * use it (taking turns), if the number's pacing, window and daily cap allow a
   * send now. Otherwise says when to look again.
   */
  async function claim(number: SendingNumber, campaigns: readonly CampaignRow[], timeZone: string): Promise<ClaimResult> {
    await ensurePacingRow(number);
    const now = clock.now();
    return db.transaction().execute(async (tx): Promise<ClaimResult> => {
      const pacing = await findPacing(tx, number.id, true);
      if (pacing && pacing.next_due_at > now) return { claim: null, wakeAt: pacing.next_due_at };
      const dayStart = localDayStart(now, timeZone);
      const sentToday = await sentSince(tx, number.id, dayStart);
      // Campaigns sharing a number take turns: start after the one served last.
      const last = campaigns.findIndex((c) => c.id === pacing?.last_campaign_id);
      const ordered = last < 0 ? campaigns : [...campaigns.slice(last + 1), ...campaigns.slice(0, last + 1)];
      let wakeAt: number | null = null;
      for (const campaign of ordered) {
        const s = settingsOf(campaign);
        const next = nextSendTime({
          now,
          dueAt: null,
          window: { start: s.windowStart, end: s.windowEnd, days: s.windowDays },
          timeZone,
          dailyCap: Math.min(s.dailyCap, number.daily_cap > 0 ? number.daily_cap : s.dailyCap),
          warmup: s.warmup && number.warmup === 1,
          linkedAt: number.linked_at,
          sentToday: { dayStart, count: sentToday },
        });
        if (!next) continue;
        if (next.at > now) {
          wakeAt = wakeAt === null ? next.at : Math.min(wakeAt, next.at);
          continue;
        }
        let pick = tx
          .selectFrom('campaign_recipients')
          .select('id')
          .where('campaign_id', '=', campaign.id)
          .where('status', '=', 'queued')
          .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<', now)]))
          .orderBy('seq')
          .limit(1);
        if (pg) pick = pick.forUpdate().skipLocked();
        const candidate = await pick.executeTakeFirst();
        if (!candidate) continue;
        const recipient = await tx
          .updateTable('campaign_recipients')
          .set({ claimed_by: holderId, claim_expires_at: now + leaseMs })
          .where('id', '=', candidate.id)
          .where('status', '=', 'queued')
          .returningAll()
          .executeTakeFirst();
        if (!recipient) continue;
        // Reserve the number's slot for the length of the lease: one campaign send in flight per number.
        await savePacing(tx, {
          number_id: number.id,
          workspace_id: number.workspace_id,
          next_due_at: now + leaseMs,
          last_send_at: pacing?.last_send_at ?? null,
          last_campaign_id: pacing?.last_campaign_id ?? null,
        });
        return { claim: { recipient, campaign, number, claimedAt: now, previousDue: pacing?.next_due_at ?? 0 } };
      }
      return { claim: null, wakeAt };
    });
  }

  /**
   * Turns a claimed recipient into a queued outbound message, in one
   * transaction, if the campaign still sends, the lease is still ours and the
   * contact may be messaged (opt-outs are refused here, at the send itself).
   */
  async function commit(c: Claim): Promise<CommitResult> {
    const now = clock.now();
    const ws = c.campaign.workspace_id;
    const result = await db.transaction().execute(async (tx) => {
      let cq = tx.selectFrom('campaigns').selectAll().where('id', '=', c.campaign.id);
      // A pause or cancel takes the row lock: it waits for this commit, or this commit sees it.
      if (pg) cq = cq.forShare();
      const campaign = await cq.executeTakeFirst();
      const r = await tx
        .selectFrom('campaign_recipients')
        .selectAll()
        .where('id', '=', c.recipient.id)
        .where('claimed_by', '=', holderId)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      if (!r) return { kind: 'lost' } as const;
      const giveBack = async () => {
        await tx.updateTable('campaign_recipients').set({ claimed_by: null, claim_expires_at: null }).where('id', '=', r.id).execute();
        await tx
          .updateTable('campaign_number_pacing')
          .set({ next_due_at: c.previousDue })
          .where('number_id', '=', c.number.id)
          .where('next_due_at', '=', c.claimedAt + leaseMs)
          .execute();
      };
      const skip = async (reason: string) => {
        await tx
          .updateTable('campaign_recipients')
          .set({ status: 'skipped', reason, claimed_by: null, claim_expires_at: null, updated_at: now })
          .where('id', '=', r.id)
          .execute();
        await tx
          .updateTable('campaign_number_pacing')
          .set({ next_due_at: c.previousDue })
          .where('number_id', '=', c.number.id)
          .where('next_due_at', '=', c.claimedAt + leaseMs)
          .execute();
      };
      if (!campaign || campaign.status !== 'sending') {
        await giveBack();
        return { kind: 'released', why: `campaign is ${campaign?.status ?? 'gone'}` } as const;
      }
      if (!r.phone) {
        await skip('invalid_number');
        return { kind: 'skipped', reason: 'invalid_number' } as const;
      }
      try {
        await assertCanMessage(tx, ws, r.contact_id ?? r.phone);
      } catch (error) {
        if (error instanceof AppError && error.code === 'contact_opted_out') {
          await skip('opted_out');
          return { kind: 'skipped', reason: 'opted_out' } as const;
        }
        throw error;
      }
      if (settingsOf(campaign).checkWhatsApp) {
        // Sent only once WhatsApp said the number has an account (the sender asks before claiming).
        const onWhatsApp = (await knownChecks(tx, ws, [r.phone], now - WHATSAPP_CHECK_TTL_MS)).get(r.phone);
        if (onWhatsApp === false) {
          await skip('not_on_whatsapp');
          return { kind: 'skipped', reason: 'not_on_whatsapp' } as const;
        }
        if (onWhatsApp === undefined) {
          await giveBack();
          return { kind: 'released', why: 'number not checked on WhatsApp yet' } as const;
        }
      }
      const known = r.contact_id ? await findContact(tx, ws, r.contact_id) : undefined;
      const { byPhone, created } = await ensureContacts(tx, ws, [{ phone: r.phone }], now);
      const contact = known && known.phone === r.phone ? known : byPhone.get(r.phone)!;
      if (contact.opted_out === 1) {
        await skip('opted_out');
        return { kind: 'skipped', reason: 'opted_out' } as const;
      }
      const fields = parseObject(contact.custom_fields);
      const values = valuesFor({
        phone: r.phone,
        name: r.name ?? contact.name ?? contact.saved_name ?? contact.push_name,
        fields,
        vars: JSON.parse(r.vars) as Record<string, string>,
      });
      const chosen = pickVariant(textsOf(campaign), r.seq);
      const rendered = render(chosen.text, values);
      if (rendered.missing.length > 0) {
        await skip('missing_variable');
        return { kind: 'skipped', reason: 'missing_variable' } as const;
      }
      const { byContact } = await ensureConversations(tx, ws, c.number.id, [contact.id], now);
      const conversation = byContact.get(contact.id)!;
      const media = campaign.media_id
        ? await tx
            .selectFrom('media')
            .select(['id', 'mimetype', 'file_name'])
            .where('workspace_id', '=', ws)
            .where('id', '=', campaign.media_id)
            .executeTakeFirst()
        : undefined;
      const kind = media ? mediaKind(media.mimetype) : 'text';
      const message = queuedOutboundMessage({
        id: newId(now),
        workspace_id: ws,
        conversation_id: conversation.id,
        number_id: c.number.id,
        sender_user_id: null,
        kind,
        text: rendered.text || null,
        media_id: media?.id ?? null,
        payload: JSON.stringify({ campaignId: campaign.id, recipientId: r.id }),
        sent_at: now,
      });
      await insertMessage(tx, message);
      await applyConversationActivity(
        tx,
        ws,
        {
          conversationId: conversation.id,
          unreadIncrement: 0,
          reopen: false,
          waiting: { kind: 'keep' },
          last: { at: now, preview: previewOf({ kind, text: rendered.text, fileName: media?.file_name ?? null }), direction: 'out' },
        },
        now,
      );
      await tx
        .updateTable('campaign_recipients')
        .set({
          status: 'sending',
          message_id: message.id,
          conversation_id: conversation.id,
          contact_id: contact.id,
          number_id: c.number.id,
          variant: chosen.index,
          queued_at: now,
          claimed_by: null,
          claim_expires_at: null,
          updated_at: now,
        })
        .where('id', '=', r.id)
        .execute();
      const s = settingsOf(campaign);
      // The delay counts from the claim, so the typing pause is part of the gap, not added to it.
      const due = Math.max(now, c.claimedAt + randomDelayMs(s.minDelaySeconds * 1000, s.maxDelaySeconds * 1000, random));
      await savePacing(tx, {
        number_id: c.number.id,
        workspace_id: ws,
        next_due_at: due,
        last_send_at: now,
        last_campaign_id: campaign.id,
      });
      return { kind: 'queued', message, createdContactId: created[0] ?? null, campaign, due } as const;
    });
    if (result.kind === 'queued') {
      if (result.createdContactId) bus.publish(ws, 'contact.updated', { contactId: result.createdContactId });
      bus.publish(ws, 'message.created', {
        conversationId: result.message.conversation_id,
        messageId: result.message.id,
        direction: 'out',
      });
      bus.publish(ws, 'conversation.updated', { conversationId: result.message.conversation_id });
      progress(result.campaign, { id: c.recipient.id, status: 'sending' });
      return { kind: 'queued', messageId: result.message.id, nextDueAt: result.due };
    }
    if (result.kind === 'skipped') progress(c.campaign, { id: c.recipient.id, status: 'skipped' });
    return result;
  }

  /** Gives a claim back without sending (the typing step failed, the sender is stopping). */
  async function release(c: Claim): Promise<void> {
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('campaign_recipients')
        .set({ claimed_by: null, claim_expires_at: null })
        .where('id', '=', c.recipient.id)
        .where('claimed_by', '=', holderId)
        .where('status', '=', 'queued')
        .execute();
      await tx
        .updateTable('campaign_number_pacing')
        .set({ next_due_at: c.previousDue })
        .where('number_id', '=', c.number.id)
        .where('next_due_at', '=', c.claimedAt + leaseMs)
        .execute();
    });
  }

  return { holderId, pause, cancel, promoteScheduled, reconcile, checkHealth, onNumberDown, claim, commit, release };
}

export type CampaignEngine = ReturnType<typeof createCampaignEngine>;

/** The kind the campaign's file is sent as (the same rule as uploads; checked when the campaign was saved). */
function mediaKind(mimetype: string | null): string {
  return uploadKindOf(mimetype) ?? 'document';
}
