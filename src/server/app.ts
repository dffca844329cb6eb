import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import { migrationsApplied } from './db/migrate.js';
import { registerCrossSiteGuard } from './http/cross-site.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerValidators } from './http/validation.js';
import { registerOpenApi } from './http/openapi.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { cookieWriter, registerSessionResolver } from './http/session.js';
import { registerWeb } from './http/web.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createSecretBox, loadOrCreateSecretKey } from './lib/secrets.js';
import { activityRoutes } from './modules/activity/routes.js';
import { createActivityService } from './modules/activity/service.js';
import { authRoutes } from './modules/auth/routes.js';
import { createAuthService } from './modules/auth/service.js';
import { createIngest } from './modules/inbox/ingest.js';
import { createReadOnReply } from './modules/inbox/read-on-reply.js';
import { createSendQueue } from './modules/inbox/send-queue.js';
import { typingRoutes } from './modules/inbox/typing-routes.js';
import { createTypingService } from './modules/inbox/typing.js';
import { createInstanceService } from './modules/instance/service.js';
import { createMediaStore } from './modules/media/media-store.js';
import { mediaRoutes } from './modules/media/routes.js';
import { createMediaService } from './modules/media/service.js';
import { inboxRoutes } from './modules/inbox/routes.js';
import { createInboxService } from './modules/inbox/service.js';
import { messagingRoutes } from './modules/messaging/routes.js';
import { createMessagingService } from './modules/messaging/service.js';
import { contactRoutes } from './modules/contacts/routes.js';
import { createContactsService } from './modules/contacts/service.js';
import { createWorkspaceAccess } from './modules/workspaces/access.js';
import { dashboardRoutes } from './modules/dashboard/routes.js';
import { createSlaModule } from './modules/sla/module.js';
import { slaRoutes } from './modules/sla/routes.js';
import { createCampaignEngine } from './modules/campaigns/engine.js';
import { campaignRoutes } from './modules/campaigns/routes.js';
import { createCampaignsService } from './modules/campaigns/service.js';
import { workspaceRoutes } from './modules/workspaces/routes.js';
import { createWorkspacesService } from './modules/workspaces/service.js';
import { createWorkspaceDeletionJob, type WorkspaceDeletionJob } from './jobs/workspace-deletion.js';
import { createWorkspaceDeletions } from './modules/privacy/deletions.js';
import { privacyRoutes } from './modules/privacy/routes.js';
import { createPrivacyService } from './modules/privacy/service.js';
import { createUsageRecorder } from './modules/privacy/usage.js';
import { createWorkspaceEraser } from './modules/privacy/workspace-eraser.js';
import { createInProcessBus } from './realtime/bus.js';
import { numberRoutes } from './modules/numbers/routes.js';
import { createNumbersService } from './modules/numbers/service.js';
import { createRealtimeHub } from './realtime/hub.js';
import { realtimeRoutes } from './realtime/routes.js';
import { createDbAuthStateStore } from './whatsapp/auth-store-db.js';
import { createBaileysSession } from './whatsapp/baileys/adapter.js';
import { createNumberManager, type NumberManagerDeps, type SessionFactory } from './whatsapp/manager.js';
import { startPresenceRelay } from './whatsapp/presence-relay.js';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  clock?: Clock;
  /** Where the built dashboard lives; defaults to dist/web next to the sources. */
  webDir?: string;
  whatsapp?: WhatsAppOptions;
}

/** Tests replace the WhatsApp session with a fake; production uses Baileys. */
export interface WhatsAppOptions {
  createSession?: SessionFactory;
  holderId?: string;
  manager?: Partial<Pick<NumberManagerDeps, 'leaseMs' | 'acquireEveryMs' | 'linkWaitMs' | 'timers' | 'random' | 'send'>>;
}

const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Wires every service once; routes and jobs receive only what they use. */
export function createServices(deps: {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  logger?: Logger;
  whatsapp?: WhatsAppOptions;
}) {
  const { db } = deps.database;
  const clock = deps.clock;
  const access = createWorkspaceAccess({ db });
  const activity = createActivityService({ db, clock, access });
  const logger = deps.logger ?? pino({ level: 'silent' });
  const usage = createUsageRecorder({ db, clock, logger });
  const instance = createInstanceService({ db, activity });
  // The deletion job is created below with the number manager; requests wake it.
  let deletionJob: WorkspaceDeletionJob | null = null;
  const deletions = createWorkspaceDeletions({ db, clock, activity, wake: () => deletionJob?.wake() });
  const workspaces = createWorkspacesService({ db, clock, access, activity, publicUrl: deps.config.publicUrl, deletions });
  const auth = createAuthService({ db, clock, activity, instance, workspaces, sessionTtlDays: deps.config.sessionTtlDays });
  const bus = createInProcessBus({ now: () => clock.now() });
  const box = createSecretBox(loadOrCreateSecretKey(deps.config.secretKey, deps.config.dataDir));
  const mediaStore = createMediaStore({ db, box, clock, bus, dataDir: deps.config.dataDir });
  const media = createMediaService({ access, store: mediaStore });
  const messaging = createMessagingService({ db, clock, access, activity, bus, usage });
  const inbox = createInboxService({ db, clock, access, activity, bus, messaging, usage });
  const ingest = createIngest({ db, clock, bus, media: mediaStore, box });
  const sendQueue = createSendQueue({ db, clock, bus, dataDir: deps.config.dataDir });
  const typing = createTypingService({ db, clock, access, bus });
  const readOnReply = createReadOnReply({ db });
  const waUrl = deps.config.waWebSocketUrl;
  const numberManager = createNumberManager({
    db,
    clock,
    bus,
    activity,
    ingest,
    sendQueue,
    media: mediaStore,
    authStore: (numberId) => createDbAuthStateStore({ db, box, numberId, clock }),
    removeMediaFiles: async (hashes) => {
      for (const hash of hashes) await fs.promises.rm(mediaStore.pathOf(hash), { force: true });
    },
    logger,
    afterSent: readOnReply,
    presence: (number, presence) => typing.customer(number, presence),
    holderId: deps.whatsapp?.holderId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    createSession:
      deps.whatsapp?.createSession ??
      ((number, auth) =>
        createBaileysSession({ auth, logger: logger.child({ numberId: number.id }), ...(waUrl ? { waWebSocketUrl: waUrl } : {}) })),
    ...deps.whatsapp?.manager,
  });
  const presenceRelay = startPresenceRelay({ bus, db, manager: numberManager, clock, logger });
  const numbers = createNumbersService({ db, clock, access, activity, bus, manager: numberManager });
  const contacts = createContactsService({ db, clock, access, activity, bus, mediaStore, dataDir: deps.config.dataDir, usage });
  const realtime = createRealtimeHub({ bus, access, logger });
  const sla = createSlaModule({
    db,
    clock,
    bus,
    access,
    activity,
    box,
    holderId: numberManager.holderId,
    allowPrivateWebhooks: deps.config.webhooksAllowPrivate,
    logger,
  });
  const campaignEngine = createCampaignEngine({ db, clock, bus, activity, holderId: numberManager.holderId });
  const campaigns = createCampaignsService({ db, clock, access, activity, bus, engine: campaignEngine, usage });
  const privacy = createPrivacyService({ db, clock, activity });
  const workspaceEraser = createWorkspaceEraser({
    db,
    clock,
    dataDir: deps.config.dataDir,
    pathOf: (sha256) => mediaStore.pathOf(sha256),
    endNumberSession: async (numberId) => {
      await numberManager.deleteSession(numberId, { messages: 'keep' });
    },
    holderId: numberManager.holderId,
  });
  const workspaceDeletionJob = createWorkspaceDeletionJob({ eraser: workspaceEraser, logger });
  deletionJob = workspaceDeletionJob;
  return {
    access,
    activity,
    instance,
    workspaces,
    auth,
    bus,
    box,
    mediaStore,
    media,
    messaging,
    ingest,
    sendQueue,
    numberManager,
    numbers,
    contacts,
    realtime,
    sla,
    inbox,
    typing,
    presenceRelay,
    campaignEngine,
    campaigns,
    privacy,
    usage,
    deletions,
    workspaceEraser,
    deletionJob: workspaceDeletionJob,
  };
}
export type Services = ReturnType<typeof createServices>;

/** Builds the HTTP application without listening, so tests drive it with `inject`. */
export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; services: Services }> {
  const { config, database } = deps;
  const clock = deps.clock ?? systemClock;
  const services = createServices({ config, database, clock, logger: deps.logger, ...(deps.whatsapp ? { whatsapp: deps.whatsapp } : {}) });
  const https = config.publicUrl.protocol === 'https:';

  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
  });

  registerValidators(app);
  registerErrorHandler(app);
  registerSecurityHeaders(app, https);
  registerCrossSiteGuard(app, config.publicUrl.origin);
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  // Sessions close before the database does (tests close the app; main stops the manager first anyway).
  app.addHook('onClose', async () => {
    services.realtime.closeAll();
    services.presenceRelay.stop();
    await services.numberManager.stop();
    await services.sla.evaluator.stop();
    await services.deletionJob.stop();
    services.sla.tracker.unsubscribe();
    await services.sla.tracker.idle();
  });
  await registerOpenApi(app, config.publicUrl);
  registerSessionResolver(app, services.auth);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      const ready = await migrationsApplied(database.db);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'migrations_pending', database: database.dialect });
    } catch {
      return reply.status(503).send({ status: 'database_unreachable', database: database.dialect });
    }
  });

  const cookies = cookieWriter(https);
  await app.register(
    async (api) => {
      await api.register(authRoutes({ auth: services.auth, instance: services.instance, cookies }));
      await api.register(workspaceRoutes({ workspaces: services.workspaces }));
      await api.register(activityRoutes({ activity: services.activity }));
      await api.register(messagingRoutes({ messaging: services.messaging }));
      await api.register(contactRoutes({ contacts: services.contacts }));
      await api.register(inboxRoutes({ inbox: services.inbox }));
      await api.register(typingRoutes({ typing: services.typing }));
      await api.register(mediaRoutes({ media: services.media }));
      await api.register(numberRoutes({ numbers: services.numbers }));
      await api.register(realtimeRoutes({ hub: services.realtime }));
      await api.register(slaRoutes({ sla: services.sla.service }));
      await api.register(dashboardRoutes({ dashboard: services.sla.dashboard }));
      await api.register(campaignRoutes({ campaigns: services.campaigns }));
      await api.register(privacyRoutes({ privacy: services.privacy, deletions: services.deletions, cookies }));
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );

  await registerWeb(app, deps.webDir ?? DEFAULT_WEB_DIR);
  return { app, services };
}
