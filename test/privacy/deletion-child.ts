/**
 * One process running a workspace deletion for the crash test, against the test
 * database: the same services and eraser the server uses, with small batches (so
 * the deletion takes many commits), a short lease (so a restarted job can take over
 * soon after a kill) and a short pause after each batch (so the kill lands mid-way).
 *
 * env: WASPHERE_DATA_DIR, DATABASE_URL (optional)
 */
import { createServices } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { openDatabase } from '../../src/server/db/database.js';
import { systemClock } from '../../src/server/lib/clock.js';
import { createWorkspaceEraser } from '../../src/server/modules/privacy/workspace-eraser.js';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' } as Record<string, string>);
const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
const services = createServices({ config, database, clock: systemClock });
const eraser = createWorkspaceEraser({
  db: database.db,
  clock: systemClock,
  dataDir: config.dataDir,
  pathOf: (sha256) => services.mediaStore.pathOf(sha256),
  endNumberSession: async (numberId) => void (await services.numberManager.deleteSession(numberId, { messages: 'keep' })),
  holderId: `crash-child-${process.pid}`,
  batchSize: 2,
  leaseMs: 1500,
  afterBatch: () => new Promise((resolve) => setTimeout(resolve, 10)),
});
const result = await eraser.runPending();
process.stdout.write(`finished ${JSON.stringify(result)}\n`);
await database.close();
process.exit(0);
