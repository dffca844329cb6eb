import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../contracts/events.js';
import { firstOwner, ownerOfNewWorkspace } from '../../../test/support/factories.js';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { as, expectError } from '../../../test/support/http.js';
import { testDialect } from '../../../test/support/db.js';
import { createInProcessBus } from './bus.js';
import { createPgBridge } from './pg-bridge.js';

interface WsLike {
  on(event: 'message', fn: (data: Buffer) => void): void;
  close(): void;
  terminate(): void;
}

function collect(ws: WsLike) {
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  return frames;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('live events over WebSocket', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it("a member receives their workspace's events and not another's", async () => {
    const owner = await firstOwner(t.app);
    const other = await ownerOfNewWorkspace(t.app, owner);
    let frames: Array<Record<string, unknown>> = [];
    // Listen from the start: the server sends "ready" as soon as the upgrade completes.
    const ws = (await t.app.injectWS(
      `/api/v1/workspaces/${owner.workspaceId}/events`,
      { headers: { cookie: owner.cookie } },
      { onInit: (socket) => void (frames = collect(socket as unknown as WsLike)) },
    )) as unknown as WsLike;
    await until(() => frames.length >= 1);
    expect(frames[0]).toMatchObject({ type: 'ready', workspaceId: owner.workspaceId });
    t.services.bus.publish(other.workspaceId, 'number.updated', { numberId: 'theirs' });
    t.services.bus.publish(owner.workspaceId, 'number.updated', { numberId: 'mine' });
    t.services.bus.publish(owner.workspaceId, 'number.deleted', { numberId: 'mine' });
    await until(() => frames.length >= 3);
    const events = frames.slice(1);
    expect(events.map((f) => [f.type, (f.payload as { numberId: string }).numberId])).toEqual([
      ['number.updated', 'mine'],
      ['number.deleted', 'mine'],
    ]);
    expect((events[1]!.seq as number) - (events[0]!.seq as number)).toBe(1);
    expect(events.every((f) => f.workspaceId === owner.workspaceId)).toBe(true);
    ws.terminate();
  });

  it('refuses anonymous callers (401) and non-members (404) before upgrading; a plain GET gets 426', async () => {
    const owner = await firstOwner(t.app);
    const other = await ownerOfNewWorkspace(t.app, owner);
    const url = `/api/v1/workspaces/${owner.workspaceId}/events`;
    await expect(t.app.injectWS(url)).rejects.toThrow(/401/);
    await expect(t.app.injectWS(url, { headers: { cookie: other.cookie } })).rejects.toThrow(/404/);
    expectError(await as(t.app).get(url), 401, 'unauthenticated');
    expectError(await as(t.app, other.cookie).get(url), 404, 'not_found');
    expectError(await as(t.app, owner.cookie).get(url), 426, 'upgrade_required');
  });
});

describe('PostgreSQL event bridge', () => {
  it.skipIf(testDialect() !== 'postgres')('an event published in one process reaches the other, and never echoes back', async () => {
    const { openTestDatabase } = await import('../../../test/support/db.js');
    const database = await openTestDatabase('postgres');
    const channel = `wasphere_test_${Math.random().toString(36).slice(2, 10)}`;
    const logger = pino({ level: 'silent' });
    const busA = createInProcessBus();
    const busB = createInProcessBus();
    const bridgeA = createPgBridge({ connectionString: database.databaseUrl!, logger, channel });
    const bridgeB = createPgBridge({ connectionString: database.databaseUrl!, logger, channel });
    try {
      await bridgeA.start(busA);
      await bridgeB.start(busB);
      const seenA: DomainEvent[] = [];
      const seenB: DomainEvent[] = [];
      busA.subscribe('*', (e) => seenA.push(e));
      busB.subscribe('ws1', (e) => seenB.push(e));
      busA.publish('ws1', 'number.status', { numberId: 'n1', state: 'connected', reason: null, since: new Date().toISOString() });
      busB.publish('ws1', 'number.updated', { numberId: 'n2' });
      await until(() => seenB.length >= 2 && seenA.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seenB.map((e) => e.type).sort()).toEqual(['number.status', 'number.updated']);
      expect(seenA.map((e) => e.type).sort()).toEqual(['number.status', 'number.updated']);
      expect(seenB.find((e) => e.type === 'number.status')?.payload).toMatchObject({ numberId: 'n1', state: 'connected' });
    } finally {
      await bridgeA.stop();
      await bridgeB.stop();
      await database.destroy();
    }
  });
});
