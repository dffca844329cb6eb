/**
 * "Not on WhatsApp when checked" (campaign setting `checkWhatsApp`): shortly
 * before a number sends to a campaign's next recipients, it asks WhatsApp (one
 * usync query through the number's session, run by the process that holds the
 * number) which of them have an account. Recipients without one are skipped
 * `not_on_whatsapp`; every answer is kept per phone of the workspace
 * (`whatsapp_checks`) with its time, so nobody is asked about again for 30 days.
 *
 * Every question goes out from the sending number, and many of them are a ban
 * risk: questions go in batches of the next recipients (50) only when the very
 * next one is unknown, and at most one batch per number every 30 s. A phone
 * WhatsApp gave no clear answer for is recorded as reachable: a recipient is
 * skipped on a clear "no" only.
 */
import type { Logger } from 'pino';
import type { Db, DbOrTx } from '../../db/database.js';
import { DAY_MS, type Clock } from '../../lib/clock.js';
import type { EventBus } from '../../realtime/bus.js';
import { settingsOf } from './presenters.js';
import type { CampaignRow } from './repo.js';

/** Asks WhatsApp through a number; null when this process cannot (it does not hold the number). */
export type AskWhatsApp = (numberId: string, phones: readonly string[]) => Promise<Map<string, boolean> | null>;

export const WHATSAPP_CHECK_TTL_MS = 30 * DAY_MS;

export interface WhatsAppCheckOptions {
  /** Recipients asked about in one question. */
  batch?: number;
  /** Shortest time between two questions from one number. */
  intervalMs?: number;
  /** How long an answer is trusted. */
  ttlMs?: number;
}

/** Answers younger than `since` for these phones: phone → on WhatsApp. */
export async function knownChecks(
  db: DbOrTx,
  workspaceId: string,
  phones: readonly string[],
  since: number,
): Promise<Map<string, boolean>> {
  if (phones.length === 0) return new Map();
  const rows = await db
    .selectFrom('whatsapp_checks')
    .select(['phone', 'on_whatsapp'])
    .where('workspace_id', '=', workspaceId)
    .where('phone', 'in', [...phones])
    .where('checked_at', '>=', since)
    .execute();
  return new Map(rows.map((r) => [r.phone, r.on_whatsapp === 1]));
}

export async function saveChecks(db: DbOrTx, workspaceId: string, answers: ReadonlyMap<string, boolean>, now: number): Promise<void> {
  if (answers.size === 0) return;
  await db
    .insertInto('whatsapp_checks')
    .values([...answers].map(([phone, on]) => ({ workspace_id: workspaceId, phone, on_whatsapp: on ? 1 : 0, checked_at: now })))
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'phone']).doUpdateSet((eb) => ({
        on_whatsapp: eb.ref('excluded.on_whatsapp'),
        checked_at: eb.ref('excluded.checked_at'),
      })),
    )
    .execute();
}

export function createWhatsAppChecker(deps: {
  db: Db;
  clock: Clock;
  bus: EventBus;
  ask: AskWhatsApp;
  logger: Logger;
  options?: WhatsAppCheckOptions;
}) {
  const { db, clock, bus, ask, logger } = deps;
  const batch = deps.options?.batch ?? 50;
  const intervalMs = deps.options?.intervalMs ?? 30_000;
  const ttlMs = deps.options?.ttlMs ?? WHATSAPP_CHECK_TTL_MS;
  /** When each number last asked (in this process). */
  const lastAsked = new Map<string, number>();

  /** The campaign's next queued recipients (unclaimed), with what is known about their phones. */
  async function upcoming(campaign: CampaignRow, now: number) {
    const rows = await db
      .selectFrom('campaign_recipients as r')
      .leftJoin('whatsapp_checks as w', (j) =>
        j
          .onRef('w.workspace_id', '=', 'r.workspace_id')
          .onRef('w.phone', '=', 'r.phone')
          .on('w.checked_at', '>=', now - ttlMs),
      )
      .select(['r.id', 'r.phone', 'w.on_whatsapp'])
      .where('r.campaign_id', '=', campaign.id)
      .where('r.status', '=', 'queued')
      .where('r.phone', 'is not', null)
      .orderBy('r.seq')
      .limit(batch)
      .execute();
    return rows.map((r) => ({ id: r.id, phone: r.phone!, known: r.on_whatsapp === null ? null : r.on_whatsapp === 1 }));
  }

  /** Queued recipients whose phone WhatsApp does not know become skipped. */
  async function skipNotOnWhatsApp(campaign: CampaignRow, ids: readonly string[], now: number): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await db
      .updateTable('campaign_recipients')
      .set({ status: 'skipped', reason: 'not_on_whatsapp', updated_at: now })
      .where('workspace_id', '=', campaign.workspace_id)
      .where('id', 'in', [...ids])
      .where('status', '=', 'queued')
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claim_expires_at', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /**
   * Before a number claims: makes sure the next recipient of every campaign that
   * checks is known to be on WhatsApp, asking if needed and allowed. Returns the
   * campaigns that may send now, and when to look again for the others.
   */
  async function prepare(
    number: { id: string },
    campaigns: readonly CampaignRow[],
  ): Promise<{ ready: CampaignRow[]; wakeAt: number | null }> {
    const ready: CampaignRow[] = [];
    let wakeAt: number | null = null;
    const later = (at: number) => (wakeAt = wakeAt === null ? at : Math.min(wakeAt, at));
    for (const campaign of campaigns) {
      if (!settingsOf(campaign).checkWhatsApp) {
        ready.push(campaign);
        continue;
      }
      const now = clock.now();
      const next = await upcoming(campaign, now);
      let skipped = await skipNotOnWhatsApp(
        campaign,
        next.filter((r) => r.known === false).map((r) => r.id),
        now,
      );
      const first = next.find((r) => r.known !== false);
      if (!first || first.known === true) {
        if (skipped) bus.publish(campaign.workspace_id, 'campaign.progress', { campaignId: campaign.id, status: campaign.status });
        ready.push(campaign);
        continue;
      }
      const allowedAt = (lastAsked.get(number.id) ?? -Infinity) + intervalMs;
      if (allowedAt > now) {
        later(allowedAt);
        continue;
      }
      lastAsked.set(number.id, now);
      const phones = [...new Set(next.filter((r) => r.known === null).map((r) => r.phone))];
      let answers: Map<string, boolean> | null;
      try {
        answers = await ask(number.id, phones);
      } catch (error) {
        logger.warn({ err: error, numberId: number.id, campaignId: campaign.id }, 'checking numbers on WhatsApp failed');
        later(now + intervalMs);
        continue;
      }
      if (!answers) {
        // Another process holds the number: it asks.
        later(now + intervalMs);
        continue;
      }
      const recorded = new Map(phones.map((p) => [p, answers.get(p) ?? true]));
      await saveChecks(db, campaign.workspace_id, recorded, clock.now());
      skipped += await skipNotOnWhatsApp(
        campaign,
        next.filter((r) => recorded.get(r.phone) === false).map((r) => r.id),
        clock.now(),
      );
      if (skipped) bus.publish(campaign.workspace_id, 'campaign.progress', { campaignId: campaign.id, status: campaign.status });
      ready.push(campaign);
    }
    return { ready, wakeAt };
  }

  return { prepare };
}

export type WhatsAppChecker = ReturnType<typeof createWhatsAppChecker>;
