/**
 * The SLA evaluator: turns clocks that reached risk or breach into alerts.
 *
 * Each applied SLA row carries `due_at`, the next instant one of its alerts falls
 * due (indexed). The evaluator sleeps until the earliest `due_at` (a tracker
 * that schedules an earlier one wakes it), and sweeps every `sweepMs` anyway, so
 * a due moment written by another process is seen within one sweep. A pass only
 * reads rows already due, so its cost follows the number of alerts, not the
 * number of open conversations.
 *
 * Exactly once: an alert is the insert of its `sla_events` row, unique on
 * (conversation, target, kind, cycle), in the same transaction as the
 * notifications, the queued deliveries and the row's "fired" mark (written only
 * if the row's version is unchanged). A second evaluator — after a restart, or
 * another process on the same PostgreSQL — either finds the mark already set or
 * loses the insert, so it never alerts again; and nothing is marked fired
 * without its event, so a crash loses nothing.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { EventBus } from '../realtime/bus.js';
import { systemTimers, type Timers } from '../whatsapp/timers.js';
import { fanOutAlert, type AlertOutcome } from '../modules/sla/alerts.js';
import { deriveSchedule, dueAlerts } from '../modules/sla/clocks.js';
import type { DeliveryWorker } from '../modules/sla/delivery.js';
import { dueRows, earliestDue, findSlaRow, insertEventOnce, saveSlaRow, workspaceTimeZone } from '../modules/sla/repo.js';
import { dimensionKeys, localDay, updateRollups } from '../modules/sla/rollups.js';
import type { SlaTracker } from '../modules/sla/tracker.js';

export interface SlaEvaluatorDeps {
  db: Db;
  clock: Clock;
  bus: EventBus;
  tracker?: Pick<SlaTracker, 'reconcile'>;
  deliveries?: DeliveryWorker;
  logger?: Logger;
  timers?: Timers;
  sweepMs?: number;
  batchSize?: number;
}

class VersionConflict extends Error {}

export function createSlaEvaluator(deps: SlaEvaluatorDeps) {
  const { db, clock, bus } = deps;
  const timers = deps.timers ?? systemTimers;
  const sweepMs = deps.sweepMs ?? 10_000;
  const batchSize = deps.batchSize ?? 200;
  let wakeTimer: unknown = null;
  let wakeAt: number | null = null;
  let sweepTimer: unknown = null;
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = true;

  /** Fires what is due on one row; returns the alerts this call created. */
  async function processRow(conversationId: string, now: number): Promise<number> {
    const published: Array<{ workspaceId: string; outcome: AlertOutcome }> = [];
    let fired = 0;
    try {
      await db.transaction().execute(async (tx) => {
        const row = await findSlaRow(tx, conversationId);
        if (!row || row.due_at === null || row.due_at > now) return;
        const conv = await tx
          .selectFrom('conversations')
          .select(['assignee_user_id', 'number_id'])
          .where('id', '=', conversationId)
          .executeTakeFirst();
        for (const alert of dueAlerts(row, now)) {
          const eventId = newId(now);
          const inserted = await insertEventOnce(tx, {
            id: eventId,
            workspace_id: row.workspace_id,
            conversation_id: conversationId,
            target: alert.target,
            kind: alert.kind,
            cycle: alert.cycle,
            due_at: alert.dueAt,
            detected_at: now,
            assignee_user_id: conv?.assignee_user_id ?? null,
            number_id: conv?.number_id ?? null,
          });
          const mark = alert.kind === 'breached' ? 2 : 1;
          if (alert.clock === 'resp') row.resp_fired = Math.max(row.resp_fired, mark);
          else row.res_fired = Math.max(row.res_fired, mark);
          if (!inserted) continue;
          fired += 1;
          if (alert.kind === 'breached') {
            const zone = (await workspaceTimeZone(tx, row.workspace_id)) ?? 'UTC';
            const keys = await dimensionKeys(tx, row.workspace_id, conversationId, conv?.assignee_user_id ?? null, conv?.number_id ?? null);
            await updateRollups(tx, row.workspace_id, localDay(zone, now), keys, (data) => {
              data.breaches += 1;
            });
          }
          const targetMs = alert.clock === 'resp' ? row.resp_target_ms : row.res_target_ms;
          const outcome = await fanOutAlert(
            tx,
            {
              eventId,
              workspaceId: row.workspace_id,
              conversationId,
              target: alert.target,
              kind: alert.kind,
              dueAt: alert.dueAt,
              detectedAt: now,
            },
            conv?.assignee_user_id ?? null,
            targetMs,
          );
          published.push({ workspaceId: row.workspace_id, outcome });
        }
        const version = row.version;
        deriveSchedule(row);
        row.updated_at = Math.max(row.updated_at, now);
        if (!(await saveSlaRow(tx, row, version))) throw new VersionConflict();
      });
    } catch (error) {
      if (error instanceof VersionConflict) return -1;
      throw error;
    }
    // After commit: the dashboards hear about it.
    for (const { workspaceId, outcome } of published) {
      for (const e of outcome.events) bus.publish(workspaceId, e.type, e.payload as never);
      bus.publish(workspaceId, 'sla.updated', { conversationIds: [conversationId] });
    }
    return fired;
  }

  /** Fires everything due at `clock.now()`; returns the number of alerts created. */
  async function runOnce(): Promise<number> {
    const now = clock.now();
    let total = 0;
    const retried = new Map<string, number>();
    for (;;) {
      const rows = await dueRows(db, now, batchSize);
      if (rows.length === 0) break;
      let progress = false;
      let failed = 0;
      for (const row of rows) {
        const n = await processRow(row.conversation_id, now).catch((err: unknown) => {
          deps.logger?.error({ err, conversationId: row.conversation_id }, 'sla: alert failed; will retry');
          return -1;
        });
        if (n >= 0) {
          progress = true;
          total += n;
        } else {
          failed += 1;
          retried.set(row.conversation_id, (retried.get(row.conversation_id) ?? 0) + 1);
        }
      }
      // A row that lost a race (another process wrote it) is read again; one that keeps failing waits for the next pass.
      if ([...retried.values()].some((v) => v > 3)) break;
      if (failed === 0 && (!progress || rows.length < batchSize)) break;
    }
    if (deps.deliveries) {
      while ((await deps.deliveries.runOnce()) > 0) {
        /* drain what is due */
      }
    }
    return total;
  }

  async function schedule(): Promise<void> {
    if (stopped) return;
    const next = await earliestDue(db);
    const delivery = deps.deliveries ? await deps.deliveries.nextAttemptAt() : null;
    const candidates = [next, delivery].filter((v): v is number => v !== null);
    if (candidates.length === 0) return;
    wake(Math.min(...candidates));
  }

  /** Runs a pass now, or right after the current one if one is running. */
  function pass(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        try {
          total += await runOnce();
        } catch (err) {
          deps.logger?.error({ err }, 'sla: evaluator pass failed');
        }
      } while (again && !stopped);
      try {
        await schedule();
      } catch (err) {
        deps.logger?.error({ err }, 'sla: scheduling the next pass failed');
      }
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  /** Makes sure a pass runs by `at` (earlier wakes win; the sweep covers the rest). */
  function wake(at: number): void {
    if (stopped) return;
    if (wakeAt !== null && wakeAt <= at) return;
    if (wakeTimer !== null) timers.clearTimeout(wakeTimer);
    wakeAt = at;
    // Timers are capped so a far-away due moment does not overflow setTimeout; the sweep re-arms.
    wakeTimer = timers.setTimeout(
      () => {
        wakeTimer = null;
        wakeAt = null;
        void pass();
      },
      Math.min(Math.max(0, at - clock.now()), 2 ** 30),
    );
  }

  return {
    runOnce: pass,
    wake,

    /** Resolves when no pass is running (tests and the bench drive timers by hand). */
    async idle(): Promise<void> {
      while (running) await running;
    },

    async start(): Promise<void> {
      if (!stopped) return;
      stopped = false;
      // Catch up on changes made while no process was tracking them, then fire what fell due meanwhile.
      try {
        await deps.tracker?.reconcile();
      } catch (err) {
        deps.logger?.error({ err }, 'sla: reconcile at start failed');
      }
      sweepTimer = timers.setInterval(() => void pass(), sweepMs);
      await pass();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (sweepTimer !== null) timers.clearInterval(sweepTimer);
      if (wakeTimer !== null) timers.clearTimeout(wakeTimer);
      sweepTimer = null;
      wakeTimer = null;
      wakeAt = null;
      await running;
    },
  };
}

export type SlaEvaluator = ReturnType<typeof createSlaEvaluator>;
