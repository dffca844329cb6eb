/**
 * The campaign sender: a loop that, every `pollMs` or sooner when something
 * happens, starts scheduled campaigns, follows recipients' messages, pauses
 * campaigns whose numbers went down or whose sends fail too often, completes
 * finished ones, and sends the next recipient of each connected number whose
 * pacing allows it (modules/campaigns/engine.ts has the exactly-once steps).
 *
 * Several processes may run it against one PostgreSQL database: claims are
 * leases on rows, so they share the work without sending anything twice.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { CampaignEngine, SendingNumber } from '../modules/campaigns/engine.js';
import { numberIdsOf, settingsOf } from '../modules/campaigns/presenters.js';
import { campaignsInStatus, type CampaignRow } from '../modules/campaigns/repo.js';
import { createWhatsAppChecker, type AskWhatsApp, type WhatsAppCheckOptions } from '../modules/campaigns/whatsapp-check.js';
import type { EventBus } from '../realtime/bus.js';
import { systemTimers, type Timers } from '../whatsapp/timers.js';
import { DAY_MS } from '../lib/clock.js';

export interface CampaignSenderOptions {
  db: Db;
  clock: Clock;
  bus: EventBus;
  engine: CampaignEngine;
  logger: Logger;
  /** Asks WhatsApp which phones have an account, through the number's session; null when this process does not hold the number. */
  checkOnWhatsApp?: AskWhatsApp;
  /** Batching and pacing of those questions (defaults keep numbers safe). */
  whatsappCheck?: WhatsAppCheckOptions;
  /** "typing…" on the customer's screen through the number's session; false when this process does not hold the number. */
  presence?: (numberId: string, to: string, kind: 'typing' | 'paused') => Promise<boolean>;
  timers?: Timers;
  random?: () => number;
  /** Longest sleep between two passes. */
  pollMs?: number;
  /** How long "typing…" shows before the message, as a random range. */
  typingMs?: [number, number];
  /** Every how often all recent campaigns are reconciled even without events (events from other processes may be missed). */
  reconcileEveryMs?: number;
  /** Every how often the live campaigns, their numbers and time zones are read again without a reason to (changes made by other processes). */
  refreshEveryMs?: number;
}

export interface CampaignSender {
  /** Look now rather than at the next poll. */
  wake(): void;
  /** One full pass, waiting for the sends it starts (tests and benchmarks). */
  tickNow(): Promise<void>;
  stop(): Promise<void>;
}

export function startCampaignSender(options: CampaignSenderOptions, autoStart = true): CampaignSender {
  const { db, clock, bus, engine } = options;
  const log = options.logger.child({ component: 'campaign-sender' });
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? Math.random;
  const pollMs = options.pollMs ?? 1_000;
  const [typingMin, typingMax] = options.typingMs ?? [1_500, 4_000];
  const reconcileEveryMs = options.reconcileEveryMs ?? 30_000;
  const refreshEveryMs = options.refreshEveryMs ?? 5_000;

  let running = true;
  let sleeping: { handle: unknown; resolve: () => void } | null = null;
  let wakeRequested = false;
  let lastFullReconcile = 0;
  const dirty = new Set<string>();
  /** What a pass works on, kept between passes: read again on events, or every `refreshEveryMs`. */
  let view: {
    at: number;
    live: CampaignRow[];
    /** The earliest start of a scheduled campaign: nothing to promote before then. */
    nextScheduledAt: number | null;
    numbers: Map<string, SendingNumber>;
    zones: Map<string, string>;
  } | null = null;
  let campaignsChanged = true;
  /** Campaigns worth a failure / completion check at the next pass (outcomes changed, nothing left to claim). */
  const progressed = new Set<string>();
  /** When each number's next campaign send is due, as the last claim attempt learnt; no query before then. */
  const dueAt = new Map<string, number>();
  let numbersChanged = false;
  const inflight = new Map<string, Promise<void>>();
  const checker = createWhatsAppChecker({
    db,
    clock,
    bus,
    logger: log,
    ask: options.checkOnWhatsApp ?? (async () => null),
    ...(options.whatsappCheck ? { options: options.whatsappCheck } : {}),
  });

  const wake = () => {
    wakeRequested = true;
    if (sleeping) {
      timers.clearTimeout(sleeping.handle);
      const s = sleeping;
      sleeping = null;
      s.resolve();
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const handle = timers.setTimeout(() => {
        sleeping = null;
        resolve();
      }, ms);
      sleeping = { handle, resolve };
    });

  const unsubscribe = bus.subscribe('*', (event) => {
    switch (event.type) {
      case 'number.status':
        void engine
          .onNumberDown(event.workspaceId, event.payload.numberId, event.payload.state, event.payload.reason)
          .catch((error: unknown) => log.error({ err: error }, 'pausing campaigns of a number that went down failed'));
        numbersChanged = true;
        wake();
        break;
      case 'campaign.progress':
        // Started, resumed or changed: what a number waits for may have changed too.
        if (event.payload.recipientId === undefined) {
          dueAt.clear();
          campaignsChanged = true;
          wake();
        }
        break;
      case 'message.status':
        dirty.add(event.workspaceId);
        wake();
        break;
      case 'message.created':
        if (event.payload.direction === 'in') {
          dirty.add(event.workspaceId);
          wake();
        }
        break;
      default:
        break;
    }
  });

  async function loadNumbers(ids: readonly string[]): Promise<Map<string, SendingNumber>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('numbers')
      .select(['id', 'workspace_id', 'name', 'state', 'state_reason', 'state_since', 'linked_at', 'daily_cap', 'warmup', 'deleted_at'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  async function zones(workspaceIds: readonly string[]): Promise<Map<string, string>> {
    if (workspaceIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('workspaces')
      .select(['id', 'time_zone'])
      .where('id', 'in', [...new Set(workspaceIds)])
      .execute();
    return new Map(rows.map((r) => [r.id, r.time_zone]));
  }

  async function sendFlow(number: SendingNumber, campaigns: CampaignRow[], timeZone: string): Promise<number | null> {
    // Campaigns that check numbers on WhatsApp send only once their next recipient is checked.
    const checked = await checker.prepare(number, campaigns);
    if (checked.ready.length === 0) return checked.wakeAt;
    // "typing…" needs a pause between claim and send; without it both happen in one transaction.
    const pauses = (c: CampaignRow) => settingsOf(c).typing && typingMax > 0 && options.presence !== undefined;
    const result = await engine.claim(number, checked.ready, timeZone, (c) => !pauses(c));
    for (const id of result.exhausted) progressed.add(id);
    if (!result.claim) {
      if (result.wakeAt === null || checked.wakeAt === null) return result.wakeAt ?? checked.wakeAt;
      return Math.min(result.wakeAt, checked.wakeAt);
    }
    const claim = result.claim;
    let outcome = result.outcome;
    if (!outcome) {
      if (options.presence && pauses(claim.campaign) && claim.recipient.phone) {
        const shown = await options.presence(number.id, claim.recipient.phone, 'typing').catch(() => false);
        const ms = Math.round(typingMin + (typingMax - typingMin) * random());
        if (shown) await new Promise<void>((resolve) => timers.setTimeout(resolve, ms));
      }
      if (!running) {
        await engine.release(claim);
        return null;
      }
      outcome = await engine.commit(claim);
    }
    if (outcome.kind === 'skipped') progressed.add(claim.campaign.id);
    if (outcome.kind === 'released' || outcome.kind === 'skipped') return clock.now();
    return outcome.kind === 'queued' ? outcome.nextDueAt : null;
  }

  async function refreshView(now: number) {
    campaignsChanged = false;
    numbersChanged = false;
    const rows = await campaignsInStatus(db, ['sending', 'paused', 'scheduled']);
    const live = rows.filter((c) => c.status !== 'scheduled');
    const starts = rows.flatMap((c) => (c.status === 'scheduled' && c.scheduled_at !== null ? [c.scheduled_at] : []));
    const sending = live.filter((c) => c.status === 'sending');
    const numbers = await loadNumbers(sending.flatMap(numberIdsOf));
    const tz = await zones(sending.map((c) => c.workspace_id));
    view = { at: now, live, nextScheduledAt: starts.length > 0 ? Math.min(...starts) : null, numbers, zones: tz };
    return view;
  }

  async function tick(): Promise<number> {
    const now = clock.now();
    let nextWake = now + pollMs;
    const full = now - lastFullReconcile >= reconcileEveryMs;
    let current = view && !campaignsChanged && !numbersChanged && !full && now - view.at < refreshEveryMs ? view : await refreshView(now);
    // Scheduled campaigns are part of the view: the promotion runs only once one is due.
    if (current.nextScheduledAt !== null && current.nextScheduledAt <= now && (await engine.promoteScheduled()) > 0)
      current = await refreshView(now);
    if (current.nextScheduledAt !== null && current.nextScheduledAt > now) nextWake = Math.min(nextWake, current.nextScheduledAt);
    const { live, numbers } = current;
    const toReconcile = full
      ? [
          ...live,
          ...(await db
            .selectFrom('campaigns')
            .selectAll()
            .where('status', 'in', ['completed', 'cancelled'])
            .where('finished_at', '>', now - 7 * DAY_MS)
            .execute()),
        ]
      : live.filter((c) => dirty.has(c.workspace_id));
    if (full) lastFullReconcile = now;
    dirty.clear();
    for (const [id] of await engine.reconcile(toReconcile)) progressed.add(id);

    const still: CampaignRow[] = [];
    for (const c of live) {
      if (c.status !== 'sending') continue;
      // In memory: the numbers were loaded with the view.
      if ((await engine.checkNumbers(c, numbers)) === 'sending') still.push(c);
    }
    // Failures and completion cost reads: only for campaigns where something happened, and all of them now and then.
    const toCheck = full ? still : still.filter((c) => progressed.has(c.id));
    progressed.clear();
    const stopped = toCheck.length > 0 ? await engine.checkProgress(toCheck) : new Set<string>();
    const byNumber = new Map<string, CampaignRow[]>();
    for (const c of still) {
      if (stopped.has(c.id)) continue;
      for (const id of numberIdsOf(c)) byNumber.set(id, [...(byNumber.get(id) ?? []), c]);
    }
    for (const [numberId, campaigns] of byNumber) {
      const number = numbers.get(numberId);
      if (!number || number.state !== 'connected' || inflight.has(numberId)) continue;
      if ((dueAt.get(numberId) ?? 0) > now) {
        nextWake = Math.min(nextWake, dueAt.get(numberId)!);
        continue;
      }
      const flow = sendFlow(number, campaigns, current.zones.get(number.workspace_id) ?? 'UTC')
        .then((wakeAt) => {
          if (wakeAt !== null) dueAt.set(numberId, wakeAt);
          else dueAt.delete(numberId);
          if (wakeAt !== null && wakeAt < nextWake) nextWake = Math.max(wakeAt, clock.now());
        })
        .catch((error: unknown) => log.error({ err: error, numberId }, 'campaign send failed'))
        .finally(() => inflight.delete(numberId));
      inflight.set(numberId, flow);
    }
    return nextWake;
  }

  async function tickGuarded(): Promise<number> {
    try {
      return await tick();
    } catch (error) {
      log.error({ err: error }, 'campaign sender pass failed');
      return clock.now() + pollMs;
    }
  }

  const loop = async () => {
    while (running) {
      wakeRequested = false;
      const nextWake = await tickGuarded();
      if (!running) break;
      // Sends in flight finish in the background; the next pass comes at the earliest due time.
      if (!wakeRequested) await sleep(Math.max(10, Math.min(pollMs, nextWake - clock.now())));
    }
  };
  const done = autoStart ? loop() : Promise.resolve();

  return {
    wake,
    async tickNow() {
      await tickGuarded();
      await Promise.all([...inflight.values()]);
    },
    async stop() {
      running = false;
      unsubscribe();
      wake();
      await done;
      await Promise.all([...inflight.values()]);
    },
  };
}
