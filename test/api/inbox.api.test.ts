import { describe, expect, it } from 'vitest';
import type { PageOf } from '../../src/contracts/common.js';
import type { DomainEvent } from '../../src/contracts/events.js';
import type {
  CannedReplyDtoT,
  ConversationDetailDtoT,
  InboxConversationDtoT,
  InboxMessageDtoT,
  LabelDtoT,
  MessagePageT,
  NoteDtoT,
} from '../../src/contracts/inbox.js';
import { OUTCOME_UNKNOWN_ERROR } from '../../src/server/modules/inbox/send-queue.js';
import type { InboundMessage } from '../../src/server/whatsapp/provider.js';
import { firstOwner, memberOf, ownerOfNewWorkspace, type Person } from '../support/factories.js';
import { as, errorFields, expectError } from '../support/http.js';
import { customer, inbound, mediaInfo } from '../support/inbound.js';
import { freshAppPerTest } from '../support/lifecycle.js';
import { insertTestNumber } from '../support/numbers.js';

const T0 = Date.parse('2026-06-01T08:00:00Z');

describe('team inbox', () => {
  const t = freshAppPerTest();

  async function setup() {
    const owner = await firstOwner(t().app, 'Olive Owner');
    const ws = owner.workspaceId;
    const agent = await memberOf(t().app, owner.cookie, ws, 'agent', 'Aggie Agent');
    const number = await insertTestNumber(t().database.db, ws, { name: 'Sales line' });
    const number2 = await insertTestNumber(t().database.db, ws, { name: 'Support line', phone: '447700900002' });
    const events: DomainEvent[] = [];
    t().services.bus.subscribe(ws, (e) => events.push(e));
    const base = `/api/v1/workspaces/${ws}`;
    const ingest = (messages: InboundMessage[], numberId = number.id) =>
      t().services.ingest.messages({ id: numberId, workspaceId: ws }, messages, { isHistory: false, upsertType: 'notify' });
    return { owner, agent, ws, number, number2, events, base, ingest, o: as(t().app, owner.cookie), a: as(t().app, agent.cookie) };
  }

  async function conversations(client: ReturnType<typeof as>, url: string): Promise<PageOf<InboxConversationDtoT>> {
    const r = await client.get(url);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  }

  async function conversationOf(s: Awaited<ReturnType<typeof setup>>, phone: string): Promise<InboxConversationDtoT> {
    const page = await conversations(s.o, `${s.base}/conversations?limit=200`);
    const found = page.items.find((c) => c.contact.phone === phone);
    if (!found) throw new Error(`no conversation with ${phone}`);
    return found;
  }

  async function label(s: Awaited<ReturnType<typeof setup>>, name: string, color = 'red'): Promise<LabelDtoT> {
    const r = await s.o.post(`${s.base}/labels`, { name, color });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  }

  it('lists conversations newest first with filters and cursor pages', async () => {
    const s = await setup();
    const phones = ['447700900101', '447700900102', '447700900103', '447700900104', '447700900105'];
    await s.ingest(
      phones.map((p, i) => inbound({ chat: customer(p), timestamp: T0 + i * 60_000, text: `hello from ${i}`, pushName: `Customer ${i}` })),
    );
    await s.ingest([inbound({ chat: customer('447700900106'), timestamp: T0 + 10 * 60_000, text: 'other line' })], s.number2.id);

    const all = await conversations(s.o, `${s.base}/conversations`);
    expect(all.items.map((c) => c.contact.phone)).toEqual(['447700900106', ...[...phones].reverse()]);
    expect(all.items[1]).toMatchObject({
      contact: { name: 'Customer 4', phone: '447700900105', optedOut: false },
      number: { id: s.number.id, name: 'Sales line' },
      status: 'open',
      assignee: null,
      labels: [],
      unreadCount: 1,
      lastMessage: { preview: 'hello from 4', direction: 'in', at: new Date(T0 + 4 * 60_000).toISOString() },
      waitingSince: new Date(T0 + 4 * 60_000).toISOString(),
    });

    // Pages of two walk the same order without gaps or repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: PageOf<InboxConversationDtoT> = await conversations(
        s.o,
        `${s.base}/conversations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((c) => c.id));
    expect(errorFields(await s.o.get(`${s.base}/conversations?cursor=not-a-cursor`))).toHaveProperty('cursor');
    expectError(await s.o.get(`${s.base}/conversations?limit=201`), 400, 'validation_failed');
    expectError(await s.o.get(`${s.base}/conversations?status=closed`), 400, 'validation_failed');

    const [c0, c1, c2] = [all.items[5]!, all.items[4]!, all.items[3]!];
    const vip = await label(s, 'VIP');
    expect((await s.o.patch(`${s.base}/conversations/${c0.id}`, { assigneeId: s.agent.me.user.id })).statusCode).toBe(200);
    expect((await s.a.patch(`${s.base}/conversations/${c1.id}`, { assigneeId: s.agent.me.user.id, status: 'pending' })).statusCode).toBe(
      200,
    );
    expect((await s.o.patch(`${s.base}/conversations/${c2.id}`, { status: 'resolved', labelIds: [vip.id] })).statusCode).toBe(200);
    await s.o.post(`${s.base}/conversations/${all.items[2]!.id}/messages`, { text: 'We are on it' });

    const ids = async (client: ReturnType<typeof as>, query: string) =>
      (await conversations(client, `${s.base}/conversations?${query}`)).items.map((c) => c.id).sort();
    const sorted = (...list: InboxConversationDtoT[]) => list.map((c) => c.id).sort();
    expect(await ids(s.a, 'assignee=me')).toEqual(sorted(c0, c1));
    expect(await ids(s.o, 'assignee=me')).toEqual([]);
    expect(await ids(s.o, `assignee=${s.agent.me.user.id}`)).toEqual(sorted(c0, c1));
    expect(await ids(s.o, 'assignee=unassigned')).toHaveLength(4);
    expect(await ids(s.o, 'status=pending')).toEqual(sorted(c1));
    expect(await ids(s.o, 'status=resolved')).toEqual(sorted(c2));
    expect(await ids(s.o, 'status=open')).toHaveLength(4);
    expect(await ids(s.o, `labelId=${vip.id}`)).toEqual(sorted(c2));
    // A label's list pages newest first like the others (its page is chosen before the joins).
    await s.o.patch(`${s.base}/conversations/${c0.id}`, { labelIds: [vip.id] });
    await s.o.patch(`${s.base}/conversations/${c1.id}`, { labelIds: [vip.id] });
    const firstVip = await conversations(s.o, `${s.base}/conversations?labelId=${vip.id}&limit=2`);
    expect(firstVip.items.map((c) => c.id)).toEqual([c2.id, c1.id]);
    expect(firstVip.items[0]).toMatchObject({ contact: { phone: c2.contact.phone }, labels: [{ id: vip.id }] });
    const nextVip = await conversations(
      s.o,
      `${s.base}/conversations?labelId=${vip.id}&limit=2&cursor=${encodeURIComponent(firstVip.nextCursor!)}`,
    );
    expect(nextVip).toMatchObject({ items: [{ id: c0.id }], nextCursor: null });
    await s.o.patch(`${s.base}/conversations/${c0.id}`, { labelIds: [] });
    await s.o.patch(`${s.base}/conversations/${c1.id}`, { labelIds: [] });
    expect(await ids(s.o, `numberId=${s.number2.id}`)).toEqual(sorted(all.items[0]!));
    // The reply answered one customer: five are still waiting.
    expect(await ids(s.o, 'waiting=true')).toHaveLength(5);
    expect(await ids(s.o, 'waiting=true&status=open&assignee=unassigned')).toHaveLength(2);
  });

  it('patches status, assignee, labels and read state, logs each change and publishes after commit', async () => {
    const s = await setup();
    await s.ingest([inbound({ chat: customer('447700900201'), pushName: 'Pat' }), inbound({ chat: customer('447700900201') })]);
    const conv = await conversationOf(s, '447700900201');
    expect(conv.unreadCount).toBe(2);
    const [vip, late] = [await label(s, 'VIP'), await label(s, 'Late delivery', 'orange')];
    s.events.length = 0;

    const r = await s.o.patch(`${s.base}/conversations/${conv.id}`, {
      status: 'pending',
      assigneeId: s.agent.me.user.id,
      labelIds: [vip.id, late.id],
      read: true,
    });
    expect(r.statusCode, r.body).toBe(200);
    const detail = r.json() as ConversationDetailDtoT;
    expect(detail).toMatchObject({
      status: 'pending',
      assignee: { id: s.agent.me.user.id, name: 'Aggie Agent' },
      unreadCount: 0,
      otherConversations: [],
    });
    expect(detail.labels.map((l) => l.name)).toEqual(['Late delivery', 'VIP']);
    expect(s.events.filter((e) => e.type === 'conversation.updated')).toEqual([
      expect.objectContaining({ payload: { conversationId: conv.id } }),
    ]);

    const unread = await s.o.patch(`${s.base}/conversations/${conv.id}`, { read: false, labelIds: [late.id] });
    expect(unread.json()).toMatchObject({ unreadCount: 1, labels: [{ id: late.id, name: 'Late delivery', color: 'orange' }] });

    const log = (await s.o.get(`${s.base}/activity?limit=200`)).json() as PageOf<{ action: string; details: Record<string, unknown> }>;
    const actions = log.items.map((e) => e.action);
    expect(actions).toContain('conversation.status_changed');
    expect(actions).toContain('conversation.assigned');
    expect(actions.filter((a) => a === 'conversation.labels_changed')).toHaveLength(2);
    expect(log.items.find((e) => e.action === 'conversation.status_changed')?.details).toEqual({ from: 'open', to: 'pending' });
    expect(log.items.find((e) => e.action === 'conversation.labels_changed')?.details).toEqual({ added: [], removed: ['VIP'] });

    // Nothing to change: no event.
    s.events.length = 0;
    expect((await s.o.patch(`${s.base}/conversations/${conv.id}`, { status: 'pending' })).statusCode).toBe(200);
    expect(s.events).toEqual([]);

    // Bad input is a 4xx.
    expect(
      errorFields(await s.o.patch(`${s.base}/conversations/${conv.id}`, { assigneeId: 'notamember00000000000000000' })),
    ).toHaveProperty('assigneeId');
    expect(errorFields(await s.o.patch(`${s.base}/conversations/${conv.id}`, { labelIds: ['nolabel000000000000000000'] }))).toHaveProperty(
      'labelIds',
    );
    expectError(await s.o.patch(`${s.base}/conversations/${conv.id}`, {}), 400, 'validation_failed');
    expectError(await s.o.patch(`${s.base}/conversations/${conv.id}`, { status: 'snoozed' }), 400, 'validation_failed');
  });

  it('lets agents take unassigned conversations and hand back their own, and admins assign anyone', async () => {
    const s = await setup();
    const other = await memberOf(t().app, s.owner.cookie, s.ws, 'agent', 'Otto Agent');
    await s.ingest([inbound({ chat: customer('447700900301') })]);
    const conv = await conversationOf(s, '447700900301');
    const url = `${s.base}/conversations/${conv.id}`;
    const me = s.agent.me.user.id;

    expectError(await s.a.patch(url, { assigneeId: other.me.user.id }), 403, 'forbidden');
    expect((await s.a.patch(url, { assigneeId: me })).statusCode).toBe(200);
    // Otto cannot take it from Aggie, nor unassign her.
    const otto = as(t().app, other.cookie);
    expectError(await otto.patch(url, { assigneeId: other.me.user.id }), 403, 'forbidden');
    expectError(await otto.patch(url, { assigneeId: null }), 403, 'forbidden');
    expect((await s.a.patch(url, { assigneeId: null })).json()).toMatchObject({ assignee: null });
    expect((await s.o.patch(url, { assigneeId: other.me.user.id })).json()).toMatchObject({ assignee: { name: 'Otto Agent' } });
    // Status, labels and read state are everyone's work.
    expect((await s.a.patch(url, { status: 'resolved', read: true })).statusCode).toBe(200);
  });

  it('reopens a resolved conversation when the customer writes again (through the ingest)', async () => {
    const s = await setup();
    await s.ingest([inbound({ chat: customer('447700900401'), timestamp: T0 })]);
    const conv = await conversationOf(s, '447700900401');
    await s.o.patch(`${s.base}/conversations/${conv.id}`, { status: 'resolved', read: true });
    expect((await s.o.get(`${s.base}/conversations/${conv.id}`)).json()).toMatchObject({ status: 'resolved', unreadCount: 0 });

    await s.ingest([inbound({ chat: customer('447700900401'), timestamp: T0 + 60_000, text: 'one more thing' })]);
    expect((await s.o.get(`${s.base}/conversations/${conv.id}`)).json()).toMatchObject({
      status: 'open',
      unreadCount: 1,
      lastMessage: { preview: 'one more thing', direction: 'in' },
    });
    expect(await conversations(s.o, `${s.base}/conversations?status=open`)).toMatchObject({ items: [{ id: conv.id }] });
  });

  it('keeps private notes in the dashboard: they never become messages', async () => {
    const s = await setup();
    await s.ingest([inbound({ chat: customer('447700900501') })]);
    const conv = await conversationOf(s, '447700900501');
    const before = await t().database.db.selectFrom('messages').select('id').where('workspace_id', '=', s.ws).execute();
    s.events.length = 0;

    const r = await s.a.post(`${s.base}/conversations/${conv.id}/notes`, { text: 'Customer is a reseller, <b>check</b> pricing' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ text: 'Customer is a reseller, <b>check</b> pricing', author: { name: 'Aggie Agent' } });
    await s.o.post(`${s.base}/conversations/${conv.id}/notes`, { text: 'Second note' });

    const after = await t().database.db.selectFrom('messages').select('id').where('workspace_id', '=', s.ws).execute();
    expect(after).toEqual(before);
    expect(s.events.some((e) => e.type === 'message.created')).toBe(false);
    const notes = (await s.a.get(`${s.base}/conversations/${conv.id}/notes`)).json() as PageOf<NoteDtoT>;
    expect(notes.items.map((n) => n.text)).toEqual(['Second note', 'Customer is a reseller, <b>check</b> pricing']);
    expect((await s.o.get(`${s.base}/conversations/${conv.id}`)).json()).toMatchObject({ lastMessage: { direction: 'in' } });
    expect(errorFields(await s.a.post(`${s.base}/conversations/${conv.id}/notes`, { text: '' }))).toHaveProperty('text');
    expect(errorFields(await s.a.post(`${s.base}/conversations/${conv.id}/notes`, { text: '   ' }))).toHaveProperty('text');
  });

  it('manages labels and canned replies: owners and admins change them, agents read and apply', async () => {
    const s = await setup();
    const admin = await memberOf(t().app, s.owner.cookie, s.ws, 'admin', 'Ada Admin');
    const ad = as(t().app, admin.cookie);

    expectError(await s.a.post(`${s.base}/labels`, { name: 'Mine' }), 403, 'forbidden');
    const created = await ad.post(`${s.base}/labels`, { name: 'Refund', color: 'red' });
    expect(created.statusCode, created.body).toBe(201);
    const refund = created.json() as LabelDtoT;
    expectError(await s.o.post(`${s.base}/labels`, { name: 'refund' }), 409, 'conflict');
    expect(errorFields(await s.o.post(`${s.base}/labels`, { name: 'X', color: 'chartreuse' }))).toHaveProperty('color');
    expect((await s.a.get(`${s.base}/labels`)).json()).toEqual({ items: [refund], nextCursor: null });
    expectError(await s.a.patch(`${s.base}/labels/${refund.id}`, { name: 'Refunds' }), 403, 'forbidden');
    expect((await s.o.patch(`${s.base}/labels/${refund.id}`, { name: 'Refunds' })).json()).toMatchObject({ name: 'Refunds', color: 'red' });

    // Agents apply labels.
    await s.ingest([inbound({ chat: customer('447700900601') })]);
    const conv = await conversationOf(s, '447700900601');
    expect((await s.a.patch(`${s.base}/conversations/${conv.id}`, { labelIds: [refund.id] })).statusCode).toBe(200);
    expectError(await s.a.delete(`${s.base}/labels/${refund.id}`), 403, 'forbidden');
    expect((await ad.delete(`${s.base}/labels/${refund.id}`)).statusCode).toBe(204);
    expectError(await ad.delete(`${s.base}/labels/${refund.id}`), 404, 'not_found');
    expect((await s.o.get(`${s.base}/conversations/${conv.id}`)).json()).toMatchObject({ labels: [] });

    expectError(await s.a.post(`${s.base}/canned-replies`, { shortcut: 'hi', text: 'Hello!' }), 403, 'forbidden');
    const canned = await ad.post(`${s.base}/canned-replies`, { shortcut: 'thanks', text: 'Thank you for your order!' });
    expect(canned.statusCode, canned.body).toBe(201);
    const thanks = canned.json() as CannedReplyDtoT;
    expectError(await s.o.post(`${s.base}/canned-replies`, { shortcut: 'Thanks', text: 'dup' }), 409, 'conflict');
    expect(errorFields(await s.o.post(`${s.base}/canned-replies`, { shortcut: 'has space', text: 'x' }))).toHaveProperty('shortcut');
    expect((await s.a.get(`${s.base}/canned-replies`)).json()).toMatchObject({
      items: [{ shortcut: 'thanks', text: 'Thank you for your order!' }],
    });
    expectError(await s.a.patch(`${s.base}/canned-replies/${thanks.id}`, { text: 'x' }), 403, 'forbidden');
    expect((await s.o.patch(`${s.base}/canned-replies/${thanks.id}`, { text: 'Thanks a lot!' })).json()).toMatchObject({
      text: 'Thanks a lot!',
    });
    expect((await s.o.delete(`${s.base}/canned-replies/${thanks.id}`)).statusCode).toBe(204);
    expect((await s.a.get(`${s.base}/canned-replies`)).json()).toEqual({ items: [], nextCursor: null });
  });

  it('searches messages, captions, document names and contacts, and survives hostile query syntax', async () => {
    const s = await setup();
    await s.ingest([
      inbound({
        chat: customer('447700900701'),
        pushName: 'Marguerite Dubois',
        text: 'Where is my parcel? It was due Monday',
        timestamp: T0,
      }),
      inbound({
        chat: customer('447700900702'),
        kind: 'document',
        text: null,
        timestamp: T0 + 1000,
        media: mediaInfo({ mimetype: 'application/pdf', fileName: 'invoice-march.pdf' }),
      }),
      inbound({ chat: customer('447700900703'), kind: 'image', text: 'broken teapot lid', timestamp: T0 + 2000, media: mediaInfo() }),
    ]);
    const search = async (q: string) => {
      const r = await s.a.get(`${s.base}/conversations?q=${encodeURIComponent(q)}`);
      expect(r.statusCode, `${q}: ${r.body}`).toBe(200);
      return (r.json() as PageOf<InboxConversationDtoT>).items;
    };

    const parcel = await search('parcel');
    expect(parcel.map((c) => c.contact.phone)).toEqual(['447700900701']);
    expect(parcel[0]!.match?.messageId).toBeTruthy();
    expect(parcel[0]!.match?.snippet).toContainEqual({ text: 'parcel', hit: true });
    expect((await search('PARC'))[0]?.contact.phone).toBe('447700900701');
    expect((await search('invoice'))[0]?.contact.phone).toBe('447700900702');
    expect((await search('teapot'))[0]?.contact.phone).toBe('447700900703');
    expect((await search('marguerite'))[0]).toMatchObject({ contact: { phone: '447700900701' }, match: { messageId: null } });
    expect((await search('7700 900703'))[0]?.contact.phone).toBe('447700900703');
    expect(await search('parcel teapot')).toEqual([]);

    for (const hostile of [
      '"',
      '""',
      '*',
      'OR',
      'AND',
      'NOT',
      'NEAR(',
      'parcel OR teapot',
      'a:b',
      "'; drop table messages; --",
      '(',
      ')',
      '^',
      '-',
      '!',
      '&',
      '|',
      ':*',
      '\\',
      '%',
      '_',
      '{body}:x',
      'parcel"*',
    ]) {
      await search(hostile);
    }
    expect((await search('parcel"*'))[0]?.contact.phone).toBe('447700900701');
    expectError(await s.a.get(`${s.base}/conversations?q=${'x'.repeat(201)}`), 400, 'validation_failed');

    // Filters still apply to search results.
    const conv = parcel[0]!;
    await s.o.patch(`${s.base}/conversations/${conv.id}`, { status: 'resolved' });
    expect(await search('parcel')).toHaveLength(1);
    expect((await s.a.get(`${s.base}/conversations?q=parcel&status=open`)).json()).toMatchObject({ items: [] });

    // Edits and deletes keep the index current.
    await s.ingest([
      inbound({
        chat: customer('447700900703'),
        kind: 'revoke',
        text: null,
        revoke: { targetId: (await firstProviderId(s.ws, '447700900703'))! },
      }),
    ]);
    expect(await search('teapot')).toEqual([]);
  });

  it('answers a search matching more conversations than a page with the newest page, filtered, each with its own highlight', async () => {
    const s = await setup();
    // Five customers ask about their order; the one on 5 also wrote something else later.
    await s.ingest(
      Array.from({ length: 5 }, (_, i) =>
        inbound({ chat: customer(`44770090090${i + 1}`), text: `Where is order ${i + 1}? Thanks`, timestamp: T0 + i * 1000 }),
      ),
    );
    await s.ingest([inbound({ chat: customer('447700900905'), text: 'Never mind, it came', timestamp: T0 + 9000 })]);
    const search = async (query: string) => {
      const r = await s.a.get(`${s.base}/conversations?${query}`);
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as PageOf<InboxConversationDtoT>).items;
    };

    const page = await search('q=order&limit=2');
    expect(page.map((c) => c.contact.phone)).toEqual(['447700900905', '447700900904']);
    // Each conversation's own newest matching message, highlighted.
    expect(page.map((c) => c.match?.snippet.map((p) => p.text).join(''))).toEqual(['Where is order 5? Thanks', 'Where is order 4? Thanks']);
    for (const c of page) expect(c.match?.snippet).toContainEqual({ text: 'order', hit: true });

    // A filter applies before the page is cut, not to the cut page.
    const newest = await conversationOf(s, '447700900905');
    await s.o.patch(`${s.base}/conversations/${newest.id}`, { status: 'resolved' });
    expect((await search('q=order&limit=2&status=open')).map((c) => c.contact.phone)).toEqual(['447700900904', '447700900903']);
    expect((await search('q=order&limit=2&status=resolved')).map((c) => c.contact.phone)).toEqual(['447700900905']);
  });

  async function firstProviderId(ws: string, phone: string): Promise<string | null> {
    const row = await t()
      .database.db.selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .select('m.provider_message_id')
      .where('m.workspace_id', '=', ws)
      .where('k.phone', '=', phone)
      .executeTakeFirst();
    return row?.provider_message_id ?? null;
  }

  it('pages history newest first, opens around a message, replies and retries a failed send', async () => {
    const s = await setup();
    await s.ingest(
      Array.from({ length: 7 }, (_, i) => inbound({ chat: customer('447700900801'), timestamp: T0 + i * 1000, text: `m${i}` })),
    );
    const conv = await conversationOf(s, '447700900801');
    const url = `${s.base}/conversations/${conv.id}/messages`;

    const first = (await s.a.get(`${url}?limit=3`)).json() as MessagePageT;
    expect(first.items.map((m) => m.text)).toEqual(['m6', 'm5', 'm4']);
    expect(first.items[0]).toMatchObject({ direction: 'in', kind: 'text', status: 'received', sender: null, media: null, reactions: [] });
    const second = (await s.a.get(`${url}?limit=3&before=${encodeURIComponent(first.nextCursor!)}`)).json() as MessagePageT;
    expect(second.items.map((m) => m.text)).toEqual(['m3', 'm2', 'm1']);
    const third = (await s.a.get(`${url}?limit=3&before=${encodeURIComponent(second.nextCursor!)}`)).json() as MessagePageT;
    expect(third).toMatchObject({ items: [{ text: 'm0' }], nextCursor: null });

    const around = (await s.a.get(`${url}?limit=4&around=${second.items[1]!.id}`)).json() as MessagePageT;
    expect(around.items.map((m) => m.text)).toEqual(['m4', 'm3', 'm2', 'm1']);
    const newer = (await s.a.get(`${url}?limit=4&after=${encodeURIComponent(around.newerCursor!)}`)).json() as MessagePageT;
    expect(newer.items.map((m) => m.text)).toEqual(['m6', 'm5']);
    expect(newer.newerCursor).toBeNull();
    expectError(await s.a.get(`${url}?before=garbage`), 400, 'validation_failed');
    expectError(await s.a.get(`${url}?around=00000000000000000000000000`), 404, 'not_found');

    // A reply goes through the sending API: queued, by this agent, quoting a customer message.
    const r = await s.a.post(url, { text: 'On its way!', quotedMessageId: first.items[0]!.id });
    expect(r.statusCode, r.body).toBe(202);
    const reply = r.json() as InboxMessageDtoT;
    expect(reply).toMatchObject({
      direction: 'out',
      status: 'queued',
      text: 'On its way!',
      sender: { name: 'Aggie Agent' },
      quoted: { text: 'm6' },
    });
    expect(errorFields(await s.a.post(url, { text: '' }))).toHaveProperty('text');

    // Retry: only failed messages; an unknown outcome needs confirmation.
    expectError(await s.a.post(`${s.base}/messages/${reply.id}/retry`, {}), 409, 'conflict');
    await t()
      .database.db.updateTable('messages')
      .set({ status: 'failed', error: OUTCOME_UNKNOWN_ERROR })
      .where('id', '=', reply.id)
      .execute();
    const page = (await s.a.get(url)).json() as MessagePageT;
    expect(page.items[0]).toMatchObject({ id: reply.id, status: 'failed', outcomeUnknown: true });
    expectError(await s.a.post(`${s.base}/messages/${reply.id}/retry`, {}), 409, 'confirmation_required');
    s.events.length = 0;
    const retried = await s.a.post(`${s.base}/messages/${reply.id}/retry`, { confirm: true });
    expect(retried.statusCode, retried.body).toBe(202);
    expect(retried.json()).toMatchObject({ id: reply.id, status: 'queued', error: null, outcomeUnknown: false });
    expect(s.events).toContainEqual(
      expect.objectContaining({ type: 'message.status', payload: expect.objectContaining({ status: 'queued' }) }),
    );
    const log = (await s.o.get(`${s.base}/activity?action=message.retried`)).json() as PageOf<unknown>;
    expect(log.items).toHaveLength(1);
  });

  it('changes many conversations at once', async () => {
    const s = await setup();
    await s.ingest(['447700900901', '447700900902', '447700900903'].map((p) => inbound({ chat: customer(p) })));
    const list = await conversations(s.o, `${s.base}/conversations`);
    const ids = list.items.slice(0, 2).map((c) => c.id);
    const vip = await label(s, 'VIP');
    const r = await s.a.post(`${s.base}/conversations/bulk`, {
      ids,
      status: 'resolved',
      assigneeId: s.agent.me.user.id,
      addLabelIds: [vip.id],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ updated: 2 });
    expect(
      (await conversations(s.o, `${s.base}/conversations?status=resolved&assignee=${s.agent.me.user.id}&labelId=${vip.id}`)).items,
    ).toHaveLength(2);
    expect((await s.a.post(`${s.base}/conversations/bulk`, { ids, removeLabelIds: [vip.id] })).json()).toEqual({ updated: 2 });
    expectError(
      await s.a.post(`${s.base}/conversations/bulk`, { ids: [...ids, '00000000000000000000000000'], status: 'open' }),
      404,
      'not_found',
    );
    expectError(await s.a.post(`${s.base}/conversations/bulk`, { ids }), 400, 'validation_failed');
  });

  it("answers 404 for another workspace's conversation, message, media, label and canned reply ids", async () => {
    const s = await setup();
    const other: Person & { workspaceId: string } = await ownerOfNewWorkspace(t().app, s.owner, 'Bea Other');
    const otherNumber = await insertTestNumber(t().database.db, other.workspaceId, { phone: '447700900009' });
    await t().services.ingest.messages(
      { id: otherNumber.id, workspaceId: other.workspaceId },
      [inbound({ chat: customer('447700901001'), kind: 'image', text: 'secret parcel', media: mediaInfo() })],
      { isHistory: false },
    );
    const b = as(t().app, other.cookie);
    const bBase = `/api/v1/workspaces/${other.workspaceId}`;
    const theirs = (await conversations(b, `${bBase}/conversations`)).items[0]!;
    const theirMessage = ((await b.get(`${bBase}/conversations/${theirs.id}/messages`)).json() as MessagePageT).items[0]!;
    const theirLabel = (await b.post(`${bBase}/labels`, { name: 'Theirs' })).json() as LabelDtoT;
    const theirCanned = (await b.post(`${bBase}/canned-replies`, { shortcut: 'theirs', text: 'x' })).json() as CannedReplyDtoT;
    expect(theirMessage.media).toBeTruthy();

    const o = s.o;
    const c = `${s.base}/conversations/${theirs.id}`;
    for (const [what, response] of [
      ['get', await o.get(c)],
      ['patch', await o.patch(c, { status: 'resolved' })],
      ['messages', await o.get(`${c}/messages`)],
      ['reply', await o.post(`${c}/messages`, { text: 'hi' })],
      ['notes', await o.get(`${c}/notes`)],
      ['add note', await o.post(`${c}/notes`, { text: 'hi' })],
      ['bulk', await o.post(`${s.base}/conversations/bulk`, { ids: [theirs.id], status: 'resolved' })],
      ['retry', await o.post(`${s.base}/messages/${theirMessage.id}/retry`, {})],
      ['media', await o.get(`${s.base}/media/${theirMessage.media!.id}`)],
      ['label patch', await o.patch(`${s.base}/labels/${theirLabel.id}`, { name: 'Mine' })],
      ['label delete', await o.delete(`${s.base}/labels/${theirLabel.id}`)],
      ['canned patch', await o.patch(`${s.base}/canned-replies/${theirCanned.id}`, { text: 'Mine' })],
      ['canned delete', await o.delete(`${s.base}/canned-replies/${theirCanned.id}`)],
      ['their workspace', await o.get(`${bBase}/conversations`)],
    ] as const) {
      expectError(response, 404, 'not_found', what);
    }
    // Their label cannot be put on our conversation; their message cannot be opened around.
    await s.ingest([inbound({ chat: customer('447700901002') })]);
    const mine = await conversationOf(s, '447700901002');
    expect(errorFields(await o.patch(`${s.base}/conversations/${mine.id}`, { labelIds: [theirLabel.id] }))).toHaveProperty('labelIds');
    expectError(await o.get(`${s.base}/conversations/${mine.id}/messages?around=${theirMessage.id}`), 404, 'not_found');
    // Search never crosses workspaces.
    expect((await conversations(o, `${s.base}/conversations?q=secret`)).items).toEqual([]);
    expect((await b.get(`${bBase}/conversations/${theirs.id}`)).json()).toMatchObject({ status: 'open', labels: [] });
  });
});
