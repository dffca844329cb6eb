import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/clock.js';
import { openTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fakeProvider } from '../../../test/support/fake-provider.js';
import { fakeTimers } from '../../../test/support/fake-timers.js';
import { memorySendQueue, recordingIngest } from '../../../test/support/manager-fakes.js';
import { insertTestNumber, insertTestWorkspace } from '../../../test/support/numbers.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { createSecretBox } from '../lib/secrets.js';
import { createInProcessBus } from '../realtime/bus.js';
import { createDbAuthStateStore } from './auth-store-db.js';
import { acquireLease, releaseLease, renewLeases } from './lease.js';
import { createNumberManager } from './manager.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function database(): Promise<TestDatabase> {
  const d = await openTestDatabase();
  cleanup.push(() => d.destroy());
  return d;
}

describe('leases', () => {
  it('one holder at a time; another only after it lapses; renewal and release are per holder', async () => {
    const { db } = await database();
    const ws = await insertTestWorkspace(db);
    const n = await insertTestNumber(db, ws);
    expect(await acquireLease(db, n.id, 'a', 1000, 100)).toBe(true);
    expect(await acquireLease(db, n.id, 'b', 1050, 100)).toBe(false);
    expect(await acquireLease(db, n.id, 'a', 1050, 100)).toBe(true);
    expect([...(await renewLeases(db, [n.id], 'b', 1060, 100))]).toEqual([]);
    expect([...(await renewLeases(db, [n.id], 'a', 1060, 100))]).toEqual([n.id]);
    expect(await acquireLease(db, n.id, 'b', 1159, 100)).toBe(false);
    expect(await acquireLease(db, n.id, 'b', 1161, 100)).toBe(true);
    expect([...(await renewLeases(db, [n.id], 'a', 1170, 100))]).toEqual([]);
    await releaseLease(db, n.id, 'a');
    expect(await acquireLease(db, n.id, 'a', 1180, 100)).toBe(false);
    await releaseLease(db, n.id, 'b');
    expect(await acquireLease(db, n.id, 'a', 1180, 100)).toBe(true);
  });

  it('two managers on one database: each number runs in exactly one, and the survivor takes over when the other dies', async () => {
    const first = await database();
    // A second connection pool to the same database, as a second server process would have.
    const second: DatabaseHandle = openDatabase({ databaseUrl: first.databaseUrl, dataDir: first.dataDir, poolSize: 2 });
    cleanup.push(() => second.close());
    const clock = fakeClock();
    const box = createSecretBox(randomBytes(32));
    const ws = await insertTestWorkspace(first.db);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await insertTestNumber(first.db, ws, { state: 'connected' })).id);

    const make = (handle: DatabaseHandle, holderId: string) => {
      const ft = fakeTimers(clock);
      const provider = fakeProvider({ onStart: (s) => s.connect() });
      const manager = createNumberManager({
        db: handle.db,
        clock,
        bus: createInProcessBus(),
        activity: { record: async () => undefined },
        ingest: recordingIngest().ingest,
        sendQueue: memorySendQueue(clock).queue,
        media: null,
        authStore: (numberId) => createDbAuthStateStore({ db: handle.db, box, numberId, clock }),
        logger: pino({ level: 'silent' }),
        holderId,
        createSession: (n, auth) => provider.create(n, auth),
        timers: ft.timers,
        leaseMs: 30_000,
        acquireEveryMs: 5_000,
      });
      cleanup.push(() => manager.stop());
      return { manager, ft, provider };
    };
    const a = make(first, 'proc-a');
    const b = make(second, 'proc-b');
    await Promise.all([a.manager.start(), b.manager.start()]);

    const held = () => {
      const inA = new Set(a.manager.running().map((r) => r.numberId));
      const inB = new Set(b.manager.running().map((r) => r.numberId));
      return { inA, inB };
    };
    // Both alive for two minutes: every number in exactly one process, no hand-overs.
    const before = held();
    for (let i = 0; i < 24; i++) {
      await a.ft.advance(5_000);
      await b.ft.advance(0);
      await Promise.all([a.manager.settled(), b.manager.settled()]);
      const now = held();
      expect([...now.inA].filter((id) => now.inB.has(id))).toEqual([]);
      expect(new Set([...now.inA, ...now.inB])).toEqual(new Set(ids));
      expect(now).toEqual(before);
    }
    const startsBefore = a.provider.sessions.length + b.provider.sessions.length;
    expect(startsBefore).toBe(6);

    // Process A dies: its timers stop (no renewals), nothing is released.
    const ofA = [...held().inA];
    await b.ft.advance(20_000);
    await b.manager.settled();
    expect([...held().inB].filter((id) => ofA.includes(id))).toEqual([]);
    await b.ft.advance(20_000);
    await b.manager.settled();
    expect(held().inB).toEqual(new Set(ids));
    const leases = await first.db.selectFrom('number_leases').select(['number_id', 'holder']).execute();
    expect(leases.every((l) => l.holder === 'proc-b')).toBe(true);
    expect(leases).toHaveLength(6);
    for (const id of ofA) expect(b.provider.last(id)?.state).toBe('connected');
  });
});
