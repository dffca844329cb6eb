import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactDetailDtoT, ContactDtoT } from '../../src/contracts/contacts.js';
import type { DomainEvent } from '../../src/contracts/events.js';
import { newId } from '../../src/server/lib/ids.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { importCsv } from '../support/contacts.js';
import { firstOwner, memberOf, type Person } from '../support/factories.js';
import { as, expectError } from '../support/http.js';
import { customer, inbound, mediaInfo } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';

const LIVE = { isHistory: false, upsertType: 'notify' } as const;
const HISTORY = { isHistory: true } as const;

/** Every row of every table, as text. */
async function dumpDatabase(t: TestApp): Promise<string> {
  const { db, dialect } = t.database;
  const out: string[] = [];
  if (dialect === 'sqlite') {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    for (const { name } of tables.rows) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.id(name)}`.execute(db);
      for (const row of rows.rows)
        out.push(
          `${name}: ${Object.values(row)
            .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
            .join(' | ')}`,
        );
    }
  } else {
    const tables = await sql<{
      table_name: string;
    }>`select table_name from information_schema.tables where table_schema = current_schema()`.execute(db);
    for (const { table_name } of tables.rows) {
      const rows = await sql<{ t: string }>`select t::text as t from ${sql.id(table_name)} t`.execute(db);
      for (const row of rows.rows) out.push(`${table_name}: ${row.t}`);
    }
  }
  return out.join('\n');
}

/** The entry names from a ZIP's central directory (which also proves the directory is where the end record says). */
function zipEntryNames(zip: Buffer): string[] {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('contacts: opt-out keywords and customer data requests', () => {
  let t: TestApp;
  let owner: Person & { workspaceId: string };
  let agent: Person;
  let base: string;
  let number: { id: string; workspaceId: string };
  let events: DomainEvent[];

  beforeEach(async () => {
    t = await createTestApp();
    owner = await firstOwner(t.app);
    agent = await memberOf(t.app, owner.cookie, owner.workspaceId, 'agent');
    base = `/api/v1/workspaces/${owner.workspaceId}`;
    await as(t.app, owner.cookie).patch(base, { country: 'GB' });
    const n = await insertTestNumber(t.database.db, owner.workspaceId, { phone: '447700900900' });
    number = { id: n.id, workspaceId: owner.workspaceId };
    events = [];
    t.services.bus.subscribe('*', (e) => events.push(e));
  });
  afterEach(() => t.close());

  const contactByPhone = async (phone: string) =>
    (await as(t.app, owner.cookie).get(`${base}/contacts?q=${phone}`))
      .json<{ items: ContactDtoT[] }>()
      .items.find((c) => c.phone === `+${phone}`);
  const outbound = (conversationId: string) =>
    t.database.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('direction', '=', 'out').execute();

  it('opts out on a keyword message, once, with a queued automatic confirmation, and back in on START', async () => {
    const phone = '447700900301';
    const stop = inbound({ chat: customer(phone), text: ' STOP! ' });
    await t.services.ingest.messages(number, [stop], LIVE);
    const contact = (await contactByPhone(phone))!;
    expect(contact.optedOut).toBe(true);
    const detail = (await as(t.app, owner.cookie).get(`${base}/contacts/${contact.id}`)).json<ContactDetailDtoT>();
    const conversationId = detail.conversations[0]!.id;
    expect(detail.optHistory).toEqual([
      expect.objectContaining({ optedOut: true, source: 'keyword', by: null, messageId: expect.any(String) }),
    ]);
    const [reply] = await outbound(conversationId);
    expect(reply).toMatchObject({ status: 'queued', kind: 'text', sender_user_id: null, text: expect.stringMatching(/unsubscribed/) });
    expect(JSON.parse(reply!.payload)).toMatchObject({ automated: true });
    expect(events.filter((e) => e.type === 'contact.updated').map((e) => e.payload)).toContainEqual({ contactId: contact.id });
    expect(events.filter((e) => e.type === 'message.created' && e.payload.direction === 'out')).toHaveLength(1);
    const log = (await as(t.app, owner.cookie).get(`${base}/activity?action=contact.opted_out`)).json<{
      items: Array<{ actor: unknown; details: unknown }>;
    }>();
    expect(log.items).toEqual([expect.objectContaining({ actor: null, details: expect.objectContaining({ source: 'keyword' }) })]);

    // The same message again, another STOP, history and a sentence: nothing changes, nothing is sent.
    await t.services.ingest.messages(number, [stop], LIVE);
    await t.services.ingest.messages(number, [inbound({ chat: customer(phone), text: 'stop all' })], LIVE);
    await t.services.ingest.messages(number, [inbound({ chat: customer(phone), text: 'please stop by the shop' })], LIVE);
    expect(await outbound(conversationId)).toHaveLength(1);
    await t.services.ingest.messages(number, [inbound({ chat: customer('447700900302'), text: 'STOP' })], HISTORY);
    expect((await contactByPhone('447700900302'))!.optedOut).toBe(false);

    await t.services.ingest.messages(number, [inbound({ chat: customer(phone), text: 'Start' })], LIVE);
    const back = (await as(t.app, owner.cookie).get(`${base}/contacts/${contact.id}`)).json<ContactDetailDtoT>();
    expect(back.optedOut).toBe(false);
    expect(back.optHistory.map((e) => e.optedOut)).toEqual([false, true]);
    expect((await outbound(conversationId)).map((m) => m.text)).toEqual([
      expect.stringMatching(/unsubscribed/),
      expect.stringMatching(/subscribed again/),
    ]);

    // Confirmations off: the state still changes, nothing is queued.
    await as(t.app, owner.cookie).patch(`${base}/opt-out-settings`, { optOutReplyEnabled: false, optOutKeywords: ['STOP', 'BAJA'] });
    await t.services.ingest.messages(number, [inbound({ chat: customer(phone), text: 'Baja.' })], LIVE);
    expect((await contactByPhone(phone))!.optedOut).toBe(true);
    expect(await outbound(conversationId)).toHaveLength(2);

    // An agent may still answer someone who opted out and writes in (opt-out is about bulk sends).
    const answer = await as(t.app, agent.cookie).post(`${base}/messages`, { numberId: number.id, to: `+${phone}`, text: 'Happy to help' });
    expect(answer.statusCode, answer.body).toBe(202);
  });

  it('exports everything about one contact as a ZIP, for owners and admins only', async () => {
    const phone = '447700900401';
    await t.services.ingest.messages(
      number,
      [inbound({ chat: customer(phone), pushName: 'Zip Person', text: 'where is my parcel' })],
      LIVE,
    );
    await t.services.ingest.messages(
      number,
      [inbound({ chat: customer(phone), kind: 'image', text: 'photo', media: mediaInfo({ fileName: 'parcel.jpg' }) })],
      LIVE,
    );
    await t.services.mediaStore.downloadPending(number, async () => Buffer.from('JPEGBYTES-of-the-parcel'));
    const contact = (await contactByPhone(phone))!;
    expectError(await as(t.app, agent.cookie).get(`${base}/contacts/${contact.id}/export`), 403, 'forbidden');
    const r = await as(t.app, owner.cookie).get(`${base}/contacts/${contact.id}/export`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/zip');
    const zip = r.rawPayload;
    expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
    const names = zipEntryNames(zip);
    for (const expected of [
      'README.txt',
      'profile.json',
      'fields.json',
      'messages.json',
      'messages.csv',
      'notes.json',
      'opt-out-history.json',
    ]) {
      expect(names.some((n) => n?.startsWith(expected))).toBe(true);
    }
    expect(zip.includes(Buffer.from('where is my parcel'))).toBe(true);
    expect(zip.includes(Buffer.from('JPEGBYTES-of-the-parcel'))).toBe(true);
    expect(names.some((n) => n?.startsWith('media/') && n.includes('parcel.jpg'))).toBe(true);
    const log = (await as(t.app, owner.cookie).get(`${base}/activity?action=contact.exported`)).json<{
      items: Array<{ target: { label: unknown } }>;
    }>();
    expect(log.items).toHaveLength(1);
    expect(log.items[0]!.target.label).toBeNull();
  });

  it('erases a contact: the markers are in no table and no file afterwards', async () => {
    const M = randomBytes(6).toString('hex');
    const phone = `4477009${String(10000 + (parseInt(M.slice(0, 4), 16) % 89999))}`;
    const markers = {
      name: `Name${M}`,
      push: `Push${M}`,
      text: `Text${M}`,
      file: `File${M}`,
      note: `Note${M}`,
      field: `Field${M}`,
      caption: `Caption${M}`,
    };

    // Their messages, a photo, a reaction, a private note, labels, a field, notes, opt-out, an agent's reply.
    await t.services.ingest.messages(
      number,
      [inbound({ chat: customer(phone), pushName: markers.push, text: `hello ${markers.text}` })],
      LIVE,
    );
    await t.services.ingest.messages(
      number,
      [
        inbound({
          chat: customer(phone),
          kind: 'document',
          text: markers.caption,
          media: mediaInfo({ mimetype: 'text/plain', fileName: `${markers.file}.txt` }),
        }),
      ],
      LIVE,
    );
    await t.services.mediaStore.downloadPending(number, async () => Buffer.from(`contents ${markers.file}`));
    // A second customer sends identical bytes: that file must stay for them.
    await t.services.ingest.messages(
      number,
      [inbound({ chat: customer('447700900888'), kind: 'image', text: null, media: mediaInfo() })],
      LIVE,
    );
    await t.services.ingest.messages(number, [inbound({ chat: customer(phone), kind: 'image', text: null, media: mediaInfo() })], LIVE);
    await t.services.mediaStore.downloadPending(number, async () => Buffer.from('shared-bytes-not-personal'));
    await t.services.ingest.messages(number, [inbound({ chat: customer(phone), text: 'STOP' })], LIVE);
    const contact = (await contactByPhone(phone))!;
    const detail = (await as(t.app, owner.cookie).get(`${base}/contacts/${contact.id}`)).json<ContactDetailDtoT>();
    const conversationId = detail.conversations[0]!.id;
    const [firstMessage] = await t.database.db
      .selectFrom('messages')
      .select(['id', 'provider_message_id'])
      .where('conversation_id', '=', conversationId)
      .orderBy('sent_at')
      .execute();
    await t.services.ingest.messages(
      number,
      [
        inbound({
          chat: customer(phone),
          kind: 'reaction',
          text: null,
          reaction: { targetId: firstMessage!.provider_message_id!, emoji: '👍' },
        }),
      ],
      LIVE,
    );
    const lbl = await as(t.app, owner.cookie).post(`${base}/labels`, { name: 'VIP' });
    await as(t.app, owner.cookie).post(`${base}/contact-fields`, { key: 'ref', label: 'Reference', type: 'text' });
    const patched = await as(t.app, agent.cookie).patch(`${base}/contacts/${contact.id}`, {
      name: markers.name,
      notes: `notes ${markers.note}`,
      fields: { ref: markers.field },
      ...(lbl.statusCode === 201 ? { labelIds: [lbl.json<{ id: string }>().id] } : {}),
    });
    expect(patched.statusCode, patched.body).toBe(200);
    await t.database.db
      .insertInto('notes')
      .values({
        id: newId(),
        workspace_id: owner.workspaceId,
        conversation_id: conversationId,
        author_user_id: agent.me.user.id,
        author_name: 'An agent',
        text: `private ${markers.note}`,
        created_at: Date.now(),
      })
      .execute();
    const sent = await as(t.app, agent.cookie).post(`${base}/messages`, {
      numberId: number.id,
      to: `+${phone}`,
      text: `reply to ${markers.name}`,
    });
    expect(sent.statusCode, sent.body).toBe(202);
    // An import that named them twice: the rejected duplicate row is kept for the report.
    await importCsv(t.app, owner.cookie, owner.workspaceId, `phone,name\n+${phone},${markers.name}\n+${phone},Other ${markers.name}\n`, {
      phone: 'phone',
      name: 'name',
    });
    expect((await as(t.app, owner.cookie).get(`${base}/contacts/${contact.id}/export`)).statusCode).toBe(200);

    const everything = () => [phone, ...Object.values(markers)];
    const before = await dumpDatabase(t);
    for (const m of everything()) expect(before, m).toContain(m);
    const hashes = (await t.database.db.selectFrom('media').select('sha256').execute()).map((m) => m.sha256!);
    const sharedFile = hashes.find((h, i) => hashes.indexOf(h) !== i)!;
    expect(sharedFile).toBeDefined();

    expectError(await as(t.app, agent.cookie).delete(`${base}/contacts/${contact.id}`), 403, 'forbidden');
    const erased = await as(t.app, owner.cookie).delete(`${base}/contacts/${contact.id}`);
    expect(erased.statusCode, erased.body).toBe(204);
    expectError(await as(t.app, owner.cookie).get(`${base}/contacts/${contact.id}`), 404, 'not_found');

    const after = await dumpDatabase(t);
    for (const m of everything())
      expect(
        after.split('\n').filter((l) => l.includes(m)),
        `${m} still in the database`,
      ).toEqual([]);
    const files = filesUnder(t.database.dataDir);
    expect(files.some((f) => f.endsWith('wasphere.db')) || t.database.dialect === 'postgres').toBe(true);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const m of everything())
        expect(bytes.includes(Buffer.from(m)), `${m} still in ${path.relative(t.database.dataDir, file)}`).toBe(false);
    }
    // The other customer's copy of the shared file stays.
    expect(fs.existsSync(t.services.mediaStore.pathOf(sharedFile))).toBe(true);
    // The search index no longer finds them; the log says only that an erasure happened.
    const search = await as(t.app, owner.cookie).get(`${base}/conversations?q=${markers.text}`);
    if (search.statusCode === 200) expect(JSON.stringify(search.json())).not.toContain(conversationId);
    const log = (await as(t.app, owner.cookie).get(`${base}/activity?action=contact.erased`)).json<{
      items: Array<{ target: { id: string; label: unknown }; actor: { name: string } }>;
    }>();
    expect(log.items).toEqual([
      expect.objectContaining({
        target: expect.objectContaining({ id: contact.id, label: null }),
        actor: expect.objectContaining({ name: owner.me.user.name }),
      }),
    ]);
  });
});
