import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import { deleteExpiredSessions } from '../modules/auth/repo.js';
import { deleteExpiredRateLimits } from '../modules/auth/rate-limit.js';
import type { ActivityService } from '../modules/activity/service.js';
import { purgeOldDeletionRecords } from '../modules/privacy/deletions.js';
import { purgeOldAlerts } from '../modules/sla/repo.js';

export interface MaintenanceResult {
  activityDeleted: number;
  sessionsDeleted: number;
  messagesDeleted: number;
  notificationsDeleted: number;
  deliveriesDeleted: number;
  deletionRecordsDeleted: number;
  unusedMediaDeleted: number;
}

/**
 * Housekeeping that keeps the retention promises: activity entries older than the
 * workspace's setting, ended sessions, stale rate-limit counters, old SLA notifications
 * and delivery logs, finished workspace-deletion records past their keeping period,
 * and uploads that nothing used.
 * Each pass is idempotent, so several server processes may run it at once.
 */
export async function runMaintenance(deps: {
  db: Db;
  clock: Clock;
  activity: ActivityService;
  /** Optional message retention per workspace (modules/privacy/message-retention.ts). */
  purgeMessages?: () => Promise<{ messages: number }>;
  /** Uploads never used by a message or campaign (modules/media/unused-media.ts). */
  purgeUnusedMedia?: () => Promise<number>;
}): Promise<MaintenanceResult> {
  const now = deps.clock.now();
  const activityDeleted = await deps.activity.purgeExpired();
  const sessionsDeleted = await deleteExpiredSessions(deps.db, now);
  await deleteExpiredRateLimits(deps.db, now);
  const messagesDeleted = deps.purgeMessages ? (await deps.purgeMessages()).messages : 0;
  const alerts = await purgeOldAlerts(deps.db, now);
  const deletionRecordsDeleted = await purgeOldDeletionRecords(deps.db, now);
  const unusedMediaDeleted = deps.purgeUnusedMedia ? await deps.purgeUnusedMedia() : 0;
  return {
    activityDeleted,
    sessionsDeleted,
    messagesDeleted,
    notificationsDeleted: alerts.notifications,
    deliveriesDeleted: alerts.deliveries,
    deletionRecordsDeleted,
    unusedMediaDeleted,
  };
}

/** Runs maintenance now and then every `intervalMs`; returns a stop function. */
export function scheduleMaintenance(
  deps: {
    db: Db;
    clock: Clock;
    activity: ActivityService;
    logger: Logger;
    purgeMessages?: () => Promise<{ messages: number }>;
    purgeUnusedMedia?: () => Promise<number>;
  },
  intervalMs = 60 * 60 * 1000,
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const result = await runMaintenance(deps);
      if (Object.values(result).some((count) => count > 0)) deps.logger.info(result, 'maintenance purged expired data');
    } catch (err) {
      deps.logger.error({ err }, 'maintenance failed; will retry next interval');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
