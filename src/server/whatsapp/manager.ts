/**
 * The number manager owns every linked number's WhatsApp session in this
 * process (ARCHITECTURE "The WhatsApp boundary"):
 * - holds each number under a lease (`lease.ts`), so with several processes on
 *   one PostgreSQL each number runs in exactly one, and is taken over when that
 *   process dies;
 * - reconnects by disconnect class through `reconnect-policy.ts` (the adapter
 *   never reconnects on its own);
 * - writes the live state to `numbers`, publishes `number.status`, and records
 *   session events in the activity log;
 * - feeds inbound messages, receipts and contacts to the ingest (history on a
 *   background queue so live traffic is not stuck behind a long import), and
 *   runs a send worker per connected number.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { AppError, notFound } from '../http/errors.js';
import { iso, type Clock } from '../lib/clock.js';
import type { ActivityService } from '../modules/activity/service.js';
import * as numbersRepo from '../modules/numbers/repo.js';
import type { EventBus } from '../realtime/bus.js';
import { acquireLease, dropLease, releaseLease, renewLeases } from './lease.js';
import {
  ProviderError,
  type AuthStateStore,
  type ConnectionState,
  type ConnectionUpdate,
  type ContactUpdate,
  type CustomerPresence,
  type InboundMessage,
  type LidMapping,
  type MediaHandle,
  type MessageBatchInfo,
  type PresenceKind,
  type ProviderSession,
  type Receipt,
  type Unsubscribe,
} from './provider.js';
import { createReconnectPolicy, type ReconnectConfig, type ReconnectPolicy } from './reconnect-policy.js';
import { startSendWorker, type ClaimedSend, type SendQueueLike, type SendWorker } from './send-worker.js';
import { systemTimers, type Timers } from './timers.js';

export interface NumberRef {
  id: string;
  workspaceId: string;
}

/** What the manager hands inbound traffic to (modules/inbox/ingest.ts). */
export interface IngestLike {
  messages(number: NumberRef, batch: InboundMessage[], info: MessageBatchInfo): Promise<unknown>;
  receipts(number: NumberRef, receipts: Receipt[]): Promise<void>;
  contacts(number: NumberRef, updates: ContactUpdate[]): Promise<void>;
  lidMappings(number: NumberRef, mappings: LidMapping[]): Promise<void>;
}

/** The media store's background download of media that arrived with messages. */
export interface MediaDownloaderLike {
  downloadPending(number: NumberRef, downloader: (handle: MediaHandle) => Promise<Buffer>, limit: number): Promise<unknown>;
}

export type SessionFactory = (number: NumberRef, auth: AuthStateStore) => ProviderSession;

export interface NumberManagerDeps {
  db: Db;
  clock: Clock;
  bus: EventBus;
  activity: Pick<ActivityService, 'record'>;
  ingest: IngestLike;
  sendQueue: SendQueueLike;
  media: MediaDownloaderLike | null;
  /** The number's auth state in the database (auth-store-db.ts), sealed with the secret box. */
  authStore: (numberId: string) => AuthStateStore;
  logger: Logger;
  /** Unique per process: who holds a lease. */
  holderId: string;
  createSession: SessionFactory;
  /** Files of media rows an erase left orphaned (content hashes); best effort. */
  removeMediaFiles?: (sha256s: string[]) => Promise<void>;
  random?: () => number;
  timers?: Timers;
  /** Lease length; renewed every third of it. */
  leaseMs?: number;
  /** How often unowned numbers are looked for. */
  acquireEveryMs?: number;
  reconnect?: Partial<ReconnectConfig>;
  /** How long `link` waits for the first QR before answering without one. */
  linkWaitMs?: number;
  send?: { claimMs?: number; pollMs?: number; gapCapMs?: number; retryBaseMs?: number; retryCapMs?: number };
  historyChunk?: number;
  mediaBatch?: number;
  /** After WhatsApp accepted a message: e.g. mark the customer's messages read (modules/inbox/read-on-reply.ts). Best effort. */
  afterSent?: (job: ClaimedSend, session: ProviderSession) => Promise<void>;
  /** A customer's typing / online status on a number this process holds (never stored). */
  presence?: (number: NumberRef, presence: CustomerPresence) => void | Promise<void>;
}

export interface LinkInfo {
  qr: string | null;
  pairingCode: string | null;
}

interface Runner {
  ref: NumberRef;
  session: ProviderSession;
  auth: AuthStateStore;
  policy: ReconnectPolicy;
  off: Unsubscribe[];
  /** Started by `link`: its first connection makes the number linked. */
  linking: boolean;
  link: LinkInfo | null;
  state: ConnectionState;
  /** Set when we stop or log out on purpose: the session's own updates are then ignored. */
  closing: boolean;
  reconnectTimer: unknown;
  worker: SendWorker | null;
  /** Connection handling, one update at a time, never awaited by the session (no re-entrance). */
  ops: Promise<void>;
  history: Promise<void>;
  media: { running: boolean; again: boolean };
  linkWaiters: Array<() => void>;
}

const ACTIVE: ReadonlySet<ConnectionState> = new Set(['connecting', 'waiting_for_scan', 'connected', 'reconnecting']);

export function createNumberManager(deps: NumberManagerDeps) {
  const { db, clock, bus, activity, ingest, sendQueue, holderId } = deps;
  const log = deps.logger.child({ component: 'number-manager' });
  const timers = deps.timers ?? systemTimers;
  const leaseMs = deps.leaseMs ?? 30_000;
  const acquireEveryMs = deps.acquireEveryMs ?? 5_000;
  const linkWaitMs = deps.linkWaitMs ?? 10_000;
  const historyChunk = deps.historyChunk ?? 500;
  const mediaBatch = deps.mediaBatch ?? 25;
  const claimMs = deps.send?.claimMs ?? 120_000;
  const pollMs = deps.send?.pollMs ?? 5_000;
  const gapCapMs = deps.send?.gapCapMs ?? 1_500;
  const retryBaseMs = deps.send?.retryBaseMs ?? 5_000;
  const retryCapMs = deps.send?.retryCapMs ?? 300_000;

  const runners = new Map<string, Runner>();
  let started = false;
  let stopped = false;
  let heartbeat: unknown = null;
  let acquirer: unknown = null;
  let unsubscribeBus: (() => void) | null = null;
  const ticking = { renew: false, acquire: false };
  const inflight = new Set<Promise<void>>();
  /** Runs a periodic pass and remembers it until done, so `settled()` and `stop()` can wait for it. */
  const track = (pass: () => Promise<void>) => {
    const p = pass().finally(() => inflight.delete(p));
    inflight.add(p);
    return p;
  };

  // -------------------------------------------------------------------------
  // State, events, activity
  // -------------------------------------------------------------------------

  async function writeState(
    r: Runner,
    state: ConnectionState,
    reason: string | null | undefined,
    extra?: Partial<Pick<numbersRepo.NumberRow, 'phone' | 'linked_at'>>,
  ): Promise<numbersRepo.NumberRow | undefined> {
    const before = reason === undefined ? await numbersRepo.findNumberById(db, r.ref.id) : undefined;
    const row = await numbersRepo.setNumberState(db, r.ref.id, {
      state,
      reason: reason === undefined ? (before?.state_reason ?? null) : reason,
      at: clock.now(),
      ...(extra ? { extra } : {}),
    });
    if (!row) return undefined;
    const withLink = state === 'waiting_for_scan' && r.link;
    bus.publish(r.ref.workspaceId, 'number.status', {
      numberId: r.ref.id,
      state,
      reason: row.state_reason,
      since: iso(row.state_since),
      ...(withLink ? { qr: r.link?.qr ?? null, pairingCode: r.link?.pairingCode ?? null } : {}),
      ...(state === 'connected' ? { phone: row.phone ? `+${row.phone}` : null } : {}),
    });
    return row;
  }

  async function record(r: Runner, action: string, label: string | null, details: Record<string, unknown> = {}): Promise<void> {
    try {
      await activity.record(r.ref.workspaceId, { action, target: { type: 'number', id: r.ref.id, label }, details });
    } catch (error) {
      log.error({ err: error, numberId: r.ref.id, action }, 'recording number activity failed');
    }
  }

  // -------------------------------------------------------------------------
  // Runners
  // -------------------------------------------------------------------------

  function enqueue(r: Runner, task: () => Promise<void>): Promise<void> {
    r.ops = r.ops.then(task).catch((error: unknown) => log.error({ err: error, numberId: r.ref.id }, 'number operation failed'));
    return r.ops;
  }

  function createRunner(ref: NumberRef, linking: boolean): Runner {
    const auth = deps.authStore(ref.id);
    const session = deps.createSession(ref, auth);
    const r: Runner = {
      ref,
      session,
      auth,
      policy: createReconnectPolicy({
        now: () => clock.now(),
        ...(deps.random ? { random: deps.random } : {}),
        ...(deps.reconnect ? { config: deps.reconnect } : {}),
      }),
      off: [],
      linking,
      link: null,
      state: 'idle',
      closing: false,
      reconnectTimer: null,
      worker: null,
      ops: Promise.resolve(),
      history: Promise.resolve(),
      media: { running: false, again: false },
      linkWaiters: [],
    };
    r.off.push(
      session.onConnection((update) => {
        // Not awaited: handling may call back into the session (logout), which waits for its own queue.
        void enqueue(r, () => onConnection(r, update));
      }),
      session.onMessages((batch, info) => onMessages(r, batch, info)),
      session.onReceipts((receipts) => guarded(r, 'receipts', () => ingest.receipts(ref, receipts))),
      session.onContacts((updates) => guarded(r, 'contacts', () => ingest.contacts(ref, updates))),
      session.onLidMappings((mappings) => guarded(r, 'lid mappings', () => ingest.lidMappings(ref, mappings))),
      session.onPresence((presence) => guarded(r, 'presence', async () => deps.presence?.(ref, presence))),
    );
    runners.set(ref.id, r);
    return r;
  }

  async function guarded(r: Runner, what: string, task: () => Promise<unknown>): Promise<void> {
    if (r.closing) return;
    try {
      await task();
    } catch (error) {
      log.error({ err: error, numberId: r.ref.id }, `ingesting ${what} failed`);
    }
  }

  async function onMessages(r: Runner, batch: InboundMessage[], info: MessageBatchInfo): Promise<void> {
    if (r.closing || batch.length === 0) return;
    const hasMedia = batch.some((m) => m.media !== null);
    if (info.isHistory) {
      // A history sync can be tens of thousands of messages: import it behind the scenes, in chunks.
      for (let i = 0; i < batch.length; i += historyChunk) {
        const chunk = batch.slice(i, i + historyChunk);
        r.history = r.history
          .then(() => (r.closing ? undefined : ingest.messages(r.ref, chunk, info)))
          .then(() => undefined)
          .catch((error: unknown) => log.error({ err: error, numberId: r.ref.id }, 'history import failed'));
      }
      if (hasMedia) r.history = r.history.then(() => triggerMedia(r));
      return;
    }
    await guarded(r, 'messages', () => ingest.messages(r.ref, batch, info));
    if (hasMedia) triggerMedia(r);
  }

  /** Downloads media in the background, one pass at a time per number; a trigger during a pass runs another. */
  function triggerMedia(r: Runner): void {
    const media = deps.media;
    if (!media || r.closing) return;
    if (r.media.running) {
      r.media.again = true;
      return;
    }
    r.media.running = true;
    void (async () => {
      try {
        do {
          r.media.again = false;
          const summary = (await media.downloadPending(r.ref, (handle) => r.session.downloadMedia(handle), mediaBatch)) as {
            stored?: number;
            failed?: number;
            stoppedEarly?: boolean;
          } | null;
          // A full batch means more may be pending: keep going unless the number went offline.
          if (summary && !summary.stoppedEarly && (summary.stored ?? 0) + (summary.failed ?? 0) >= mediaBatch) r.media.again = true;
        } while (r.media.again && !r.closing);
      } catch (error) {
        log.warn({ err: error, numberId: r.ref.id }, 'media download pass failed');
      } finally {
        r.media.running = false;
      }
    })();
  }

  async function onConnection(r: Runner, update: ConnectionUpdate): Promise<void> {
    if (r.closing) return;
    const previous = r.state;
    r.state = update.state;
    switch (update.state) {
      case 'connecting':
        if (previous === 'reconnecting') {
          // A scheduled retry is starting: the dashboard keeps showing "reconnecting" and why.
          r.state = 'reconnecting';
          await writeState(r, 'reconnecting', undefined);
        } else {
          await writeState(r, 'connecting', previous === 'idle' ? null : undefined);
        }
        return;
      case 'reconnecting':
        if (!update.reason) {
          // The adapter restarting after a scheduled reconnect: keep the reason shown.
          await writeState(r, 'reconnecting', undefined);
          return;
        }
        break;
      case 'waiting_for_scan':
        r.link = { qr: update.qr ?? r.link?.qr ?? null, pairingCode: update.pairingCode ?? r.link?.pairingCode ?? null };
        await writeState(r, 'waiting_for_scan', null);
        for (const wake of r.linkWaiters.splice(0)) wake();
        return;
      case 'connected':
        await onConnected(r, update);
        return;
      default:
        break;
    }
    if (update.reason) await onClosed(r, update, previous);
  }

  async function onConnected(r: Runner, update: ConnectionUpdate): Promise<void> {
    const row = await numbersRepo.findNumberById(db, r.ref.id);
    if (!row) return;
    const firstLink = r.linking || row.linked_at === null;
    r.policy.connected();
    r.link = null;
    r.linking = false;
    const updated = await writeState(r, 'connected', null, {
      phone: update.self?.phone ?? row.phone,
      linked_at: firstLink ? clock.now() : row.linked_at,
    });
    for (const wake of r.linkWaiters.splice(0)) wake();
    await record(
      r,
      firstLink ? 'number.linked' : 'number.connected',
      updated?.name ?? row.name,
      firstLink ? { phone: updated?.phone ?? null } : {},
    );
    startWorker(r);
  }

  async function onClosed(r: Runner, update: ConnectionUpdate, previous: ConnectionState): Promise<void> {
    const reason = update.reason!;
    await stopWorker(r);
    const decision = r.policy.disconnected(reason);
    const row = await numbersRepo.findNumberById(db, r.ref.id);
    const label = row?.name ?? null;
    if (decision.action !== 'stop') {
      r.state = 'reconnecting';
      await writeState(r, 'reconnecting', reason.text);
      if (previous === 'connected' && reason.class !== 'restart_required') {
        await record(r, 'number.disconnected', label, {
          reason: reason.text,
          class: reason.class,
          code: reason.code,
          retryInMs: decision.delayMs,
        });
      }
      scheduleReconnect(r, decision.delayMs);
      return;
    }
    // A stop: the session is over here; nothing restarts it but a person (link again).
    r.closing = true;
    if (decision.wipeKeys) {
      try {
        await r.session.logout();
      } catch (error) {
        log.warn({ err: error, numberId: r.ref.id }, 'logout after being logged out failed');
      }
      await r.auth.clear();
    }
    r.state = decision.state;
    r.link = null;
    await writeState(r, decision.state, reason.text);
    if (decision.state === 'logged_out') await record(r, 'number.logged_out', label, { reason: reason.text, code: reason.code });
    else if (decision.state === 'failed')
      await record(r, 'number.failed', label, { reason: reason.text, class: reason.class, code: reason.code });
    else if (decision.state === 'unlinked') await record(r, 'number.link_expired', label, { reason: reason.text });
    for (const wake of r.linkWaiters.splice(0)) wake();
    await dispose(r, { release: true });
  }

  function scheduleReconnect(r: Runner, delayMs: number): void {
    if (r.reconnectTimer !== null) timers.clearTimeout(r.reconnectTimer);
    r.reconnectTimer = timers.setTimeout(() => {
      r.reconnectTimer = null;
      void enqueue(r, () => startSession(r));
    }, delayMs);
  }

  async function startSession(r: Runner): Promise<void> {
    if (r.closing) return;
    try {
      await r.session.start();
    } catch (error) {
      // Could not even begin (e.g. auth state unreadable): count it as a failed attempt.
      log.error({ err: error, numberId: r.ref.id }, 'starting the session failed');
      const decision = r.policy.disconnected({ class: 'transient' });
      if (decision.action !== 'stop') scheduleReconnect(r, decision.delayMs);
    }
  }

  /** Best-effort presence work on a session connected here; false when there is none or it failed. */
  async function withConnectedSession(numberId: string, task: (session: ProviderSession) => Promise<void>): Promise<boolean> {
    const r = runners.get(numberId);
    if (!r || r.closing || r.state !== 'connected') return false;
    try {
      await task(r.session);
      return true;
    } catch (error) {
      log.debug({ err: error, numberId }, 'presence update failed');
      return false;
    }
  }

  function startWorker(r: Runner): void {
    if (r.worker || r.closing) return;
    r.worker = startSendWorker({
      numberId: r.ref.id,
      holder: holderId,
      queue: sendQueue,
      session: r.session,
      clock,
      timers,
      logger: log,
      claimMs,
      pollMs,
      gapMs: () => gapCapMs,
      retryDelayMs: (attempts) => Math.min(retryCapMs, retryBaseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 10)),
      ...(deps.afterSent ? { afterSent: (job: ClaimedSend) => deps.afterSent!(job, r.session) } : {}),
    });
  }

  async function stopWorker(r: Runner): Promise<void> {
    const worker = r.worker;
    r.worker = null;
    await worker?.stop();
  }

  /** Detaches a runner from this process. The session must already be closed or is closed here. */
  async function dispose(r: Runner, options: { release: boolean }): Promise<void> {
    r.closing = true;
    if (r.reconnectTimer !== null) timers.clearTimeout(r.reconnectTimer);
    r.reconnectTimer = null;
    await stopWorker(r);
    for (const off of r.off.splice(0)) off();
    if (runners.get(r.ref.id) === r) runners.delete(r.ref.id);
    if (options.release)
      await releaseLease(db, r.ref.id, holderId).catch((error: unknown) => log.warn({ err: error }, 'releasing lease failed'));
  }

  /** Stops a runner's socket on purpose (shutdown, lost lease); the number stays linked. */
  async function halt(r: Runner, options: { release: boolean; logout?: boolean }): Promise<void> {
    r.closing = true;
    if (r.reconnectTimer !== null) timers.clearTimeout(r.reconnectTimer);
    r.reconnectTimer = null;
    await stopWorker(r);
    try {
      if (options.logout) await r.session.logout();
      else await r.session.stop();
    } catch (error) {
      log.warn({ err: error, numberId: r.ref.id }, 'stopping the session failed');
    }
    await r.ops;
    await r.history;
    await dispose(r, { release: options.release });
  }

  function waitForLinkInfo(r: Runner, ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (r.link || r.state === 'connected' || r.closing) return resolve();
      const handle = timers.setTimeout(done, ms);
      function done() {
        timers.clearTimeout(handle);
        r.linkWaiters = r.linkWaiters.filter((w) => w !== done);
        resolve();
      }
      r.linkWaiters.push(done);
    });
  }

  // -------------------------------------------------------------------------
  // Leases
  // -------------------------------------------------------------------------

  async function renewTick(): Promise<void> {
    if (ticking.renew || stopped) return;
    ticking.renew = true;
    try {
      const ids = [...runners.keys()];
      const kept = await renewLeases(db, ids, holderId, clock.now(), leaseMs);
      for (const id of ids) {
        const r = runners.get(id);
        if (!r || kept.has(id) || r.closing) continue;
        // Lost: deleted from the dashboard (any process), or we were too slow and another took over.
        const row = await numbersRepo.findNumberById(db, id);
        const deleted = !row || row.deleted_at !== null;
        log.warn({ numberId: id, deleted }, 'lease lost; stopping the session here');
        await halt(r, { release: false, logout: deleted && r.state === 'connected' });
      }
    } catch (error) {
      log.error({ err: error }, 'renewing leases failed');
    } finally {
      ticking.renew = false;
    }
  }

  async function acquireTick(): Promise<void> {
    if (ticking.acquire || stopped) return;
    ticking.acquire = true;
    try {
      const candidates = await numbersRepo.listRunnableUnowned(db, clock.now(), 200);
      for (const c of candidates) {
        if (stopped) break;
        if (runners.has(c.id)) continue;
        if (!(await acquireLease(db, c.id, holderId, clock.now(), leaseMs))) continue;
        // Sends claimed by a process that died settle before this one sends anything.
        await sendQueue.recoverExpiredClaims(c.id).catch((error: unknown) => log.warn({ err: error }, 'recovering claims failed'));
        const r = createRunner({ id: c.id, workspaceId: c.workspace_id }, false);
        log.info({ numberId: c.id }, 'starting number');
        await enqueue(r, () => startSession(r));
      }
    } catch (error) {
      log.error({ err: error }, 'looking for numbers to run failed');
    } finally {
      ticking.acquire = false;
    }
  }

  // -------------------------------------------------------------------------
  // Public
  // -------------------------------------------------------------------------

  return {
    holderId,

    /** Starts every linked number this process can hold, then keeps leases fresh and picks up lapsed ones. */
    async start(): Promise<void> {
      if (started) return;
      started = true;
      stopped = false;
      await sendQueue.recoverExpiredClaims().catch((error: unknown) => log.warn({ err: error }, 'recovering claims failed'));
      unsubscribeBus = bus.subscribe('*', (event) => {
        if (event.type !== 'message.created' || event.payload.direction !== 'out') return;
        for (const r of runners.values()) if (r.ref.workspaceId === event.workspaceId) r.worker?.wake();
      });
      heartbeat = timers.setInterval(() => void track(renewTick), Math.max(1, Math.floor(leaseMs / 3)));
      acquirer = timers.setInterval(() => void track(acquireTick), acquireEveryMs);
      await track(acquireTick);
    },

    /** Closes every session this process runs and releases their leases (the numbers stay linked). */
    async stop(): Promise<void> {
      stopped = true;
      started = false;
      if (heartbeat !== null) timers.clearInterval(heartbeat);
      if (acquirer !== null) timers.clearInterval(acquirer);
      heartbeat = acquirer = null;
      unsubscribeBus?.();
      unsubscribeBus = null;
      await Promise.all([...inflight]);
      await Promise.all([...runners.values()].map((r) => halt(r, { release: true })));
    },

    /**
     * Starts linking a number that is not linked (or was logged out / failed):
     * fresh keys, a session in QR mode, or a pairing code for `phone`. Waits
     * briefly for the first QR so the answer can carry it.
     */
    async link(numberId: string, options: { method: 'qr' | 'pairing_code'; phone?: string }): Promise<LinkInfo | null> {
      const row = await numbersRepo.findNumberById(db, numberId);
      if (!row || row.deleted_at !== null) throw notFound('number');
      let r = runners.get(numberId);
      if (r && !r.linking)
        throw new AppError(409, 'number_already_linked', 'This number is linked already; delete the session to link another phone.');
      if (!r) {
        if (row.linked_at !== null && ACTIVE.has(row.state as ConnectionState))
          throw new AppError(409, 'number_already_linked', 'This number is linked already; delete the session to link another phone.');
        if (!(await acquireLease(db, numberId, holderId, clock.now(), leaseMs)))
          throw new AppError(409, 'number_busy', 'Another server process is handling this number; try again in a minute.');
        r = createRunner({ id: numberId, workspaceId: row.workspace_id }, true);
        const runner = r;
        // A new link starts from empty keys: whatever a previous link left is useless now.
        await runner.auth.clear();
        await enqueue(runner, async () => {
          runner.state = 'connecting';
          await writeState(runner, 'connecting', null);
        });
        await enqueue(runner, () => startSession(runner));
      }
      const runner = r;
      if (options.method === 'pairing_code') {
        try {
          await runner.session.requestPairingCode(options.phone ?? '');
        } catch (error) {
          const message = error instanceof ProviderError ? error.message : 'could not request a pairing code';
          throw new AppError(409, 'pairing_failed', `WhatsApp did not give a pairing code: ${message}. Try again or use the QR code.`);
        }
      }
      await waitForLinkInfo(runner, linkWaitMs);
      await runner.ops;
      return runner.link ? { ...runner.link } : null;
    },

    /** The QR / pairing code of a link in progress in this process. */
    linkInfo(numberId: string): LinkInfo | null {
      const r = runners.get(numberId);
      return r?.linking && r.link ? { ...r.link } : null;
    },

    /**
     * Ends a number's session for good: logs out of WhatsApp when this process
     * holds it connected, erases the keys and the lease, then keeps the
     * conversations (hidden number) or erases the number with everything of it.
     * The caller (numbers service) has authorized and records the activity.
     */
    async deleteSession(numberId: string, options: { messages: 'keep' | 'erase' }): Promise<{ removedMediaFiles: number }> {
      const row = await numbersRepo.findNumberById(db, numberId);
      if (!row) throw notFound('number');
      const r = runners.get(numberId);
      if (r) await halt(r, { release: true, logout: r.state === 'connected' });
      await numbersRepo.deleteAuthKeys(db, numberId);
      // Another process holding it sees the lease gone at its next renewal and logs out there.
      await dropLease(db, numberId);
      const now = clock.now();
      if (options.messages === 'keep') {
        await numbersRepo.updateNumber(db, row.workspace_id, numberId, {
          deleted_at: now,
          state: 'logged_out',
          state_reason: 'Session deleted',
          state_since: now,
          updated_at: now,
        });
        return { removedMediaFiles: 0 };
      }
      const files = await db.transaction().execute(async (tx) => {
        const mediaIds = await numbersRepo.mediaIdsOfNumber(tx, row.workspace_id, numberId);
        await numbersRepo.deleteNumberRow(tx, row.workspace_id, numberId);
        return numbersRepo.deleteOrphanMedia(tx, row.workspace_id, mediaIds);
      });
      if (files.length && deps.removeMediaFiles) {
        await deps.removeMediaFiles(files).catch((error: unknown) => log.warn({ err: error }, 'removing media files failed'));
      }
      return { removedMediaFiles: files.length };
    },

    /** "typing…" to a customer from a number connected in this process (campaign sends, agents typing); false when it is not. */
    async sendPresence(numberId: string, to: string, presence: PresenceKind): Promise<boolean> {
      return withConnectedSession(numberId, (session) => session.sendPresence(to, presence));
    },

    /** Asks WhatsApp to report a customer's typing on a number connected in this process; false when it is not. */
    async subscribePresence(numberId: string, to: string): Promise<boolean> {
      return withConnectedSession(numberId, (session) => session.subscribePresence(to));
    },

    /** Whether this process holds the number and it is connected (only that process can speak for it). */
    isConnectedHere(numberId: string): boolean {
      const r = runners.get(numberId);
      return !!r && !r.closing && r.state === 'connected';
    },

    /**
     * Which of these phones have a WhatsApp account, asked through the number's
     * session; null when this process does not hold the number or it is not
     * connected (the process that holds it asks). Provider errors propagate.
     */
    async checkOnWhatsApp(numberId: string, phones: readonly string[]): Promise<Map<string, boolean> | null> {
      const r = runners.get(numberId);
      if (!r || r.closing || r.state !== 'connected') return null;
      const answers = await r.session.checkOnWhatsApp(phones);
      return new Map(answers.map((a) => [a.phone, a.onWhatsApp]));
    },

    /** Numbers this process runs now, with their live state (diagnostics, tests). */
    running(): Array<{ numberId: string; state: ConnectionState; linking: boolean }> {
      return [...runners.values()].map((r) => ({ numberId: r.ref.id, state: r.state, linking: r.linking }));
    },

    /** Resolves once queued connection handling and history imports have finished (tests). */
    async settled(): Promise<void> {
      for (let i = 0; i < 5; i++) {
        await Promise.all([...inflight]);
        await Promise.all([...runners.values()].flatMap((r) => [r.ops, r.history]));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },

    /** One lease renewal / acquisition pass now (tests, and a nudge after a deploy). */
    renewNow: renewTick,
    acquireNow: acquireTick,
  };
}

export type NumberManager = ReturnType<typeof createNumberManager>;
