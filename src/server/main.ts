import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { startCampaignSender } from './jobs/campaign-sender.js';
import { scheduleMaintenance } from './jobs/maintenance.js';
import { purgeUnusedMedia } from './modules/media/unused-media.js';
import { purgeExpiredMessages } from './modules/privacy/message-retention.js';
import { systemClock } from './lib/clock.js';
import { loadOrCreateSecretKey } from './lib/secrets.js';
import { createLogger } from './logger.js';
import { createPgBridge } from './realtime/pg-bridge.js';

/** Start order: config → database → migrations → app → jobs → listen. Shutdown runs in reverse. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`WaSphere cannot start: invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  loadOrCreateSecretKey(config.secretKey, config.dataDir);
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(database.db);
  const { app, services } = await buildApp({ config, database, logger });
  const stopMaintenance = scheduleMaintenance({
    db: database.db,
    clock: systemClock,
    activity: services.activity,
    logger,
    purgeMessages: () =>
      purgeExpiredMessages({ db: database.db, clock: systemClock, pathOf: (sha256) => services.mediaStore.pathOf(sha256) }),
    purgeUnusedMedia: () =>
      purgeUnusedMedia({ db: database.db, clock: systemClock, pathOf: (sha256) => services.mediaStore.pathOf(sha256) }),
  });
  // With PostgreSQL, several processes may serve one install: events cross between them.
  const bridge = config.databaseUrl ? createPgBridge({ connectionString: config.databaseUrl, logger }) : null;
  await bridge?.start(services.bus);
  await services.numberManager.start();
  const campaignSender = startCampaignSender({
    db: database.db,
    clock: systemClock,
    bus: services.bus,
    engine: services.campaignEngine,
    logger,
    presence: (numberId, to, kind) => services.numberManager.sendPresence(numberId, to, kind),
    checkOnWhatsApp: (numberId, phones) => services.numberManager.checkOnWhatsApp(numberId, phones),
  });
  // SLA alerts: catches up on what changed while stopped, then wakes for each due moment (stopped by app.close).
  await services.sla.evaluator.start();
  // Workspace deletions: resumes any a crash or restart left unfinished, then runs each one requested (stopped by app.close).
  services.deletionJob.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // WhatsApp sessions first: their leases are released so another process takes over at once.
    // Campaign sends first, so none is claimed while the numbers close.
    await campaignSender.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the campaign sender failed'));
    await services.numberManager.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping numbers failed'));
    await bridge?.stop();
    stopMaintenance();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  logger.info({ url: config.publicUrl.origin, database: database.dialect, dataDir: config.dataDir }, 'WaSphere is ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`WaSphere failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
