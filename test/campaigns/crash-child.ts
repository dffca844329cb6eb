/**
 * One WaSphere server process for the campaign crash test: the real app, number
 * manager and campaign sender against the test database, with WhatsApp replaced
 * by the manager tests' fake session. Every provider send is appended to a log
 * file (synchronously, before the send "returns"), so the test can count what
 * customers received across kills. Short leases make a restart take over fast.
 *
 * env: WASPHERE_DATA_DIR, DATABASE_URL (optional), CRASH_SEND_LOG
 */
import fs from 'node:fs';
import pino from 'pino';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { openDatabase } from '../../src/server/db/database.js';
import { startCampaignSender } from '../../src/server/jobs/campaign-sender.js';
import { systemClock } from '../../src/server/lib/clock.js';
import { createCampaignEngine } from '../../src/server/modules/campaigns/engine.js';
import { fakeProvider } from '../support/fake-provider.js';

const log = process.env.CRASH_SEND_LOG!;
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' } as Record<string, string>);
const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 4 });
let seq = 0;
const provider = fakeProvider({
  onStart: (s) => s.connect(),
  send: async (message) => {
    // A little time on the wire, so kills land before, during and after sends.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    fs.appendFileSync(log, `${message.to}\n`);
    seq += 1;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    return { providerMessageId: `CRASH${process.pid}x${seq}`, at: new Date() };
  },
});
const holderId = `crash-${process.pid}`;
const { app, services } = await buildApp({
  config,
  database,
  logger: pino({ level: 'silent' }),
  webDir: '/nonexistent',
  whatsapp: {
    createSession: (n, auth) => provider.create(n, auth),
    holderId,
    manager: { leaseMs: 1500, acquireEveryMs: 300, send: { claimMs: 2000, pollMs: 200, gapCapMs: 0 } },
  },
});
await app.ready();
await services.numberManager.start();
const engine = createCampaignEngine({
  db: database.db,
  clock: systemClock,
  bus: services.bus,
  activity: services.activity,
  holderId,
  options: { leaseMs: 1500 },
});
const sender = startCampaignSender({
  db: database.db,
  clock: systemClock,
  bus: services.bus,
  engine,
  logger: pino({ level: 'silent' }),
  presence: (numberId, to, kind) => services.numberManager.sendPresence(numberId, to, kind),
  checkOnWhatsApp: (numberId, phones) => services.numberManager.checkOnWhatsApp(numberId, phones),
  pollMs: 100,
  typingMs: [20, 120],
  reconcileEveryMs: 500,
});
// Every timer of the server is unreferenced (a real server is kept up by its listening socket): keep this one alive.
const keepAlive = setInterval(() => undefined, 60_000);
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void (async () => {
    clearInterval(keepAlive);
    await sender.stop();
    await app.close();
    await database.close();
    process.exit(0);
  })();
});
