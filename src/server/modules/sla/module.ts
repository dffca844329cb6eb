import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import { createSlaEvaluator } from '../../jobs/sla-evaluator.js';
import type { Clock } from '../../lib/clock.js';
import type { SecretBox } from '../../lib/secrets.js';
import type { EventBus } from '../../realtime/bus.js';
import type { Timers } from '../../whatsapp/timers.js';
import type { ActivityService } from '../activity/service.js';
import { createDashboardService } from '../dashboard/service.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { createDeliveryWorker, type WebhookPoster } from './delivery.js';
import { createSlaService } from './service.js';
import { smtpSender, type EmailSender } from './smtp.js';
import { createSlaTracker } from './tracker.js';

export interface SlaOptions {
  email?: EmailSender;
  webhook?: WebhookPoster;
  timers?: Timers;
  sweepMs?: number;
}

/**
 * SLA wiring: the tracker follows domain events from the moment the app is built
 * (so clocks are current in every process); the evaluator that fires alerts is a
 * job, started by main.ts (or a test) with `evaluator.start()`.
 */
export function createSlaModule(deps: {
  db: Db;
  clock: Clock;
  bus: EventBus;
  access: WorkspaceAccess;
  activity: ActivityService;
  box: SecretBox;
  holderId: string;
  /** WASPHERE_WEBHOOKS_ALLOW_PRIVATE (lib/outbound-url.ts). */
  allowPrivateWebhooks: boolean;
  logger?: Logger;
  options?: SlaOptions;
}) {
  const { db, clock, bus } = deps;
  let evaluator: ReturnType<typeof createSlaEvaluator> | null = null;
  const tracker = createSlaTracker({ db, clock, bus, ...(deps.logger ? { logger: deps.logger } : {}), onDue: (at) => evaluator?.wake(at) });
  tracker.subscribe();
  const deliveries = createDeliveryWorker({
    db,
    clock,
    box: deps.box,
    holderId: deps.holderId,
    email: deps.options?.email ?? smtpSender,
    allowPrivateTargets: deps.allowPrivateWebhooks,
    ...(deps.options?.webhook ? { webhook: deps.options.webhook } : {}),
  });
  evaluator = createSlaEvaluator({
    db,
    clock,
    bus,
    tracker,
    deliveries,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.options?.timers ? { timers: deps.options.timers } : {}),
    ...(deps.options?.sweepMs ? { sweepMs: deps.options.sweepMs } : {}),
  });
  const service = createSlaService({
    db,
    clock,
    access: deps.access,
    activity: deps.activity,
    bus,
    box: deps.box,
    tracker,
    allowPrivateWebhooks: deps.allowPrivateWebhooks,
  });
  const dashboard = createDashboardService({ db, clock, access: deps.access });
  return { tracker, deliveries, evaluator, service, dashboard };
}

export type SlaModule = ReturnType<typeof createSlaModule>;
