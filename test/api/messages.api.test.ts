import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/contracts/events.js';
import type { MessageDtoT } from '../../src/contracts/messages.js';
import type { Caller } from '../../src/server/modules/caller.js';
import { firstOwner, memberOf, ownerOfNewWorkspace, type Person } from '../support/factories.js';
import { as, expectError, expectErrorShape } from '../support/http.js';
import { customer, inbound } from '../support/inbound.js';
import { freshAppPerTest } from '../support/lifecycle.js';
import { insertTestNumber } from '../support/numbers.js';

describe('sending messages', () => {
  const t = freshAppPerTest();

  async function setup(country = 'GB') {
    const owner = await firstOwner(t().app);
    const ws = owner.workspaceId;
    expect((await as(t().app, owner.cookie).patch(`/api/v1/workspaces/${ws}`, { country })).statusCode).toBe(200);
    const number = await insertTestNumber(t().database.db, ws);
    const events: DomainEvent[] = [];
    t().services.bus.subscribe(ws, (e) => events.push(e));
    return { owner, ws, number, events, url: `/api/v1/workspaces/${ws}/messages` };
  }

  const callerOf = (p: Person): Caller => ({
    userId: p.me.user.id,
    sessionId: null,
    name: p.me.user.name,
    email: p.email,
    isInstanceAdmin: false,
    ip: null,
  });

  it.each([
    ['a local number in the workspace country', '07700 900123', '447700900123'],
    ['an international number with punctuation', '+1 (415) 555-0100', '14155550100'],
    ['a 00-prefixed international number', '0049 151 12345678', '4915112345678'],
  ])('queues %s, normalised to E.164 digits', async (_what, to, digits) => {
    const { owner, ws, number, events, url } = await setup();
    const response = await as(t().app, owner.cookie).post(url, { numberId: number.id, to, text: 'Hello there' });
    expect(response.statusCode, response.body).toBe(202);
    const message = response.json() as MessageDtoT;
    expect(message).toMatchObject({
      numberId: number.id,
      direction: 'out',
      kind: 'text',
      text: 'Hello there',
      status: 'queued',
      senderUserId: owner.me.user.id,
    });

    const db = t().database.db;
    const contact = await db.selectFrom('contacts').selectAll().where('workspace_id', '=', ws).executeTakeFirstOrThrow();
    expect(contact.phone).toBe(digits);
    const conv = await db.selectFrom('conversations').selectAll().where('id', '=', message.conversationId).executeTakeFirstOrThrow();
    expect(conv).toMatchObject({
      contact_id: contact.id,
      number_id: number.id,
      last_message_direction: 'out',
      last_message_preview: 'Hello there',
    });
    expect(await t().services.sendQueue.pendingCount(number.id)).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['contact.updated', 'message.created', 'conversation.updated']);

    const log = (await as(t().app, owner.cookie).get(`/api/v1/workspaces/${ws}/activity?action=message.sent`)).json() as {
      items: Array<{ actor: { id: string }; target: { id: string; label: string }; details: Record<string, unknown> }>;
    };
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({
      actor: { id: owner.me.user.id },
      target: { id: message.id, label: `+${digits}` },
      details: { numberId: number.id, to: digits },
    });
  });

  it('a second message to the same person continues the same conversation; an agent may send', async () => {
    const { owner, ws, number, url } = await setup();
    const agent = await memberOf(t().app, owner.cookie, ws, 'agent');
    const a = (await as(t().app, owner.cookie).post(url, { numberId: number.id, to: '+447700900123', text: 'one' })).json() as MessageDtoT;
    const b = await as(t().app, agent.cookie).post(url, { numberId: number.id, to: '07700900123', text: 'two' });
    expect(b.statusCode).toBe(202);
    expect((b.json() as MessageDtoT).conversationId).toBe(a.conversationId);
  });

  it('refuses what is not a phone number with 400 invalid_phone', async () => {
    const { owner, number, url } = await setup();
    for (const to of ['12', 'call me', '+999 1234', '0770090012345678901']) {
      const body = expectError(await as(t().app, owner.cookie).post(url, { numberId: number.id, to, text: 'x' }), 400, 'invalid_phone', to);
      expect(body.error.message).toContain('phone number');
    }
    expect(await t().services.sendQueue.pendingCount(number.id)).toBe(0);
  });

  it("answers 404 for another workspace's number or a deleted one, and 404 to non-members", async () => {
    const { owner, ws, number, url } = await setup();
    const stranger = await ownerOfNewWorkspace(t().app, owner);
    const theirs = await insertTestNumber(t().database.db, stranger.workspaceId);
    expectError(await as(t().app, owner.cookie).post(url, { numberId: theirs.id, to: '07700900123', text: 'x' }), 404, 'number_not_found');
    const deleted = await insertTestNumber(t().database.db, ws, { deleted_at: Date.now() });
    expectError(await as(t().app, owner.cookie).post(url, { numberId: deleted.id, to: '07700900123', text: 'x' }), 404, 'number_not_found');
    expectError(await as(t().app, stranger.cookie).post(url, { numberId: number.id, to: '07700900123', text: 'x' }), 404, 'not_found');
    expectError(await as(t().app).post(url, { numberId: number.id, to: '07700900123', text: 'x' }), 401, 'unauthenticated');
  });

  it('refuses numbers that cannot send with 409 number_unavailable, and queues for ones that are only reconnecting', async () => {
    const { owner, ws, url } = await setup();
    const db = t().database.db;
    const cases: Array<[string, Parameters<typeof insertTestNumber>[2], number]> = [
      ['logged out', { state: 'logged_out' }, 409],
      ['failed', { state: 'failed', state_reason: 'connection replaced' }, 409],
      ['never linked', { state: 'idle', linked_at: null, phone: null }, 409],
      ['reconnecting', { state: 'reconnecting' }, 202],
      ['connecting', { state: 'connecting' }, 202],
      ['waiting for a scan', { state: 'waiting_for_scan' }, 202],
    ];
    for (const [what, overrides, status] of cases) {
      const number = await insertTestNumber(db, ws, overrides);
      const response = await as(t().app, owner.cookie).post(url, { numberId: number.id, to: '07700900123', text: 'x' });
      if (status === 409) {
        const body = expectError(response, 409, 'number_unavailable', what);
        expect(body.error.message.length).toBeGreaterThan(20);
      } else {
        expect(response.statusCode, what).toBe(202);
      }
    }
  });

  it('answers 400 (never 500) to bad bodies', async () => {
    const { owner, number, url } = await setup();
    const bodies: unknown[] = [
      undefined,
      {},
      { numberId: number.id, to: '07700900123' },
      { numberId: number.id, to: '07700900123', text: '' },
      { numberId: number.id, to: '07700900123', text: '   ' },
      { numberId: number.id, to: '07700900123', text: 'x'.repeat(4097) },
      { numberId: number.id, to: '', text: 'x' },
      { numberId: number.id, to: { digits: '07700900123' }, text: 'x' },
      { numberId: null, to: '07700900123', text: 'x' },
      { numberId: number.id, to: '07700900123', text: 'x', admin: true },
      { numberId: number.id, to: '07700900123', text: 'x', quotedMessageId: 'nope' },
      { numberId: number.id, to: '07700900123', text: 'x', media: { url: 'http://example.com/a.jpg' } },
      ['not', 'an', 'object'],
    ];
    for (const payload of bodies) {
      const response = await as(t().app, owner.cookie).post(url, payload);
      expectErrorShape(response, JSON.stringify(payload));
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(await t().services.sendQueue.pendingCount(number.id)).toBe(0);
    // The API coerces scalar types (42 → "42"): whatever comes of it, it is never a server error.
    for (const payload of [
      { numberId: 5, to: '07700900123', text: 'x' },
      { numberId: number.id, to: 7700900123, text: 42 },
    ]) {
      expect((await as(t().app, owner.cookie).post(url, payload)).statusCode).toBeLessThan(500);
    }
  });

  it('replies inside a conversation, quoting a customer message', async () => {
    const { owner, ws, number } = await setup();
    const ref = { id: number.id, workspaceId: ws };
    const question = inbound({ chat: customer('447700900123'), text: 'where is my order?' });
    await t().services.ingest.messages(ref, [question], { isHistory: false });
    const conv = await t().database.db.selectFrom('conversations').selectAll().where('workspace_id', '=', ws).executeTakeFirstOrThrow();
    expect(conv.waiting_since).not.toBeNull();
    const stored = await t()
      .database.db.selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conv.id)
      .executeTakeFirstOrThrow();

    const reply = await t().services.messaging.enqueueReply(callerOf(owner), ws, conv.id, {
      text: 'On its way',
      quotedMessageId: stored.id,
    });
    expect(reply).toMatchObject({
      conversationId: conv.id,
      status: 'queued',
      quoted: { providerMessageId: question.providerMessageId, text: 'where is my order?' },
    });
    const after = await t().database.db.selectFrom('conversations').selectAll().where('id', '=', conv.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ waiting_since: null, last_message_direction: 'out' });

    const claimed = await t().services.sendQueue.claimNext(number.id, 'test-worker', 30_000);
    expect(claimed).toMatchObject({
      to: '447700900123',
      text: 'On its way',
      quoted: { providerMessageId: question.providerMessageId, fromMe: false },
    });

    const stranger = await ownerOfNewWorkspace(t().app, owner);
    await expect(t().services.messaging.enqueueReply(callerOf(stranger), ws, conv.id, { text: 'x' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(t().services.messaging.enqueueReply(callerOf(owner), ws, 'missing', { text: 'x' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('media downloads', () => {
  const t = freshAppPerTest();

  it('serves a stored file to members with its type, a safe name and nosniff; 404 across workspaces', async () => {
    const owner = await firstOwner(t().app);
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    const stranger = await ownerOfNewWorkspace(t().app, owner);
    const store = t().services.mediaStore;
    const pdf = await store.save(owner.workspaceId, Buffer.from('%PDF-1.4 fake'), {
      mimetype: 'application/pdf',
      fileName: 'inv"oice\r\n 2026.pdf',
    });
    const url = `/api/v1/workspaces/${owner.workspaceId}/media/${pdf.id}`;

    const response = await as(t().app, agent.cookie).get(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const disposition = String(response.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="[^"\r\n]+"; filename\*=UTF-8''/);
    expect(disposition).not.toMatch(/[\r\n]/);
    expect(response.body).toBe('%PDF-1.4 fake');

    const image = await store.save(owner.workspaceId, Buffer.from('jpeg'), { mimetype: 'image/jpeg', fileName: null });
    const inline = await as(t().app, owner.cookie).get(`/api/v1/workspaces/${owner.workspaceId}/media/${image.id}`);
    expect(inline.headers['content-disposition']).toMatch(/^inline;/);

    const html = await store.save(owner.workspaceId, Buffer.from('<script>alert(1)</script>'), {
      mimetype: 'text/html',
      fileName: 'x.html',
    });
    const active = await as(t().app, owner.cookie).get(`/api/v1/workspaces/${owner.workspaceId}/media/${html.id}`);
    expect(active.headers['content-type']).toBe('application/octet-stream');
    expect(active.headers['content-disposition']).toMatch(/^attachment;/);

    expectError(await as(t().app, stranger.cookie).get(url), 404, 'not_found');
    expectError(await as(t().app, stranger.cookie).get(`/api/v1/workspaces/${stranger.workspaceId}/media/${pdf.id}`), 404, 'not_found');
    expectError(await as(t().app).get(url), 401, 'unauthenticated');
    expectError(await as(t().app, owner.cookie).get(`/api/v1/workspaces/${owner.workspaceId}/media/nothing`), 404, 'not_found');
  });
});
