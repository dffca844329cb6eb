import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/contracts/events.js';
import type { InboxConversationDtoT } from '../../src/contracts/inbox.js';
import type { WorkspaceDtoT } from '../../src/contracts/workspaces.js';
import { createPgBridge } from '../../src/server/realtime/pg-bridge.js';
import { testDialect } from '../support/db.js';
import { firstOwner, memberOf, ownerOfNewWorkspace } from '../support/factories.js';
import { as, errorFields, expectError } from '../support/http.js';
import { customer, inbound } from '../support/inbound.js';
import { createWhatsAppTestApp } from '../support/numbers-app.js';

type App = Awaited<ReturnType<typeof createWhatsAppTestApp>>;

/** Waits on a condition (the send worker and relay run in the background); generous for a loaded machine. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Sends one after another without the production gap, so the test waits on outcomes, not pacing.
const FAST_SENDS = { gapCapMs: 20 };
// Each test builds the app, signs people up and links a number: generous on a loaded machine.
const SLOW = 120_000;

const CUSTOMER = '447700900501';
const OTHER_CUSTOMER = '447700900502';

/** An owner, an agent and a number linked and connected in this app (its fake session stands in for WhatsApp). */
async function connectedNumber(t: App) {
  const owner = await firstOwner(t.app, 'Olive Owner');
  const ws = owner.workspaceId;
  const agent = await memberOf(t.app, owner.cookie, ws, 'agent', 'Aggie Agent');
  const o = as(t.app, owner.cookie);
  const a = as(t.app, agent.cookie);
  const base = `/api/v1/workspaces/${ws}`;
  const numberId = (await o.post(`${base}/numbers`, { name: 'Sales' })).json().id as string;
  expect((await o.post(`${base}/numbers/${numberId}/link`, { method: 'qr' })).statusCode).toBe(200);
  const session = t.provider.last(numberId)!;
  await session.connect('447700900999', { isNewLogin: true });
  await t.services.numberManager.settled();
  const ref = { id: numberId, workspaceId: ws };
  const ingest = (texts: string[], phone = CUSTOMER) => {
    const batch = texts.map((text) => inbound({ chat: customer(phone), text }));
    return t.services.ingest
      .messages(ref, batch, { isHistory: false, upsertType: 'notify' })
      .then(() => batch.map((m) => m.providerMessageId));
  };
  const conversationOf = async (phone = CUSTOMER): Promise<InboxConversationDtoT> => {
    const page = (await o.get(`${base}/conversations?limit=200`)).json() as { items: InboxConversationDtoT[] };
    const found = page.items.find((c) => c.contact.phone === phone);
    if (!found) throw new Error(`no conversation with ${phone}`);
    return found;
  };
  const statuses = async (ids: string[]) =>
    (
      await t.database.db
        .selectFrom('messages')
        .select(['provider_message_id', 'status'])
        .where('workspace_id', '=', ws)
        .where('provider_message_id', 'in', ids)
        .execute()
    ).map((r) => r.status);
  return { owner, agent, ws, o, a, base, numberId, session, ref, ingest, conversationOf, statuses };
}

describe('inbox settings: typing to the customer and mark read on reply', { timeout: SLOW }, () => {
  let t: App;
  beforeEach(async () => {
    t = await createWhatsAppTestApp({ send: FAST_SENDS });
  });
  afterEach(async () => {
    await t.close();
  });

  it('both are on by default; admins change them (logged), agents only read them; bad values are 400', async () => {
    const owner = await firstOwner(t.app, 'Olive Owner');
    const ws = owner.workspaceId;
    const agent = await memberOf(t.app, owner.cookie, ws, 'agent');
    const admin = await memberOf(t.app, owner.cookie, ws, 'admin');
    const url = `/api/v1/workspaces/${ws}`;
    const read = (await as(t.app, agent.cookie).get(url)).json() as WorkspaceDtoT;
    expect(read).toMatchObject({ typingToCustomer: true, markReadOnReply: true });

    expectError(await as(t.app, agent.cookie).patch(url, { markReadOnReply: false }), 403, 'forbidden');
    const changed = await as(t.app, admin.cookie).patch(url, { markReadOnReply: false, typingToCustomer: false });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ typingToCustomer: false, markReadOnReply: false });
    expect((await as(t.app, agent.cookie).get(url)).json()).toMatchObject({ typingToCustomer: false, markReadOnReply: false });
    expect(errorFields(await as(t.app, owner.cookie).patch(url, { markReadOnReply: 'yes' }))).toHaveProperty('markReadOnReply');

    const log = (await as(t.app, owner.cookie).get(`${url}/activity?action=workspace.updated`)).json();
    expect(log.items[0]).toMatchObject({
      action: 'workspace.updated',
      details: { changes: { mark_read_on_reply: { from: 1, to: 0 }, typing_to_customer: { from: 1, to: 0 } } },
    });
    // Saving the same value again changes nothing and logs nothing.
    await as(t.app, admin.cookie).patch(url, { markReadOnReply: false });
    expect((await as(t.app, owner.cookie).get(`${url}/activity?action=workspace.updated`)).json().items).toHaveLength(1);
  });

  it("a reply marks exactly the customer's unread messages read on WhatsApp, once; not when the setting is off", async () => {
    const s = await connectedNumber(t);
    const first = await s.ingest(['hi', 'are you there?', 'I need help']);
    const others = await s.ingest(['another customer'], OTHER_CUSTOMER);
    const conversation = await s.conversationOf();

    const reply = await s.a.post(`${s.base}/conversations/${conversation.id}/messages`, { text: 'Hello! How can I help?' });
    expect(reply.statusCode, reply.body).toBe(202);
    await until(() => s.session.reads.length === 1, 'the read receipts');
    expect(s.session.sent).toHaveLength(1);
    expect(s.session.reads[0]!.map((r) => r.providerMessageId).sort()).toEqual([...first].sort());
    expect(s.session.reads[0]!.every((r) => r.chat.phone === CUSTOMER)).toBe(true);
    await until(async () => (await s.statuses(first)).every((x) => x === 'read'), 'inbound rows marked read');
    expect(await s.statuses(others)).toEqual(['received']);

    // A second reply with nothing new to read sends no receipts.
    await s.a.post(`${s.base}/conversations/${conversation.id}/messages`, { text: 'Still here' });
    await until(() => s.session.sent.length === 2, 'the second send');
    await t.services.numberManager.settled();
    expect(s.session.reads).toHaveLength(1);

    // A new customer message is read by the next reply, alone.
    const later = await s.ingest(['my order is 42']);
    await s.o.post(`${s.base}/conversations/${conversation.id}/messages`, { text: 'Looking at order 42' });
    await until(() => s.session.reads.length === 2, 'the second receipts');
    expect(s.session.reads[1]!.map((r) => r.providerMessageId)).toEqual(later);

    // Off: the reply goes out, nothing is marked read.
    expect((await s.o.patch(s.base, { markReadOnReply: false })).statusCode).toBe(200);
    const unread = await s.ingest(['thanks']);
    await s.a.post(`${s.base}/conversations/${conversation.id}/messages`, { text: 'You are welcome' });
    await until(() => s.session.sent.length === 4, 'the fourth send');
    await t.services.numberManager.settled();
    expect(s.session.reads).toHaveLength(2);
    expect(await s.statuses(unread)).toEqual(['received']);
  });

  it('an automated answer (opt-out confirmation) marks nothing read: only a person replying does', async () => {
    const s = await connectedNumber(t);
    const stop = await s.ingest(['STOP']);
    await until(() => s.session.sent.length === 1, 'the opt-out confirmation');
    await t.services.numberManager.settled();
    expect(s.session.reads).toEqual([]);
    expect(await s.statuses(stop)).toEqual(['received']);
  });

  it('a failing read receipt never blocks the reply', async () => {
    const s = await connectedNumber(t);
    s.session.markRead = async () => {
      throw new Error('WhatsApp refused the receipt');
    };
    const unread = await s.ingest(['hello?']);
    const conversation = await s.conversationOf();
    const reply = (await s.a.post(`${s.base}/conversations/${conversation.id}/messages`, { text: 'Hi!' })).json();
    await until(async () => {
      const row = await t.database.db.selectFrom('messages').select('status').where('id', '=', reply.id).executeTakeFirst();
      return row?.status === 'sent';
    }, 'the reply to be sent');
    expect(s.session.sent).toHaveLength(1);
    expect(await s.statuses(unread)).toEqual(['received']);
  });
});

describe('typing indicators', { timeout: SLOW }, () => {
  let t: App;
  beforeEach(async () => {
    t = await createWhatsAppTestApp({ send: FAST_SENDS });
  });
  afterEach(async () => {
    await t.close();
  });

  it("a teammate's typing reaches the workspace, and the customer sees typing… for replies, never for notes", async () => {
    const s = await connectedNumber(t);
    await s.ingest(['hello']);
    const conversation = await s.conversationOf();
    const events: DomainEvent[] = [];
    t.services.bus.subscribe(s.ws, (e) => events.push(e));
    const url = `${s.base}/conversations/${conversation.id}/typing`;

    expect((await s.a.post(url, { state: 'typing', mode: 'reply' })).statusCode).toBe(204);
    const typing = events.filter((e) => e.type === 'conversation.typing');
    expect(typing.map((e) => e.payload)).toEqual([
      {
        conversationId: conversation.id,
        by: 'agent',
        userId: s.agent.me.user.id,
        name: 'Aggie Agent',
        state: 'typing',
        expiresInMs: expect.any(Number),
      },
    ]);
    await t.services.presenceRelay.idle();
    expect(s.session.presences).toEqual([
      { to: CUSTOMER, presence: 'subscribe' },
      { to: CUSTOMER, presence: 'typing' },
    ]);
    // Repeats are throttled; stopping pauses the customer's "typing…".
    await s.a.post(url, { state: 'typing', mode: 'reply' });
    await s.a.post(url, { state: 'stopped', mode: 'reply' });
    await t.services.presenceRelay.idle();
    expect(s.session.presences.map((p) => p.presence)).toEqual(['subscribe', 'typing', 'paused']);
    expect(events.filter((e) => e.type === 'conversation.typing').map((e) => (e.payload as { state: string }).state)).toEqual([
      'typing',
      'stopped',
    ]);

    // A private note: teammates see it, the customer never does.
    s.session.presences.length = 0;
    await s.o.post(url, { state: 'typing', mode: 'note' });
    await t.services.presenceRelay.idle();
    expect(events.filter((e) => e.type === 'conversation.typing').at(-1)!.payload).toMatchObject({ by: 'agent', name: 'Olive Owner' });
    expect(s.session.presences).toEqual([]);

    // With the setting off, replies do not signal the customer either.
    await s.o.patch(s.base, { typingToCustomer: false });
    await s.a.post(url, { state: 'stopped', mode: 'reply' });
    await s.a.post(url, { state: 'typing', mode: 'reply' });
    await t.services.presenceRelay.idle();
    expect(s.session.presences).toEqual([]);
  });

  it('checks input and membership: bad state 400, another workspace 404, anonymous 401', async () => {
    const s = await connectedNumber(t);
    await s.ingest(['hello']);
    const conversation = await s.conversationOf();
    const other = await ownerOfNewWorkspace(t.app, s.owner);
    const url = `${s.base}/conversations/${conversation.id}/typing`;
    expect(errorFields(await s.a.post(url, { state: 'dancing' }))).toHaveProperty('state');
    expect(errorFields(await s.a.post(url, { state: 'typing', extra: 1 }))).toBeDefined();
    expectError(await as(t.app).post(url, { state: 'typing' }), 401, 'unauthenticated');
    expectError(await as(t.app, other.cookie).post(url, { state: 'typing' }), 404, 'not_found');
    // A conversation id of another workspace, asked under the caller's own workspace.
    expectError(
      await as(t.app, other.cookie).post(`/api/v1/workspaces/${other.workspaceId}/conversations/${conversation.id}/typing`, {
        state: 'typing',
      }),
      404,
      'not_found',
    );
  });

  it("the customer's typing on WhatsApp reaches the conversation's viewers, once per change", async () => {
    const s = await connectedNumber(t);
    await s.ingest(['hello']);
    const conversation = await s.conversationOf();
    const events: DomainEvent[] = [];
    t.services.bus.subscribe(s.ws, (e) => events.push(e));
    await s.session.emitPresence({ chat: customer(CUSTOMER), presence: 'typing' });
    await s.session.emitPresence({ chat: customer(CUSTOMER), presence: 'available' });
    await s.session.emitPresence({ chat: customer(CUSTOMER), presence: 'unavailable' });
    // Someone we have no conversation with: nothing to show.
    await s.session.emitPresence({ chat: customer('447700900777'), presence: 'typing' });
    await t.services.numberManager.settled();
    const typing = events.filter((e) => e.type === 'conversation.typing').map((e) => e.payload);
    expect(typing).toEqual([
      { conversationId: conversation.id, by: 'customer', userId: null, name: null, state: 'typing', expiresInMs: expect.any(Number) },
      { conversationId: conversation.id, by: 'customer', userId: null, name: null, state: 'stopped', expiresInMs: expect.any(Number) },
    ]);
  });
});

interface WsLike {
  on(event: 'message', fn: (data: Buffer) => void): void;
  terminate(): void;
}

/** A dashboard's WebSocket on an app, collecting frames from the first one. */
async function openEvents(app: App['app'], workspaceId: string, cookie: string) {
  let frames: Array<Record<string, unknown>> = [];
  const ws = (await app.injectWS(
    `/api/v1/workspaces/${workspaceId}/events`,
    { headers: { cookie } },
    {
      onInit: (socket) => {
        const list: Array<Record<string, unknown>> = [];
        (socket as unknown as WsLike).on('message', (data) => list.push(JSON.parse(String(data)) as Record<string, unknown>));
        frames = list;
      },
    },
  )) as unknown as WsLike;
  await until(() => frames.length >= 1, 'the ready frame');
  return { ws, frames: () => frames, typing: () => frames.filter((f) => f.type === 'conversation.typing') };
}

describe('typing over the live events socket', { timeout: SLOW }, () => {
  let t: App;
  beforeEach(async () => {
    t = await createWhatsAppTestApp({ send: FAST_SENDS });
  });
  afterEach(async () => {
    await t.close();
  });

  it("reaches a teammate's dashboard in the same workspace, never another workspace's, and never carries server-only requests", async () => {
    const s = await connectedNumber(t);
    await s.ingest(['hello']);
    const conversation = await s.conversationOf();
    const other = await ownerOfNewWorkspace(t.app, s.owner);
    const teammate = await openEvents(t.app, s.ws, s.owner.cookie);
    const stranger = await openEvents(t.app, other.workspaceId, other.cookie);
    await s.a.post(`${s.base}/conversations/${conversation.id}/typing`, { state: 'typing', mode: 'reply' });
    await until(() => teammate.typing().length === 1, 'the typing frame');
    expect(teammate.typing()[0]).toMatchObject({
      type: 'conversation.typing',
      workspaceId: s.ws,
      payload: { conversationId: conversation.id, by: 'agent', name: 'Aggie Agent', state: 'typing' },
    });
    // A later event proves the stranger's socket was live and got nothing of ours.
    t.services.bus.publish(other.workspaceId, 'number.updated', { numberId: 'theirs' });
    await until(() => stranger.frames().length >= 2, 'the stranger event');
    expect(stranger.frames().map((f) => f.type)).toEqual(['ready', 'number.updated']);
    expect(teammate.frames().some((f) => f.type === 'presence.request')).toBe(false);
    teammate.ws.terminate();
    stranger.ws.terminate();
  });
});

describe('typing across two server processes on PostgreSQL', { timeout: SLOW }, () => {
  it.skipIf(testDialect() !== 'postgres')(
    'typing in process B reaches a dashboard on process A, and the customer through A, which holds the number',
    async () => {
      const a = await createWhatsAppTestApp({ holderId: 'process-a', send: FAST_SENDS });
      const b = await createWhatsAppTestApp({ database: a.database, holderId: 'process-b', send: FAST_SENDS });
      const channel = `wasphere_test_${Math.random().toString(36).slice(2, 10)}`;
      const logger = pino({ level: 'silent' });
      const bridgeA = createPgBridge({ connectionString: a.database.databaseUrl!, logger, channel });
      const bridgeB = createPgBridge({ connectionString: a.database.databaseUrl!, logger, channel });
      try {
        await bridgeA.start(a.services.bus);
        await bridgeB.start(b.services.bus);
        const s = await connectedNumber(a);
        await s.ingest(['hello']);
        const conversation = await s.conversationOf();
        const dashboardOnA = await openEvents(a.app, s.ws, s.owner.cookie);

        const onB = as(b.app, s.agent.cookie);
        expect((await onB.post(`${s.base}/conversations/${conversation.id}/typing`, { state: 'typing', mode: 'reply' })).statusCode).toBe(
          204,
        );
        await until(() => dashboardOnA.typing().length === 1, 'the typing frame on A');
        expect(dashboardOnA.typing()[0]).toMatchObject({ payload: { by: 'agent', name: 'Aggie Agent', state: 'typing' } });
        await until(() => s.session.presences.some((p) => p.presence === 'typing'), "the customer's typing… sent by A");
        expect(b.provider.of(s.numberId)).toEqual([]);
        dashboardOnA.ws.terminate();
      } finally {
        await bridgeA.stop();
        await bridgeB.stop();
        await b.close();
        await a.close();
      }
    },
  );
});
