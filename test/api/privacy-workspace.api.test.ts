import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceDeletionDtoT } from '../../src/contracts/privacy.js';
import type { WorkspaceDtoT } from '../../src/contracts/workspaces.js';
import { DAY_MS } from '../../src/server/lib/clock.js';
import { purgeExpiredMessages } from '../../src/server/modules/privacy/message-retention.js';
import { workspaceOwnedTables } from '../../src/server/modules/privacy/schema.js';
import { createWorkspaceEraser } from '../../src/server/modules/privacy/workspace-eraser.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { dumpDatabase, expectErased, expectPresent, tableNames } from '../support/erasure.js';
import { firstOwner, memberOf, type Person } from '../support/factories.js';
import { as, errorFields, expectError } from '../support/http.js';
import { customer, inbound, mediaInfo } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';

const LIVE = { isHistory: false, upsertType: 'notify' } as const;
const word = (what: string) => `${what}${randomBytes(5).toString('hex')}`;
const phone = () => `4477009${String(randomInt(10_000, 99_999))}`;

describe('privacy: workspace deletion and message retention', () => {
  let t: TestApp;
  let owner: Person & { workspaceId: string };

  beforeEach(async () => {
    t = await createTestApp();
    owner = await firstOwner(t.app, 'Olga Owner');
  });
  afterEach(() => t.close());

  /** Seeds one workspace through ingest and the API with unique markers; returns them. */
  async function seed(workspaceId: string, options: { sharedBytes: string; sentAt?: number }) {
    const m = {
      phone: phone(),
      name: word('cust'),
      text: word('text'),
      caption: word('capt'),
      file: word('file'),
      content: word('bytes'),
      note: word('note'),
      label: word('labl'),
      canned: word('cann'),
      contactNotes: word('cnot'),
      numberPhone: phone(),
      key: word('wkey'),
    };
    const base = `/api/v1/workspaces/${workspaceId}`;
    const number = await insertTestNumber(t.database.db, workspaceId, { phone: m.numberPhone, name: 'Line' });
    const ref = { id: number.id, workspaceId };
    const at = options.sentAt ?? Date.now() - 60_000;
    await t.services.ingest.messages(
      ref,
      [inbound({ chat: customer(m.phone), pushName: m.name, text: `hi ${m.text}`, timestamp: at })],
      LIVE,
    );
    await t.services.ingest.messages(
      ref,
      [
        inbound({
          chat: customer(m.phone),
          kind: 'document',
          text: m.caption,
          media: mediaInfo({ mimetype: 'text/plain', fileName: `${m.file}.txt` }),
          timestamp: at + 1,
        }),
      ],
      LIVE,
    );
    await t.services.mediaStore.downloadPending(ref, async () => Buffer.from(`contents ${m.content}`));
    await t.services.ingest.messages(
      ref,
      [inbound({ chat: customer(m.phone), kind: 'image', text: null, media: mediaInfo(), timestamp: at + 2 })],
      LIVE,
    );
    await t.services.mediaStore.downloadPending(ref, async () => Buffer.from(options.sharedBytes));
    const conversation = await t.database.db
      .selectFrom('conversations')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    expect((await as(t.app, owner.cookie).post(`${base}/conversations/${conversation.id}/notes`, { text: m.note })).statusCode).toBe(201);
    expect((await as(t.app, owner.cookie).post(`${base}/labels`, { name: m.label, color: 'blue' })).statusCode).toBe(201);
    expect((await as(t.app, owner.cookie).post(`${base}/canned-replies`, { shortcut: 'thanks', text: m.canned })).statusCode).toBe(201);
    const contact = await as(t.app, owner.cookie).post(`${base}/contacts`, {
      phone: `+${phone()}`,
      name: m.contactNotes,
      notes: m.contactNotes,
    });
    expect(contact.statusCode, contact.body).toBe(201);
    await t.database.db
      .insertInto('wa_auth_keys')
      .values({ number_id: number.id, category: 'session', key_id: `${m.key}.0`, value: Buffer.from(m.key), updated_at: Date.now() })
      .execute();
    return { markers: Object.values(m), number, conversationId: conversation.id };
  }

  it('finds every table a workspace owns from the foreign keys, children before parents', async () => {
    const owned = (await workspaceOwnedTables(t.database.db)).map((o) => o.table);
    for (const table of [
      'messages',
      'media',
      'conversations',
      'contacts',
      'numbers',
      'activity_log',
      'search_docs',
      'usage_events',
      'memberships',
    ]) {
      expect(owned).toContain(table);
    }
    expect(owned.indexOf('messages')).toBeLessThan(owned.indexOf('conversations'));
    expect(owned.indexOf('conversations')).toBeLessThan(owned.indexOf('contacts'));
    expect(owned.indexOf('messages')).toBeLessThan(owned.indexOf('media'));
    expect(owned).not.toContain('workspace_deletions');
    if (t.database.dialect === 'sqlite')
      expect(await tableNames(t.database)).toEqual(expect.arrayContaining(['search_fts', 'search_fts_data', 'search_fts_idx']));
  });

  it('deletes a workspace in the background: hidden at once, resumes after a crash mid-way, and leaves nothing in any table, index or file', async () => {
    const keep = (await as(t.app, owner.cookie).post('/api/v1/workspaces', { name: 'Keep shop' })).json<WorkspaceDtoT>();
    const shared = `shared ${word('both')}`;
    const doomed = await seed(owner.workspaceId, { sharedBytes: shared });
    const kept = await seed(keep.id, { sharedBytes: shared });
    const agent = await memberOf(t.app, owner.cookie, owner.workspaceId, 'agent');
    await expectPresent(t.database, [...doomed.markers, ...kept.markers]);
    const sharedHash = (
      await t.database.db
        .selectFrom('media')
        .select('sha256')
        .where('workspace_id', '=', keep.id)
        .where('mimetype', '=', 'image/jpeg')
        .executeTakeFirstOrThrow()
    ).sha256!;

    const path_ = `/api/v1/workspaces/${owner.workspaceId}`;
    expect(errorFields(await as(t.app, owner.cookie).delete(path_, { confirmName: 'my store' }))).toHaveProperty('confirmName');
    expectError(await as(t.app, agent.cookie).delete(path_, { confirmName: 'My store' }), 403, 'forbidden');
    const accepted = await as(t.app, owner.cookie).delete(path_, { confirmName: 'My store' });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const deletion = accepted.json<WorkspaceDeletionDtoT>();
    expect(deletion).toMatchObject({
      state: 'pending',
      step: 'numbers',
      numbers: { total: 1, done: 0 },
      messages: { total: 3, deleted: 0 },
      percent: 0,
    });

    // Inaccessible to everyone at once, before any data is erased.
    for (const who of [owner, agent]) {
      expectError(await as(t.app, who.cookie).get(path_), 404, 'not_found');
      expectError(await as(t.app, who.cookie).get(`${path_}/conversations`), 404, 'not_found');
    }
    expect((await as(t.app, owner.cookie).get('/api/v1/me')).json().workspaces.map((w: { id: string }) => w.id)).toEqual([keep.id]);
    expectError(await as(t.app, agent.cookie).get(`/api/v1/workspace-deletions/${deletion.id}`), 404, 'not_found');

    // A crash in the middle of the messages step (batches of one).
    let batches = 0;
    const crashing = createWorkspaceEraser({
      db: t.database.db,
      clock: { now: () => Date.now() },
      dataDir: t.database.dataDir,
      pathOf: (h) => t.services.mediaStore.pathOf(h),
      endNumberSession: async (id) => void (await t.services.numberManager.deleteSession(id, { messages: 'keep' })),
      holderId: 'crashing-process',
      batchSize: 1,
      retryDelayMs: 0,
      afterBatch: (step) => {
        if (step === 'messages' && ++batches === 2) throw new Error('simulated crash');
      },
    });
    expect(await crashing.runPending()).toEqual({ completed: 0, failed: 1 });
    const halfway = (await as(t.app, owner.cookie).get(`/api/v1/workspace-deletions/${deletion.id}`)).json<WorkspaceDeletionDtoT>();
    expect(halfway).toMatchObject({
      state: 'failed',
      step: 'messages',
      numbers: { done: 1 },
      messages: { total: 3, deleted: 2 },
      error: 'simulated crash',
      attempts: 1,
    });
    expect(halfway.percent).toBeGreaterThan(0);
    expect(halfway.percent).toBeLessThan(100);
    expect(await t.database.db.selectFrom('wa_auth_keys').select('key_id').where('number_id', '=', doomed.number.id).execute()).toEqual([]);

    // The next run of the job (here: the app's own) resumes and completes.
    const resumed = createWorkspaceEraser({
      db: t.database.db,
      clock: { now: () => Date.now() },
      dataDir: t.database.dataDir,
      pathOf: (h) => t.services.mediaStore.pathOf(h),
      endNumberSession: async (id) => void (await t.services.numberManager.deleteSession(id, { messages: 'keep' })),
      holderId: 'next-process',
      batchSize: 2,
    });
    expect(await resumed.runPending()).toEqual({ completed: 1, failed: 0 });
    const done = (await as(t.app, owner.cookie).get(`/api/v1/workspace-deletions/${deletion.id}`)).json<WorkspaceDeletionDtoT>();
    expect(done).toMatchObject({ state: 'done', step: 'done', percent: 100, messages: { total: 3, deleted: 3 }, attempts: 2, error: null });
    expect(done.media.deleted).toBe(2);
    expect(done.media.filesDeleted).toBe(1);
    expect(done.finishedAt).not.toBeNull();
    expect((await as(t.app, owner.cookie).get('/api/v1/workspace-deletions')).json().items[0]).toMatchObject({
      id: deletion.id,
      state: 'done',
    });

    await expectErased(t.database, doomed.markers);
    // No row of any table still names the workspace, except the deletion's own record and the log entry about it.
    const dump = await dumpDatabase(t.database);
    expect(
      dump
        .split('\n')
        .filter((l) => l.includes(owner.workspaceId) && !l.startsWith('workspace_deletions:') && !l.includes('workspace.deleted')),
    ).toEqual([]);
    // The other workspace keeps everything, including the file both used.
    await expectPresent(t.database, kept.markers);
    expect(fs.existsSync(t.services.mediaStore.pathOf(sharedHash))).toBe(true);
    expect((await as(t.app, owner.cookie).get(`/api/v1/workspaces/${keep.id}/conversations`)).statusCode).toBe(200);
    // The deletion is in the requester's remaining workspace log.
    const log = (await as(t.app, owner.cookie).get(`/api/v1/workspaces/${keep.id}/activity?action=workspace.deleted`)).json();
    expect(log.items).toEqual([expect.objectContaining({ target: { type: 'workspace', id: owner.workspaceId, label: null } })]);
  });

  it('message retention: off by default; when set, older messages, their media, files and search entries go, newer ones stay', async () => {
    const base = `/api/v1/workspaces/${owner.workspaceId}`;
    expect((await as(t.app, owner.cookie).get(base)).json()).toMatchObject({ messageRetentionDays: null });
    const old = await seed(owner.workspaceId, { sharedBytes: `old shared ${word('x')}`, sentAt: Date.now() - 40 * DAY_MS });
    const number = { id: old.number.id, workspaceId: owner.workspaceId };
    const customerPhone = (
      await t.database.db
        .selectFrom('contacts')
        .select('phone')
        .where('workspace_id', '=', owner.workspaceId)
        .orderBy('created_at')
        .executeTakeFirstOrThrow()
    ).phone;
    const oldMessage = await t.database.db
      .selectFrom('messages')
      .select(['provider_message_id'])
      .where('text', 'like', 'hi %')
      .executeTakeFirstOrThrow();
    const recentText = word('recent');
    const quoting = inbound({
      chat: customer(customerPhone),
      text: recentText,
      timestamp: Date.now() - DAY_MS,
      quoted: { providerMessageId: oldMessage.provider_message_id!, text: 'the old one' },
    });
    await t.services.ingest.messages(number, [quoting], LIVE);

    const clock = { now: () => Date.now() };
    const pathOf = (h: string) => t.services.mediaStore.pathOf(h);
    // Off: nothing happens.
    expect(await purgeExpiredMessages({ db: t.database.db, clock, pathOf })).toEqual({ messages: 0, media: 0, files: 0 });

    expectError(await as(t.app, owner.cookie).patch(base, { messageRetentionDays: 3651 }), 400, 'validation_failed');
    expectError(await as(t.app, owner.cookie).patch(base, { messageRetentionDays: -1 }), 400, 'validation_failed');
    const patched = await as(t.app, owner.cookie).patch(base, { messageRetentionDays: 30 });
    expect(patched.json()).toMatchObject({ messageRetentionDays: 30 });
    const result = await purgeExpiredMessages({ db: t.database.db, clock, pathOf, batchSize: 2 });
    expect(result).toEqual({ messages: 3, media: 2, files: 2 });

    const messageMarkers = old.markers.slice(2, 6); // text, caption, file name, file content
    await expectErased(t.database, [...messageMarkers, 'the old one']);
    await expectPresent(t.database, [recentText]);
    const left = await t.database.db
      .selectFrom('messages')
      .select(['text', 'quoted_text'])
      .where('workspace_id', '=', owner.workspaceId)
      .execute();
    expect(left).toEqual([{ text: recentText, quoted_text: null }]);
    // Search finds the newer message only.
    const search = (q: string) =>
      as(t.app, owner.cookie)
        .get(`${base}/conversations?q=${q}`)
        .then((r) => r.json().items.length);
    expect(await search(recentText)).toBe(1);
    expect(await search(old.markers[2]!)).toBe(0);
    // Conversations stay; the contact stays.
    expect((await t.database.db.selectFrom('conversations').select('id').where('id', '=', old.conversationId).execute()).length).toBe(1);
    expect(path.isAbsolute(pathOf('a'.repeat(64)))).toBe(true);

    await as(t.app, owner.cookie).patch(base, { messageRetentionDays: null });
    expect((await as(t.app, owner.cookie).get(base)).json()).toMatchObject({ messageRetentionDays: null });
  });
});
