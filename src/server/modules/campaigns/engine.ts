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
import type { Db, DbOrTx } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../../realtime/bus.js';
import type { ActivityService } from '../activity/service.js';
import { ensureContacts, findContact } from '../contacts/repo.js';
import { refusesBulkMessages } from '../contacts/opt-out.js';
import { previewOf } from '../inbox/presenters.js';
import { applyConversationActivity, ensureConversations, insertMessage, queuedOutboundMessage } from '../inbox/repo.js';
import { OUTCOME_UNKNOWN_ERROR } from '../inbox/send-queue.js';
import { createJitter, localDayStart, nextSendTime, randomDelayMs } from './pacing.js';
import { numberIdsOf, parseObject, settingsOf, textsOf } from './presenters.js';
import {
  campaignsWithNothingOpen,
  failedCounts,
  findPacing,
  postgres,
  reconcileOutcomes,
  recentOutcomes,
  revokeUnsentMessages,
  savePacing,
  sentSince,
  updateCampaign,
  type CampaignRow,
  type PacingRow,
  type RecipientRow,
} from './repo.js';
import { pickVariant, render, valuesFor } from './template.js';
import { knownChecks, WHATSAPP_CHECK_TTL_MS } from './whatsapp-check.js';

/** How long a number's daily count is trusted without counting again (sends taken back by another process). */
const RECOUNT_MS = 5 * 60_000;

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
  /** Campaign messages the number was handed on the local day starting at `dayStart`, before this one. */
  sentToday: DayCount;
}

/** Campaign messages a number was handed on the local day starting at `dayStart`, as counted at `countedAt` and kept up since. */
interface DayCount {
  dayStart: number;
  count: number;
  countedAt: number;
}

/**
 * `exhausted`: campaigns that had no recipient left to claim (perhaps done: worth a completion check).
 * `outcome`: set when the claim was committed in its own transaction (no pause wanted between the two).
 */
export type ClaimResult =
  { claim: Claim; exhausted: string[]; outcome: CommitResult | null } | { claim: null; wakeAt: number | null; exhausted: string[] };

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
  /** Each number's send delays, drawn so their mean holds to the setting (see `createJitter`). */
  const jitter = createJitter(random);
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
      if (revoked > 0) sentByUs.clear();
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
      if (revoked > 0) sentByUs.clear();
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

  /**
   * Recipients of these campaigns follow their messages (a few reads per
   * workspace, whatever the number of campaigns). Returns the campaigns whose
   * recipients changed, with whether any of them failed.
   */
  async function reconcile(campaigns: readonly CampaignRow[]): Promise<Map<string, { failed: boolean }>> {
    const out = new Map<string, { failed: boolean }>();
    const byWorkspace = new Map<string, CampaignRow[]>();
    for (const c of campaigns) byWorkspace.set(c.workspace_id, [...(byWorkspace.get(c.workspace_id) ?? []), c]);
    for (const [workspaceId, list] of byWorkspace) {
      const changed = await reconcileOutcomes(
        db,
        workspaceId,
        list.map((c) => c.id),
        OUTCOME_UNKNOWN_ERROR,
        clock.now(),
      );
      const byCampaign = new Map<string, typeof changed>();
      for (const r of changed) byCampaign.set(r.campaignId, [...(byCampaign.get(r.campaignId) ?? []), r]);
      for (const c of list) {
        const mine = byCampaign.get(c.id);
        if (!mine) continue;
        for (const r of mine.slice(0, 20)) progress(c, r);
        if (mine.length > 20) progress(c);
        out.set(c.id, { failed: mine.some((r) => r.status === 'failed') });
      }
    }
    return out;
  }

  /**
   * Pauses a sending campaign whose numbers cannot send: logged out, stopped,
   * deleted, or disconnected longer than the grace. No database read: the
   * sender passes the numbers it loaded.
   */
  async function checkNumbers(campaign: CampaignRow, numbers: ReadonlyMap<string, SendingNumber>): Promise<CampaignRow['status']> {
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
    return 'sending';
  }

  /**
   * Pauses the sending campaigns whose recent sends failed too often and
   * completes those with no recipient left to send or in flight. Two reads for
   * all of them, plus an exact look at the failure window of the few with
   * enough failures at all. Returns the campaigns that stopped sending.
   */
  async function checkProgress(campaigns: readonly CampaignRow[]): Promise<Set<string>> {
    const stopped = new Set<string>();
    const sending = campaigns.filter((c) => c.status === 'sending');
    if (sending.length === 0) return stopped;
    const now = clock.now();
    const failed = await failedCounts(
      db,
      sending.map((c) => c.id),
    );
    for (const c of sending) {
      const s = settingsOf(c);
      if ((failed.get(c.id) ?? 0) < s.failureThreshold) continue;
      const outcomes = await recentOutcomes(db, c.id, c.resumed_at ?? c.started_at ?? 0, s.failureWindow);
      const n = outcomes.filter((o) => o === 'failed').length;
      if (n < s.failureThreshold) continue;
      await pause(c.workspace_id, c.id, {
        reason: `${n} of the last ${outcomes.length} messages failed. Check the failures, then resume.`,
        auto: true,
      });
      stopped.add(c.id);
    }
    const done = await campaignsWithNothingOpen(
      db,
      sending.filter((c) => !stopped.has(c.id)).map((c) => c.id),
    );
    for (const campaign of sending) {
      if (!done.has(campaign.id)) continue;
      const row = await db.transaction().execute(async (tx) => {
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
      if (row) {
        progress(row);
        stopped.add(campaign.id);
      }
    }
    return stopped;
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

  /**
   * Each number's count of campaign messages today as of this process's last
   * send, with the pacing row that send wrote. While the row still reads the
   * same (under its lock), nobody sent from the number since, so the count holds
   * without counting again; any other change (another process's send, a new day)
   * means a count. A pause takes messages back (they count no more): a pause
   * here forgets every count; one in another process makes counts high (never
   * over the cap) for at most `RECOUNT_MS`.
   */
  const sentByUs = new Map<string, DayCount & { wrote: PacingRow }>();
  function countedToday(numberId: string, dayStart: number, pacing: PacingRow | undefined): DayCount | null {
    const known = sentByUs.get(numberId);
    if (!known || !pacing || known.dayStart !== dayStart || clock.now() - known.countedAt >= RECOUNT_MS) return null;
    const w = known.wrote;
    const same =
      pacing.next_due_at === w.next_due_at && pacing.last_send_at === w.last_send_at && pacing.last_campaign_id === w.last_campaign_id;
    return same ? known : null;
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
   *
   * For a campaign `atOnce` accepts (nothing to do between claim and send, such
   * as showing "typing…"), the claim is committed in the same transaction: no
   * slot reservation, no second transaction, the same all-or-nothing.
   */
  async function claim(
    number: SendingNumber,
    campaigns: readonly CampaignRow[],
    timeZone: string,
    atOnce: (campaign: CampaignRow) => boolean = () => false,
  ): Promise<ClaimResult> {
    await ensurePacingRow(number);
    const now = clock.now();
    // Set inside the transaction when the claim was committed there.
    const done: { committed?: { claim: Claim; result: Committed } } = {};
    const result = await db.transaction().execute(async (tx): Promise<ClaimResult> => {
      const pacing = await findPacing(tx, number.id, true);
      const exhausted: string[] = [];
      if (pacing && pacing.next_due_at > now) return { claim: null, wakeAt: pacing.next_due_at, exhausted };
      const dayStart = localDayStart(now, timeZone);
      const day = countedToday(number.id, dayStart, pacing) ?? {
        dayStart,
        count: await sentSince(tx, number.id, dayStart),
        countedAt: now,
      };
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
          sentToday: day,
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
        // Committing at once: the campaign row is locked before its recipient, in the order pause and cancel take them.
        const lockFirst = atOnce(campaign);
        const fresh = lockFirst ? await campaignForCommit(tx, campaign.id) : undefined;
        if (lockFirst && fresh?.status !== 'sending') continue;
        // Picked and leased in one statement.
        const recipient = await tx
          .updateTable('campaign_recipients')
          .set({ claimed_by: holderId, claim_expires_at: now + leaseMs })
          .where('id', '=', pick)
          .where('status', '=', 'queued')
          .returningAll()
          .executeTakeFirst();
        if (!recipient) {
          exhausted.push(campaign.id);
          continue;
        }
        const previousDue = pacing?.next_due_at ?? 0;
        if (fresh) {
          const c: Claim = { recipient, campaign: fresh, number, claimedAt: now, previousDue, sentToday: day };
          done.committed = { claim: c, result: await commitIn(tx, c, { campaign: fresh, recipient }) };
          return { claim: c, exhausted, outcome: null };
        }
        // Reserve the number's slot for the length of the lease: one campaign send in flight per number.
        await savePacing(tx, {
          number_id: number.id,
          workspace_id: number.workspace_id,
          next_due_at: now + leaseMs,
          last_send_at: pacing?.last_send_at ?? null,
          last_campaign_id: pacing?.last_campaign_id ?? null,
        });
        return {
          claim: { recipient, campaign, number, claimedAt: now, previousDue, sentToday: day },
          exhausted,
          outcome: null,
        };
      }
      return { claim: null, wakeAt, exhausted };
    });
    // Events only once the transaction is committed.
    if (done.committed && result.claim) return { ...result, outcome: announce(done.committed.claim, done.committed.result) };
    return result;
  }

  async function campaignForCommit(tx: DbOrTx, campaignId: string): Promise<CampaignRow | undefined> {
    let cq = tx.selectFrom('campaigns').selectAll().where('id', '=', campaignId);
    // A pause or cancel takes the row lock: it waits for this commit, or this commit sees it.
    if (pg) cq = cq.forShare();
    return cq.executeTakeFirst();
  }

  /**
   * Turns a claimed recipient into a queued outbound message, in one
   * transaction, if the campaign still sends, the lease is still ours and the
   * contact may be messaged (opt-outs are refused here, at the send itself).
   */
  async function commit(c: Claim): Promise<CommitResult> {
    return announce(c, await db.transaction().execute((tx) => commitIn(tx, c)));
  }

  /** The commit's writes, in the caller’s transaction; `read`: the rows this transaction already read (and locked). */
  async function commitIn(tx: DbOrTx, c: Claim, read?: { campaign: CampaignRow; recipient: RecipientRow }) {
    const now = clock.now();
    const ws = c.campaign.workspace_id;
    const campaign = read?.campaign ?? (await campaignForCommit(tx, c.campaign.id));
    const r =
      read?.recipient ??
      (await tx
        .selectFrom('campaign_recipients')
        .selectAll()
        .where('id', '=', c.recipient.id)
        .where('claimed_by', '=', holderId)
        .where('status', '=', 'queued')
        .executeTakeFirst());
    if (!r) return { kind: 'lost' } as const;
    // Nothing sent: the number's slot reserved by the claim is given back (no-op for a claim committed at once).
    const returnSlot = () =>
      tx
        .updateTable('campaign_number_pacing')
        .set({ next_due_at: c.previousDue })
        .where('number_id', '=', c.number.id)
        .where('next_due_at', '=', c.claimedAt + leaseMs)
        .execute();
    const giveBack = async () => {
      await tx.updateTable('campaign_recipients').set({ claimed_by: null, claim_expires_at: null }).where('id', '=', r.id).execute();
      await returnSlot();
    };
    const skip = async (reason: string) => {
      await tx
        .updateTable('campaign_recipients')
        .set({ status: 'skipped', reason, claimed_by: null, claim_expires_at: null, updated_at: now })
        .where('id', '=', r.id)
        .execute();
      await returnSlot();
    };
    if (!campaign || campaign.status !== 'sending') {
      await giveBack();
      return { kind: 'released', why: `campaign is ${campaign?.status ?? 'gone'}` } as const;
    }
    if (!r.phone) {
      await skip('invalid_number');
      return { kind: 'skipped', reason: 'invalid_number' } as const;
    }
    // The recipient's own contact, when it has one: an opt-out there is refused even if its phone changed since.
    const known = r.contact_id ? await findContact(tx, ws, r.contact_id) : undefined;
    if (refusesBulkMessages(known)) {
      await skip('opted_out');
      return { kind: 'skipped', reason: 'opted_out' } as const;
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
    const phone = r.phone;
    // No contact at planning (the audience links known phones to their contacts): most likely a new one.
    const ensured = known && known.phone === phone ? null : await ensureContacts(tx, ws, [{ phone }], now, { likelyNew: !r.contact_id });
    const contact = ensured ? ensured.byPhone.get(phone)! : known!;
    const created = ensured?.created ?? [];
    if (refusesBulkMessages(contact)) {
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
    const media = campaign.media_id
      ? await tx
          .selectFrom('media')
          .select(['id', 'mimetype', 'file_name'])
          .where('workspace_id', '=', ws)
          .where('id', '=', campaign.media_id)
          .executeTakeFirst()
      : undefined;
    const kind = media ? mediaKind(media.mimetype) : 'text';
    const last = {
      at: now,
      preview: previewOf({ kind, text: rendered.text, fileName: media?.file_name ?? null }),
      direction: 'out' as const,
    };
    // A contact created just now has no conversation yet; a new conversation is written with this message as its last.
    const conversations = await ensureConversations(tx, ws, c.number.id, [contact.id], now, { likelyNew: created.length > 0, last });
    const conversation = conversations.byContact.get(contact.id)!;
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
    if (conversations.created.length === 0)
      await applyConversationActivity(
        tx,
        ws,
        { conversationId: conversation.id, unreadIncrement: 0, reopen: false, waiting: { kind: 'keep' }, last },
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
    const draw = jitter(c.number.id);
    const due = Math.max(now, c.claimedAt + randomDelayMs(s.minDelaySeconds * 1000, s.maxDelaySeconds * 1000, () => draw));
    const pacing: PacingRow = {
      number_id: c.number.id,
      workspace_id: ws,
      next_due_at: due,
      last_send_at: now,
      last_campaign_id: campaign.id,
    };
    await savePacing(tx, pacing);
    return { kind: 'queued', message, createdContactId: created[0] ?? null, campaign, due, pacing } as const;
  }

  type Committed = Awaited<ReturnType<typeof commitIn>>;

  /** Tells the rest of the app what a committed claim did (after its transaction). */
  function announce(c: Claim, result: Committed): CommitResult {
    const ws = c.campaign.workspace_id;
    if (result.kind === 'queued') {
      sentByUs.set(c.number.id, { ...c.sentToday, count: c.sentToday.count + 1, wrote: result.pacing });
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

  return { holderId, pause, cancel, promoteScheduled, reconcile, checkNumbers, checkProgress, onNumberDown, claim, commit, release };
}

export type CampaignEngine = ReturnType<typeof createCampaignEngine>;

/** The kind the campaign's file is sent as (the same rule as uploads; checked when the campaign was saved). */
function mediaKind(mimetype: string | null): string {
  return uploadKindOf(mimetype) ?? 'document';
}
