/**
 * Memory per idle linked number held by the number manager, on SQLite in a
 * temp dir:
 * - `fake`: N connected fake sessions (the manager's own cost: runner, policy,
 *   send worker, listeners);
 * - `baileys`: N real Baileys sessions whose WebSocket points at a closed
 *   local port, so each sits in reconnect backoff (socket objects, signal
 *   key cache, auth state, timers), without talking to WhatsApp.
 *
 *   node --expose-gc --import tsx bench/idle-number-memory.ts
 *   BENCH_NUMBERS=200 BENCH_MODE=fake node --expose-gc --import tsx bench/idle-number-memory.ts
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { FakeSession } from '../test/support/fake-provider.js';
import { insertTestNumber, insertTestWorkspace } from '../test/support/numbers.js';
import { openDatabase } from '../src/server/db/database.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { systemClock } from '../src/server/lib/clock.js';
import { createSecretBox } from '../src/server/lib/secrets.js';
import { createInProcessBus } from '../src/server/realtime/bus.js';
import { createDbAuthStateStore } from '../src/server/whatsapp/auth-store-db.js';
import { createBaileysSession } from '../src/server/whatsapp/baileys/adapter.js';
import { createNumberManager, type SessionFactory } from '../src/server/whatsapp/manager.js';

const N = Number(process.env.BENCH_NUMBERS ?? 100);
const MODES = (process.env.BENCH_MODE ?? 'fake,baileys').split(',');

const gc = (globalThis as { gc?: () => void }).gc;
async function measure(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** A port nothing listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function run(mode: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasphere-bench-'));
  const database = openDatabase({ databaseUrl: null, dataDir });
  await migrateToLatest(database.db);
  const { db } = database;
  const workspaceId = await insertTestWorkspace(db, { name: 'Bench' });
  for (let i = 0; i < N; i++) {
    await insertTestNumber(db, workspaceId, { name: `n${i}`, phone: `4915100${String(i).padStart(5, '0')}` });
  }
  const box = createSecretBox(randomBytes(32));
  const logger = pino({ level: 'silent' });
  let createSession: SessionFactory;
  if (mode === 'fake') {
    createSession = (n, auth) =>
      new FakeSession(n, auth, { onStart: (s) => s.connect(n.id.slice(-10).replace(/\D/g, '1').padEnd(10, '1')) });
  } else {
    const url = `ws://127.0.0.1:${await closedPort()}/ws/chat`;
    createSession = (n, auth) => createBaileysSession({ auth, logger, engineLogLevel: 'silent', waWebSocketUrl: url });
  }
  const manager = createNumberManager({
    db,
    clock: systemClock,
    bus: createInProcessBus(),
    activity: { record: async () => undefined },
    ingest: {
      messages: async () => undefined,
      receipts: async () => undefined,
      contacts: async () => undefined,
      lidMappings: async () => undefined,
    },
    sendQueue: {
      claimNext: async () => null,
      markSent: async () => undefined,
      markFailed: async () => undefined,
      recoverExpiredClaims: async () => 0,
    },
    media: null,
    authStore: (numberId) => createDbAuthStateStore({ db, box, numberId, clock: systemClock }),
    logger,
    holderId: 'bench',
    createSession,
  });
  const before = await measure();
  const started = Date.now();
  await manager.start();
  await manager.settled();
  // Let sessions reach their steady idle state (connected, or waiting in backoff).
  await new Promise((resolve) => setTimeout(resolve, mode === 'fake' ? 500 : 5000));
  const after = await measure();
  const states = manager.running().reduce<Record<string, number>>((acc, r) => ((acc[r.state] = (acc[r.state] ?? 0) + 1), acc), {});
  console.log(
    `${mode.padEnd(8)} N=${N}  started in ${Date.now() - started} ms  states=${JSON.stringify(states)}\n` +
      `         heap +${mb(after.heap - before.heap)} (${kb((after.heap - before.heap) / N)}/number)  ` +
      `rss +${mb(after.rss - before.rss)} (${kb((after.rss - before.rss) / N)}/number)`,
  );
  await manager.stop();
  await database.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (!gc) console.log('(run with node --expose-gc for steadier figures)');
for (const mode of MODES) await run(mode);
process.exit(0);
