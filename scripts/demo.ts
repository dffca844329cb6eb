/**
 * `npm run demo`: WaSphere with a pretend WhatsApp network, to try it without a phone.
 *
 * Starts the local WhatsApp protocol peer (test/wa-sim), makes this process's Baileys
 * trust the peer's certificate root (never done by a normal start), then starts
 * WaSphere the way `src/server/main.ts` does, with its own data folder
 * (`./.data-demo` unless WASPHERE_DATA_DIR is set) and WASPHERE_WA_WEBSOCKET_URL
 * pointing at the peer. A "customer phones" page on its own port scans the
 * dashboard's QR and chats as customers.
 *
 * Environment: PORT (dashboard, default 3000), WASPHERE_DEMO_PHONES_PORT (default
 * 3001), and every usual WaSphere variable.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { buildApp } from '../src/server/app.js';
import { ConfigError, loadConfig } from '../src/server/config.js';
import { openDatabase } from '../src/server/db/database.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { scheduleMaintenance } from '../src/server/jobs/maintenance.js';
import { systemClock } from '../src/server/lib/clock.js';
import { loadOrCreateSecretKey } from '../src/server/lib/secrets.js';
import { createLogger } from '../src/server/logger.js';
import { startPhones } from '../test/wa-sim/phones/server.js';
import { startWaPeer, trustPeerMediaForFetch } from '../test/support/wa-peer.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const WEB_INDEX = path.join(ROOT, 'dist/web/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the dashboard when it is missing or older than its sources. */
function ensureWebBuilt(): void {
  const built = fs.existsSync(WEB_INDEX) ? fs.statSync(WEB_INDEX).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(ROOT, 'src/web')), newestMtime(path.join(ROOT, 'src/contracts')));
  if (built >= sources) return;
  console.log('Building the dashboard…');
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the dashboard failed');
}

async function main(): Promise<void> {
  ensureWebBuilt();

  const peer = await startWaPeer();
  // Media the customers send is fetched from the peer's loopback HTTPS host (self-signed);
  // media the business sends is uploaded there. Trusted in this demo process only.
  await trustPeerMediaForFetch(peer.sim);
  https.globalAgent = new https.Agent({ ca: peer.sim.media.certificate });

  let config;
  try {
    config = loadConfig({
      ...process.env,
      WASPHERE_DATA_DIR: process.env.WASPHERE_DATA_DIR || path.join(ROOT, '.data-demo'),
      LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
      ...peer.env,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`The demo cannot start: invalid configuration: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  loadOrCreateSecretKey(config.secretKey, config.dataDir);
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(database.db);
  const { app, services } = await buildApp({ config, database, logger });
  const stopMaintenance = scheduleMaintenance({ db: database.db, clock: systemClock, activity: services.activity, logger });
  await app.listen({ port: config.port, host: config.host });
  await services.numberManager.start();

  const phones = await startPhones(peer.sim, {
    port: Number(process.env.WASPHERE_DEMO_PHONES_PORT || 3001),
    host: config.host,
    dashboardUrl: config.publicUrl.origin,
    // The QR codes the dashboard is showing: what a phone camera would read off the screen.
    pendingLinks: async () => {
      const rows = await database.db
        .selectFrom('numbers')
        .innerJoin('workspaces', 'workspaces.id', 'numbers.workspace_id')
        .select(['numbers.id', 'numbers.name', 'workspaces.name as workspace'])
        .where('numbers.state', '=', 'waiting_for_scan')
        .where('numbers.deleted_at', 'is', null)
        .execute();
      return rows.flatMap((r) => {
        const qr = services.numberManager.linkInfo(r.id)?.qr;
        return qr ? [{ label: `${r.name} (${r.workspace})`, qr }] : [];
      });
    },
  });

  console.log(`
  WaSphere demo — no phone needed

    Dashboard        ${config.publicUrl.origin}
    Customer phones  ${phones.url}
    Data             ${config.dataDir} (delete it to start over)

  1. Open the dashboard, create your account, then Numbers → Add number.
  2. On the customer phones page, "scan" the QR, add customers and chat.
  The pretend network lives in memory: after a restart, relink the number.
  Ctrl+C stops everything.
`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await services.numberManager.stop().catch(() => undefined);
    stopMaintenance();
    await phones.close();
    await app.close();
    await database.close();
    await peer.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(`The demo failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
