import { randomBytes } from 'node:crypto';
import type { DomainEvent } from '../../src/contracts/events.js';
import { createSecretBox } from '../../src/server/lib/secrets.js';
import { createIngest } from '../../src/server/modules/inbox/ingest.js';
import { createSendQueue } from '../../src/server/modules/inbox/send-queue.js';
import { createMediaStore } from '../../src/server/modules/media/media-store.js';
import { createInProcessBus } from '../../src/server/realtime/bus.js';
import { fakeClock } from './clock.js';
import { openTestDatabase } from './db.js';
import { insertTestNumber, insertTestWorkspace } from './numbers.js';

/** A fresh database with two workspaces (one number each, plus a second number in the first) and the inbox wired on it. */
export async function inboxHarness() {
  const database = await openTestDatabase();
  const { db } = database;
  const clock = fakeClock();
  const events: DomainEvent[] = [];
  const bus = createInProcessBus({ now: clock.now });
  bus.subscribe('*', (e) => events.push(e));
  const box = createSecretBox(randomBytes(32));
  const media = createMediaStore({ db, box, clock, bus, dataDir: database.dataDir });
  const ingest = createIngest({ db, clock, bus, media, box });
  const queue = createSendQueue({ db, clock, bus, dataDir: database.dataDir });
  const ws = await insertTestWorkspace(db, { now: clock.now() });
  const otherWs = await insertTestWorkspace(db, { name: 'Other shop', now: clock.now() });
  const n1 = await insertTestNumber(db, ws, { created_at: clock.now() });
  const n2 = await insertTestNumber(db, ws, { name: 'Support line', phone: '447700900002', created_at: clock.now() });
  const other = await insertTestNumber(db, otherWs, { name: 'Elsewhere', phone: '447700900003', created_at: clock.now() });
  return {
    database,
    db,
    clock,
    bus,
    box,
    media,
    ingest,
    queue,
    events,
    /** Events since the last call. */
    take(): DomainEvent[] {
      return events.splice(0, events.length);
    },
    number: { id: n1.id, workspaceId: ws },
    number2: { id: n2.id, workspaceId: ws },
    otherNumber: { id: other.id, workspaceId: otherWs },
    close: () => database.destroy(),
  };
}
export type InboxHarness = Awaited<ReturnType<typeof inboxHarness>>;
