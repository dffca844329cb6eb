import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactDetailDtoT, ContactDtoT } from '../../src/contracts/contacts.js';
import { newId } from '../../src/server/lib/ids.js';
import { assertCanMessage, isOptedOut } from '../../src/server/modules/contacts/opt-out.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { firstOwner, memberOf, ownerOfNewWorkspace, type Person } from '../support/factories.js';
import { as, expectError } from '../support/http.js';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';

const LIVE = { isHistory: false, upsertType: 'notify' } as const;

describe('contacts API', () => {
  let t: TestApp;
  let owner: Person & { workspaceId: string };
  let agent: Person;
  let other: Person & { workspaceId: string };
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await firstOwner(t.app);
    agent = await memberOf(t.app, owner.cookie, owner.workspaceId, 'agent');
    other = await ownerOfNewWorkspace(t.app, owner, 'Other Owner');
    base = `/api/v1/workspaces/${owner.workspaceId}`;
    // Phones typed without a prefix are read as numbers of this country.
    await as(t.app, owner.cookie).patch(base, { country: 'GB' });
  });
  afterAll(() => t.close());

  async function label(name: string, color = 'blue'): Promise<string> {
    const id = newId();
    await t.database.db.insertInto('labels').values({ id, workspace_id: owner.workspaceId, name, color, created_at: Date.now() }).execute();
    return id;
  }

  async function create(body: Record<string, unknown>, cookie = owner.cookie): Promise<ContactDtoT> {
    const r = await as(t.app, cookie).post(`${base}/contacts`, body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json<ContactDtoT>();
  }

  it('creates a contact with the phone normalised by the workspace country, and refuses a second one with the same phone', async () => {
    const c = await create({ phone: '07700 900111', name: 'Ada Lovelace', notes: 'Prefers mornings' });
    expect(c).toMatchObject({
      phone: '+447700900111',
      name: 'Ada Lovelace',
      displayName: 'Ada Lovelace',
      optedOut: false,
      labels: [],
      fields: {},
    });
    const again = await as(t.app, owner.cookie).post(`${base}/contacts`, { phone: '+44 7700 900111' });
    expect(expectError(again, 409, 'contact_exists').error.details).toMatchObject({ contactId: c.id });
    for (const phone of ['hello', '12', '+44 7700 900111 999 999 999 9']) {
      expectError(await as(t.app, owner.cookie).post(`${base}/contacts`, { phone }), 400, 'invalid_phone', phone);
    }
  });

  it('edits name, notes, labels and custom fields, with values checked by type', async () => {
    const vip = await label('VIP');
    const fieldR = await as(t.app, owner.cookie).post(`${base}/contact-fields`, {
      key: 'tier',
      label: 'Tier',
      type: 'choice',
      options: ['Gold', 'Silver'],
    });
    expect(fieldR.statusCode, fieldR.body).toBe(201);
    await as(t.app, owner.cookie).post(`${base}/contact-fields`, { key: 'orders', label: 'Orders', type: 'number' });
    await as(t.app, owner.cookie).post(`${base}/contact-fields`, { key: 'since', label: 'Customer since', type: 'date' });
    const c = await create({ phone: '+447700900222' }, agent.cookie);
    const r = await as(t.app, agent.cookie).patch(`${base}/contacts/${c.id}`, {
      name: 'Grace Hopper',
      notes: 'Asked about invoices',
      labelIds: [vip],
      fields: { tier: 'gold', orders: 3, since: '2024-02-29' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      name: 'Grace Hopper',
      labels: [{ id: vip, name: 'VIP' }],
      fields: { tier: 'Gold', orders: 3, since: '2024-02-29' },
    });

    const bad = await as(t.app, agent.cookie).patch(`${base}/contacts/${c.id}`, {
      fields: { tier: 'Bronze', orders: 'many', since: '2023-02-29', nope: 'x' },
    });
    const fields = (expectError(bad, 400, 'validation_failed').error.details as { fields: Record<string, string> }).fields;
    expect(Object.keys(fields).sort()).toEqual(['fields.nope', 'fields.orders', 'fields.since', 'fields.tier']);
    expectError(await as(t.app, agent.cookie).patch(`${base}/contacts/${c.id}`, { labelIds: [newId()] }), 400, 'validation_failed');

    // Removing a value; deleting a field removes its values.
    const cleared = await as(t.app, agent.cookie).patch(`${base}/contacts/${c.id}`, { fields: { orders: null } });
    expect(cleared.json<ContactDtoT>().fields).toEqual({ tier: 'Gold', since: '2024-02-29' });
    await as(t.app, owner.cookie).delete(`${base}/contact-fields/${fieldR.json<{ id: string }>().id}`);
    expect((await as(t.app, agent.cookie).get(`${base}/contacts/${c.id}`)).json<ContactDtoT>().fields).toEqual({ since: '2024-02-29' });
  });

  it('lists with search by name or phone, filters and sorts, in cursor pages', async () => {
    const tag = await label('Wholesale');
    const names = ['Zed Alpha', 'Yara Beta', 'Xavier Gamma', 'Wendy Delta', 'Victor Epsilon'];
    const made: ContactDtoT[] = [];
    for (const [i, name] of names.entries())
      made.push(await create({ phone: `+4915112340${i}00`, name, ...(i % 2 === 0 ? { labelIds: [tag] } : {}) }));
    await as(t.app, owner.cookie).patch(`${base}/contacts/${made[1]!.id}`, { optedOut: true });

    const list = (query: string) => as(t.app, owner.cookie).get(`${base}/contacts?${query}`);
    expect((await list('q=xavier')).json<{ items: ContactDtoT[] }>().items.map((c) => c.name)).toEqual(['Xavier Gamma']);
    expect((await list('q=gam')).json<{ items: ContactDtoT[] }>().items.map((c) => c.name)).toEqual(['Xavier Gamma']);
    expect((await list('q=' + encodeURIComponent('+49 151 1234 0300'))).json<{ items: ContactDtoT[] }>().items.map((c) => c.name)).toEqual([
      'Wendy Delta',
    ]);
    expect((await list('q=0049151123404')).json<{ items: ContactDtoT[] }>().items.map((c) => c.name)).toEqual(['Victor Epsilon']);
    // A local number of the workspace country (GB) finds the international form.
    expect((await list('q=' + encodeURIComponent('07700 900111'))).json<{ items: ContactDtoT[] }>().items.map((c) => c.name)).toEqual([
      'Ada Lovelace',
    ]);
    expect((await list(`labelId=${tag}&sort=name`)).json<{ items: ContactDtoT[] }>().items.map((c) => c.name)).toEqual([
      'Victor Epsilon',
      'Xavier Gamma',
      'Zed Alpha',
    ]);
    const optedOut = (await list('optedOut=true')).json<{ items: ContactDtoT[] }>().items;
    expect(optedOut.map((c) => c.name)).toEqual(['Yara Beta']);
    expect(optedOut[0]!.optedOut).toBe(true);

    // Pages by name: every contact once, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await list(`sort=name&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json<{ items: ContactDtoT[]; nextCursor: string | null }>();
      seen.push(...page.items.map((c) => c.displayName));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(new Set(seen).size).toBe(seen.length);
    const created = (await list('sort=created&limit=200')).json<{ items: ContactDtoT[] }>().items;
    expect(created.map((c) => c.id)).toEqual([...created.map((c) => c.id)].sort().reverse());
    expectError(await list('cursor=garbage'), 400, 'validation_failed');
  });

  it('filters by a custom field value', async () => {
    await as(t.app, owner.cookie).post(`${base}/contact-fields`, { key: 'city', label: 'City', type: 'text' });
    const a = await create({ phone: '+33612345678', name: 'Amélie', fields: { city: 'Paris' } });
    await create({ phone: '+33612345679', name: 'Bastien', fields: { city: 'Lyon' } });
    const r = await as(t.app, owner.cookie).get(`${base}/contacts?fieldKey=city&fieldValue=Paris`);
    expect(r.json<{ items: ContactDtoT[] }>().items.map((c) => c.id)).toEqual([a.id]);
    const any = await as(t.app, owner.cookie).get(`${base}/contacts?fieldKey=city`);
    expect(any.json<{ items: ContactDtoT[] }>().items).toHaveLength(2);
  });

  it('merges a duplicate: conversations, messages on the same number, labels, fields and notes move; the duplicate goes', async () => {
    const n1 = await insertTestNumber(t.database.db, owner.workspaceId, { phone: '447700900991' });
    const n2 = await insertTestNumber(t.database.db, owner.workspaceId, { name: 'Second line', phone: '447700900992' });
    const ingest = t.services.ingest;
    await ingest.messages(
      { id: n1.id, workspaceId: owner.workspaceId },
      [inbound({ chat: customer('447700900501'), text: 'keep on n1' })],
      LIVE,
    );
    await ingest.messages(
      { id: n1.id, workspaceId: owner.workspaceId },
      [inbound({ chat: customer('447700900502'), text: 'dup on n1' })],
      LIVE,
    );
    await ingest.messages(
      { id: n2.id, workspaceId: owner.workspaceId },
      [inbound({ chat: customer('447700900502'), text: 'dup on n2' })],
      LIVE,
    );
    const find = async (phone: string) =>
      (await as(t.app, owner.cookie).get(`${base}/contacts?q=${phone}`)).json<{ items: ContactDtoT[] }>().items[0]!;
    const keep = await find('447700900501');
    const dup = await find('447700900502');
    const lbl = await label('Merged label');
    await as(t.app, owner.cookie).patch(`${base}/contacts/${keep.id}`, { name: 'Kept', notes: 'note A' });
    await as(t.app, owner.cookie).patch(`${base}/contacts/${dup.id}`, { notes: 'note B', labelIds: [lbl], optedOut: true });
    const dupDetail = (await as(t.app, owner.cookie).get(`${base}/contacts/${dup.id}`)).json<ContactDetailDtoT>();
    const noteConv = dupDetail.conversations.find((c) => c.numberId === n1.id)!;
    await t.database.db
      .insertInto('notes')
      .values({
        id: newId(),
        workspace_id: owner.workspaceId,
        conversation_id: noteConv.id,
        author_user_id: null,
        author_name: 'x',
        text: 'private',
        created_at: Date.now(),
      })
      .execute();

    const r = await as(t.app, agent.cookie).post(`${base}/contacts/merge`, { keepId: keep.id, mergeId: dup.id });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ id: keep.id, name: 'Kept', notes: 'note A\n\nnote B', optedOut: true, labels: [{ id: lbl }] });
    expectError(await as(t.app, owner.cookie).get(`${base}/contacts/${dup.id}`), 404, 'not_found');

    const detail = (await as(t.app, owner.cookie).get(`${base}/contacts/${keep.id}`)).json<ContactDetailDtoT>();
    expect(detail.conversations.map((c) => c.numberId).sort()).toEqual([n1.id, n2.id].sort());
    expect(detail.optHistory.map((e) => e.source)).toEqual(['agent']);
    const onN1 = detail.conversations.find((c) => c.numberId === n1.id)!;
    const texts = await t.database.db
      .selectFrom('messages')
      .select('text')
      .where('conversation_id', '=', onN1.id)
      .orderBy('sent_at')
      .execute();
    expect(texts.map((m) => m.text)).toEqual(['keep on n1', 'dup on n1']);
    const notes = await t.database.db.selectFrom('notes').select('text').where('conversation_id', '=', onN1.id).execute();
    expect(notes.map((n) => n.text)).toEqual(['private']);
    expectError(
      await as(t.app, owner.cookie).post(`${base}/contacts/merge`, { keepId: keep.id, mergeId: keep.id }),
      400,
      'validation_failed',
    );
  });

  it('keeps agents to contacts: no erasure, data export, CSV import or export, fields or opt-out settings', async () => {
    const c = await create({ phone: '+447700900333' }, agent.cookie);
    const client = as(t.app, agent.cookie);
    expectError(await client.delete(`${base}/contacts/${c.id}`), 403, 'forbidden');
    expectError(await client.get(`${base}/contacts/${c.id}/export`), 403, 'forbidden');
    expectError(await client.get(`${base}/contacts/export`), 403, 'forbidden');
    expectError(await client.post(`${base}/contacts/import`), 403, 'forbidden');
    expectError(await client.post(`${base}/contact-fields`, { key: 'x', label: 'X', type: 'text' }), 403, 'forbidden');
    expectError(await client.patch(`${base}/opt-out-settings`, { optInKeywords: ['GO'] }), 403, 'forbidden');
    expect((await client.get(`${base}/opt-out-settings`)).statusCode).toBe(200);
    expect((await client.get(`${base}/contact-fields`)).statusCode).toBe(200);
  });

  it("answers 404 for another workspace's contacts, as for ids that do not exist", async () => {
    const c = await create({ phone: '+447700900444', name: 'Private Person' });
    const stranger = as(t.app, other.cookie);
    const theirBase = `/api/v1/workspaces/${other.workspaceId}`;
    for (const r of [
      await stranger.get(`${theirBase}/contacts/${c.id}`),
      await stranger.patch(`${theirBase}/contacts/${c.id}`, { name: 'x' }),
      await stranger.delete(`${theirBase}/contacts/${c.id}`),
      await stranger.get(`${theirBase}/contacts/${c.id}/export`),
      await stranger.post(`${theirBase}/contacts/merge`, { keepId: c.id, mergeId: c.id + 'x' }),
      await stranger.get(`${base}/contacts/${c.id}`),
      await stranger.get(`${base}/contacts`),
    ]) {
      expect([404]).toContain(r.statusCode);
    }
    expect((await stranger.get(`${theirBase}/contacts?q=Private`)).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await as(t.app, owner.cookie).get(`${base}/contacts/${c.id}`)).json<ContactDtoT>().name).toBe('Private Person');
  });

  it('records opt-out by hand with its source, and campaigns are refused for opted-out contacts', async () => {
    const c = await create({ phone: '+447700900555' });
    await expect(assertCanMessage(t.database.db, owner.workspaceId, c.id)).resolves.toBeUndefined();
    const r = await as(t.app, agent.cookie).patch(`${base}/contacts/${c.id}`, { optedOut: true });
    expect(r.json()).toMatchObject({ optedOut: true, optedOutAt: expect.any(String) });
    await expect(assertCanMessage(t.database.db, owner.workspaceId, c.id)).rejects.toMatchObject({
      status: 409,
      code: 'contact_opted_out',
    });
    await expect(assertCanMessage(t.database.db, owner.workspaceId, '+44 7700 900555')).rejects.toMatchObject({
      code: 'contact_opted_out',
    });
    expect(await isOptedOut(t.database.db, owner.workspaceId, '447700900555')).toBe(true);
    expect(await isOptedOut(t.database.db, other.workspaceId, '447700900555')).toBe(false);
    expect(await isOptedOut(t.database.db, owner.workspaceId, '447700900000')).toBe(false);
    // Setting the same state again records nothing new.
    await as(t.app, agent.cookie).patch(`${base}/contacts/${c.id}`, { optedOut: true });
    const detail = (await as(t.app, owner.cookie).get(`${base}/contacts/${c.id}`)).json<ContactDetailDtoT>();
    expect(detail.optHistory).toEqual([
      expect.objectContaining({ optedOut: true, source: 'agent', by: { id: agent.me.user.id, name: agent.me.user.name } }),
    ]);
    const log = (await as(t.app, owner.cookie).get(`${base}/activity?action=contact.opted_out`)).json<{
      items: Array<{ target: { id: string } }>;
    }>();
    expect(log.items.map((e) => e.target.id)).toContain(c.id);
  });

  it('changes opt-out settings, refusing a keyword that is both', async () => {
    const client = as(t.app, owner.cookie);
    expect((await client.get(`${base}/opt-out-settings`)).json()).toMatchObject({
      optOutKeywords: ['STOP', 'UNSUBSCRIBE', 'CANCEL', 'STOP ALL'],
      optInKeywords: ['START'],
      optOutReplyEnabled: true,
    });
    const r = await client.patch(`${base}/opt-out-settings`, { optOutKeywords: ['STOP', 'BAJA', ' ARRÊT '], optOutReplyEnabled: false });
    expect(r.json()).toMatchObject({ optOutKeywords: ['STOP', 'BAJA', 'ARRÊT'], optOutReplyEnabled: false, optInKeywords: ['START'] });
    expectError(await client.patch(`${base}/opt-out-settings`, { optInKeywords: ['stop'] }), 400, 'validation_failed');
  });
});
