import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../contracts/events.js';
import { fakeClock } from '../../../test/support/clock.js';
import { openTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fakeProvider, type FakeSessionBehaviour } from '../../../test/support/fake-provider.js';
import { fakeTimers } from '../../../test/support/fake-timers.js';
import { customer, inbound } from '../../../test/support/inbound.js';
import { memorySendQueue, recordingIngest } from '../../../test/support/manager-fakes.js';
import { insertTestNumber, insertTestWorkspace } from '../../../test/support/numbers.js';
import { createSecretBox } from '../lib/secrets.js';
import { createActivityService } from '../modules/activity/service.js';
import { createWorkspaceAccess } from '../modules/workspaces/access.js';
import { createInProcessBus } from '../realtime/bus.js';
import { createDbAuthStateStore } from './auth-store-db.js';
import { createNumberManager, type NumberManagerDeps } from './manager.js';
import type { InboundMessage } from './provider.js';

const open: TestDatabase[] = [];
const managers: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
  for (const d of open.splice(0)) await d.destroy();
});

async function setup(
  options: {
    behaviour?: FakeSessionBehaviour;
    random?: () => number;
    manager?: Partial<NumberManagerDeps>;
    historyGate?: () => Promise<void>;
  } = {},
) {
  const database = await openTestDatabase();
  open.push(database);
  const { db } = database;
  const clock = fakeClock();
  const ft = fakeTimers(clock);
  const bus = createInProcessBus({ now: clock.now });
  const events: DomainEvent[] = [];
  bus.subscribe('*', (e) => events.push(e));
  const box = createSecretBox(randomBytes(32));
  const provider = fakeProvider(options.behaviour ?? {});
  const { ingest, calls } = recordingIngest(options.historyGate ? { historyGate: options.historyGate } : {});
  const sends = memorySendQueue(clock);
  const activity = createActivityService({ db, clock, access: createWorkspaceAccess({ db }) });
  const workspaceId = await insertTestWorkspace(db, { now: clock.now() });
  const deps: NumberManagerDeps = {
    db,
    clock,
    bus,
    activity,
    ingest,
    sendQueue: sends.queue,
    media: null,
    authStore: (numberId) => createDbAuthStateStore({ db, box, numberId, clock }),
    logger: pino({ level: 'silent' }),
    holderId: 'proc-a',
    createSession: (n, auth) => provider.create(n, auth),
    random: options.random ?? (() => 1),
    timers: ft.timers,
    linkWaitMs: 1000,
    ...options.manager,
  };
  const manager = createNumberManager(deps);
  managers.push(manager);
  const numberRow = async (id: string) => db.selectFrom('numbers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const keyCount = async (id: string) =>
    Number(
      (
        await db
          .selectFrom('wa_auth_keys')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('number_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const actions = async () =>
    await db.selectFrom('activity_log').select(['action', 'details']).where('workspace_id', '=', workspaceId).orderBy('id').execute();
  return { database, db, clock, ft, bus, events, box, provider, calls, sends, manager, workspaceId, numberRow, keyCount, actions, deps };
}

/** A linked number the manager starts and that reaches `connected`. */
async function connectedNumber(t: Awaited<ReturnType<typeof setup>>) {
  const row = await insertTestNumber(t.db, t.workspaceId, { state: 'connected', created_at: t.clock.now() });
  await t.manager.start();
  const session = t.provider.last(row.id)!;
  await session.connect();
  await t.manager.settled();
  return { row, session };
}

function textMessage(id: string, text = 'hi'): InboundMessage {
  return inbound({
    providerMessageId: id,
    chat: customer('4915100000001'),
    timestamp: Date.parse('2026-06-01T09:00:00Z'),
    pushName: 'Customer',
    text,
  });
}

describe('number manager: start', () => {
  it('starts linked numbers that should run, and none that are logged out, failed, deleted or never linked', async () => {
    const t = await setup();
    const run = await insertTestNumber(t.db, t.workspaceId, { state: 'connected' });
    const idle = await insertTestNumber(t.db, t.workspaceId, { state: 'idle' });
    await insertTestNumber(t.db, t.workspaceId, { state: 'logged_out' });
    await insertTestNumber(t.db, t.workspaceId, { state: 'failed' });
    await insertTestNumber(t.db, t.workspaceId, { state: 'connected', deleted_at: t.clock.now() });
    await insertTestNumber(t.db, t.workspaceId, { state: 'unlinked', linked_at: null, phone: null });
    await t.manager.start();
    await t.manager.settled();
    expect(
      t.manager
        .running()
        .map((r) => r.numberId)
        .sort(),
    ).toEqual([run.id, idle.id].sort());
    expect(t.provider.sessions.map((s) => s.starts)).toEqual([1, 1]);
    const leases = await t.db.selectFrom('number_leases').selectAll().execute();
    expect(leases.map((l) => l.holder)).toEqual(['proc-a', 'proc-a']);
  });

  it('writes connected with the phone and records number.connected, publishing number.status', async () => {
    const t = await setup();
    const { row } = await connectedNumber(t);
    const after = await t.numberRow(row.id);
    expect(after).toMatchObject({ state: 'connected', phone: '4915112345678', state_reason: null });
    expect((await t.actions()).map((a) => a.action)).toContain('number.connected');
    expect(t.events.filter((e) => e.type === 'number.status').map((e) => (e.payload as { state: string }).state)).toEqual([
      'connecting',
      'connected',
    ]);
  });
});

describe('number manager: disconnects', () => {
  it('restart_required reconnects at once', async () => {
    const t = await setup();
    const { row, session } = await connectedNumber(t);
    await session.close('restart_required', 515);
    await t.manager.settled();
    expect((await t.numberRow(row.id)).state).toBe('reconnecting');
    expect(t.ft.delays()).toEqual([0]);
    await t.ft.advance(0);
    expect(session.starts).toBe(2);
  });

  it('transient closes back off, growing and capped, and a stable connection resets the count', async () => {
    const t = await setup();
    const { row, session } = await connectedNumber(t);
    const seen: number[] = [];
    for (let i = 0; i < 9; i++) {
      await session.close('transient', 428);
      await t.manager.settled();
      const [delay] = t.ft.delays();
      seen.push(delay!);
      await t.ft.advance(delay!);
      expect(session.starts).toBe(i + 2);
    }
    expect(seen).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect((await t.numberRow(row.id)).state).toBe('reconnecting');
    const disconnected = (await t.actions()).filter((a) => a.action === 'number.disconnected');
    // Logged once when the connection dropped, not on every retry.
    expect(disconnected).toHaveLength(1);
    await session.connect();
    await t.manager.settled();
    await t.ft.advance(61_000);
    await session.close('transient');
    await t.manager.settled();
    expect(t.ft.delays()).toEqual([1000]);
  });

  it('logged_out wipes the keys, marks the number logged out, alerts, and never starts it again', async () => {
    const t = await setup();
    const { row, session } = await connectedNumber(t);
    expect(await t.keyCount(row.id)).toBeGreaterThan(0);
    await session.close('logged_out', 401);
    await t.manager.settled();
    expect(await t.keyCount(row.id)).toBe(0);
    expect(await t.numberRow(row.id)).toMatchObject({ state: 'logged_out', state_reason: 'closed: logged_out' });
    expect((await t.actions()).map((a) => a.action)).toContain('number.logged_out');
    const last = t.events.filter((e) => e.type === 'number.status').at(-1);
    expect(last?.payload).toMatchObject({ numberId: row.id, state: 'logged_out' });
    expect(session.logouts).toBe(1);
    expect(t.manager.running()).toEqual([]);
    await t.ft.advance(5 * 60_000);
    await t.manager.acquireNow();
    expect(t.provider.of(row.id).reduce((n, s) => n + s.starts, 0)).toBe(1);
    expect(await t.db.selectFrom('number_leases').selectAll().execute()).toEqual([]);
  });

  it.each(['replaced', 'forbidden'] as const)('%s marks the number failed and stops without a loop', async (cls) => {
    const t = await setup();
    const { row, session } = await connectedNumber(t);
    await session.close(cls, cls === 'replaced' ? 440 : 403);
    await t.manager.settled();
    expect((await t.numberRow(row.id)).state).toBe('failed');
    expect((await t.actions()).map((a) => a.action)).toContain('number.failed');
    expect(t.ft.count('timeout')).toBe(0);
    await t.ft.advance(5 * 60_000);
    await t.manager.acquireNow();
    expect(t.provider.of(row.id).reduce((n, s) => n + s.starts, 0)).toBe(1);
    expect(session.logouts).toBe(0);
  });
});

describe('number manager: linking', () => {
  it('shows the QR in the state and events (never the activity log), then records number.linked', async () => {
    const t = await setup({ behaviour: { onStart: (s) => s.showQr('QR-ONE') } });
    const row = await insertTestNumber(t.db, t.workspaceId, { state: 'idle', linked_at: null, phone: null });
    const link = await t.manager.link(row.id, { method: 'qr' });
    expect(link).toEqual({ qr: 'QR-ONE', pairingCode: null });
    expect((await t.numberRow(row.id)).state).toBe('waiting_for_scan');
    const status = t.events.filter((e) => e.type === 'number.status').at(-1);
    expect(status?.payload).toMatchObject({ state: 'waiting_for_scan', qr: 'QR-ONE' });
    const session = t.provider.last(row.id)!;
    await session.showQr('QR-TWO');
    await t.manager.settled();
    expect(t.manager.linkInfo(row.id)).toEqual({ qr: 'QR-TWO', pairingCode: null });
    await session.connect('447700900123', { isNewLogin: true });
    await t.manager.settled();
    expect(await t.numberRow(row.id)).toMatchObject({ state: 'connected', phone: '447700900123', linked_at: t.clock.now() });
    // The connected event carries the phone, so a link dialog can say which number it linked at once.
    expect(t.events.filter((e) => e.type === 'number.status').at(-1)?.payload).toMatchObject({
      state: 'connected',
      phone: '+447700900123',
    });
    expect(t.manager.linkInfo(row.id)).toBeNull();
    const log = await t.actions();
    expect(log.map((a) => a.action)).toContain('number.linked');
    expect(JSON.stringify(log)).not.toContain('QR-');
  });

  it('a pairing code flows to the answer and the event', async () => {
    const t = await setup();
    const row = await insertTestNumber(t.db, t.workspaceId, { state: 'idle', linked_at: null, phone: null });
    const link = await t.manager.link(row.id, { method: 'pairing_code', phone: '447700900123' });
    expect(link?.pairingCode).toBe('ABCD1234');
    expect(t.provider.last(row.id)!.pairingRequests).toEqual(['447700900123']);
    expect(t.events.some((e) => e.type === 'number.status' && (e.payload as { pairingCode?: string }).pairingCode === 'ABCD1234')).toBe(
      true,
    );
  });

  it('a QR never scanned ends unlinked, without a new QR loop', async () => {
    const t = await setup({ behaviour: { onStart: (s) => s.showQr() } });
    const row = await insertTestNumber(t.db, t.workspaceId, { state: 'idle', linked_at: null, phone: null });
    await t.manager.link(row.id, { method: 'qr' });
    const session = t.provider.last(row.id)!;
    await session.close('qr_timeout', 408);
    await t.manager.settled();
    expect((await t.numberRow(row.id)).state).toBe('unlinked');
    await t.ft.advance(5 * 60_000);
    await t.manager.acquireNow();
    expect(session.starts).toBe(1);
    expect(t.manager.running()).toEqual([]);
  });

  it('refuses to link a number that is connected', async () => {
    const t = await setup();
    const { row } = await connectedNumber(t);
    await expect(t.manager.link(row.id, { method: 'qr' })).rejects.toMatchObject({ code: 'number_already_linked' });
  });
});

describe('number manager: inbound', () => {
  it('hands live batches to the ingest, and imports history in chunks of 500 in the background', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = await setup({ historyGate: () => gate });
    const { row, session } = await connectedNumber(t);
    await session.emitMessages([textMessage('L1')], { isHistory: false, upsertType: 'notify' });
    expect(t.calls.messages).toHaveLength(1);
    const history = Array.from({ length: 1200 }, (_, i) => textMessage(`H${i}`));
    await session.emitMessages(history, { isHistory: true });
    await session.emitMessages([textMessage('L2')], { isHistory: false, upsertType: 'notify' });
    // The live message got through while the history import is still waiting.
    expect(t.calls.messages.map((c) => c.batch[0]!.providerMessageId)).toEqual(['L1', 'L2']);
    release();
    await t.manager.settled();
    const sizes = t.calls.messages.map((c) => (c.info.isHistory ? c.batch.length : c.batch[0]!.providerMessageId));
    expect(sizes.filter((s) => typeof s === 'number')).toEqual([500, 500, 200]);
    expect(sizes.slice(0, 2)).toEqual(['L1', 'L2']);
    expect(t.calls.messages.every((c) => c.number.id === row.id && c.number.workspaceId === t.workspaceId)).toBe(true);
  });
});

describe('number manager: sending', () => {
  it('sends a queued message once and marks it sent with the provider id', async () => {
    const t = await setup();
    const { row, session } = await connectedNumber(t);
    const queued = t.sends.enqueue({ id: row.id, workspaceId: t.workspaceId }, 'hello');
    t.bus.publish(t.workspaceId, 'message.created', { conversationId: 'c1', messageId: queued.messageId, direction: 'out' });
    await t.ft.advance(0);
    expect(session.sent).toEqual([{ to: '4915100000001', text: 'hello' }]);
    expect(queued).toMatchObject({ status: 'sent', providerMessageId: expect.stringMatching(/^FAKE/) });
    await t.ft.advance(60_000);
    expect(session.sent).toHaveLength(1);
  });

  it('retries a message that met a disconnected number later', async () => {
    let connected = false;
    const t = await setup({
      behaviour: {
        send: async (m, s) => {
          if (!connected) throw new (await import('./provider.js')).ProviderError('not_connected', 'socket closed');
          s.sent.push(m);
          return { providerMessageId: 'WA1', at: new Date() };
        },
      },
    });
    const { row, session } = await connectedNumber(t);
    const queued = t.sends.enqueue({ id: row.id, workspaceId: t.workspaceId }, 'hello');
    await t.ft.advance(5_000);
    expect(queued).toMatchObject({ status: 'queued', error: 'socket closed' });
    expect(queued.nextAttemptAt).toBeGreaterThan(t.clock.now());
    connected = true;
    await t.ft.advance(20_000);
    expect(queued).toMatchObject({ status: 'sent', providerMessageId: 'WA1' });
    expect(session.sent).toHaveLength(1);
  });

  it('a send whose process died mid-way is settled as outcome unknown and not sent again', async () => {
    const t = await setup();
    const row = await insertTestNumber(t.db, t.workspaceId, { state: 'connected' });
    const ref = { id: row.id, workspaceId: t.workspaceId };
    const queued = t.sends.enqueue(ref, 'hello');
    // A dead process claimed it and never settled it.
    await t.sends.queue.claimNext(row.id, 'proc-dead', 60_000);
    await t.clock.advance(61_000);
    await t.manager.start();
    await t.provider.last(row.id)!.connect();
    await t.ft.advance(30_000);
    expect(queued.status).toBe('failed');
    expect(queued.error).toMatch(/outcome unknown/);
    expect(t.provider.last(row.id)!.sent).toEqual([]);
  });
});
