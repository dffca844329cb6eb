import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboxMessageDtoT } from '../../src/contracts/inbox.js';
import type { UploadedMediaDtoT } from '../../src/contracts/media.js';
import type { MessageDtoT } from '../../src/contracts/messages.js';
import { runMaintenance } from '../../src/server/jobs/maintenance.js';
import { purgeUnusedMedia } from '../../src/server/modules/media/unused-media.js';
import { toBaileysSend } from '../../src/server/whatsapp/baileys/outbound.js';
import { fakeClock } from '../support/clock.js';
import { multipartFile } from '../support/contacts.js';
import { firstOwner, ownerOfNewWorkspace } from '../support/factories.js';
import { as, call, expectError } from '../support/http.js';
import { freshAppPerTest } from '../support/lifecycle.js';
import { createWhatsAppTestApp } from '../support/numbers-app.js';
import { insertTestNumber } from '../support/numbers.js';
import { TINY_PNG } from '../support/files.js';

/** Real signatures, so the server's check on the bytes passes. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60, 1)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62, 0)]);
const MB = 1024 * 1024;

type App = ReturnType<typeof createWhatsAppTestApp> extends Promise<infer A> ? A : never;

function upload(app: App['app'], cookie: string, ws: string, bytes: Buffer, fileName: string, type: string) {
  return call(app, 'POST', `/api/v1/workspaces/${ws}/media`, { cookie, ...multipartFile(bytes, fileName, type) });
}

describe('media uploads', () => {
  const clock = fakeClock();
  const t = freshAppPerTest(() => ({ clock }));

  async function setup() {
    const owner = await firstOwner(t().app);
    return { owner, ws: owner.workspaceId };
  }

  /** Files left in the temporary upload folder: a refused upload leaves none. */
  const leftovers = () => {
    const dir = path.join(t().config.dataDir, 'media', 'tmp');
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  it('stores an image streamed to disk under its hash, and serves it back to members', async () => {
    const { owner, ws } = await setup();
    const response = await upload(t().app, owner.cookie, ws, TINY_PNG, 'receipt.png', 'image/png');
    expect(response.statusCode, response.body).toBe(201);
    const media = response.json() as UploadedMediaDtoT;
    expect(media).toEqual({ id: expect.any(String), kind: 'image', mimetype: 'image/png', fileName: 'receipt.png', size: TINY_PNG.length });
    const row = await t().database.db.selectFrom('media').selectAll().where('id', '=', media.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ workspace_id: ws, state: 'stored', size: TINY_PNG.length, handle: null });
    expect(fs.readFileSync(t().services.mediaStore.pathOf(row.sha256!)).equals(TINY_PNG)).toBe(true);
    const served = await as(t().app, owner.cookie).get(`/api/v1/workspaces/${ws}/media/${media.id}`);
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(TINY_PNG)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('takes the type from the extension when the browser says only octet-stream, and checks it on the bytes', async () => {
    const { owner, ws } = await setup();
    const ok = await upload(t().app, owner.cookie, ws, PDF, 'Invoice March.pdf', 'application/octet-stream');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ kind: 'document', mimetype: 'application/pdf', fileName: 'Invoice March.pdf' });
    const ogg = await upload(t().app, owner.cookie, ws, OGG, 'note.ogg', 'audio/ogg');
    expect(ogg.json()).toMatchObject({ kind: 'audio', mimetype: 'audio/ogg' });
  });

  it('refuses a file whose bytes are not what its type claims, and types WhatsApp does not send (415 media_type_not_allowed)', async () => {
    const { owner, ws } = await setup();
    const disguised = await upload(t().app, owner.cookie, ws, EXE, 'cute-cat.png', 'image/png');
    expect(expectError(disguised, 415, 'media_type_not_allowed').error.message).toContain('do not match its type (image/png)');
    expectError(await upload(t().app, owner.cookie, ws, EXE, 'setup.exe', 'application/x-msdownload'), 415, 'media_type_not_allowed');
    expectError(await upload(t().app, owner.cookie, ws, EXE, 'setup.exe', 'application/octet-stream'), 415, 'media_type_not_allowed');
    // A PDF is not an image, whatever the name says.
    expectError(await upload(t().app, owner.cookie, ws, PDF, 'photo.jpg', 'image/jpeg'), 415, 'media_type_not_allowed');
    expect(await t().database.db.selectFrom('media').select('id').execute()).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it("refuses a file over its kind's WhatsApp limit (413 media_too_large) and keeps nothing of it", async () => {
    const { owner, ws } = await setup();
    const bigImage = Buffer.concat([TINY_PNG, Buffer.alloc(5 * MB)]);
    const refused = expectError(await upload(t().app, owner.cookie, ws, bigImage, 'big.png', 'image/png'), 413, 'media_too_large');
    expect(refused.error.message).toBe('Images can be at most 5 MB on WhatsApp.');
    expect(refused.error.details).toEqual({ kind: 'image', maxBytes: 5 * MB });
    // The same size is fine for a document, whose limit is 100 MB.
    const bigPdf = Buffer.concat([PDF, Buffer.alloc(5 * MB)]);
    expect((await upload(t().app, owner.cookie, ws, bigPdf, 'big.pdf', 'application/pdf')).statusCode).toBe(201);
    const bigSticker = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), Buffer.alloc(600 * 1024)]);
    expectError(await upload(t().app, owner.cookie, ws, bigSticker, 's.webp', 'image/webp'), 413, 'media_too_large');
    expect(await t().database.db.selectFrom('media').select('mimetype').execute()).toEqual([{ mimetype: 'application/pdf' }]);
    expect(leftovers()).toEqual([]);
  });

  it('answers clear errors for a missing file, an empty file and no session', async () => {
    const { owner, ws } = await setup();
    expectError(await upload(t().app, owner.cookie, ws, Buffer.alloc(0), 'empty.pdf', 'application/pdf'), 400, 'validation_failed');
    expectError(
      await call(t().app, 'POST', `/api/v1/workspaces/${ws}/media`, { ...multipartFile(TINY_PNG, 'a.png', 'image/png') }),
      401,
      'unauthenticated',
    );
    const noFile = await call(t().app, 'POST', `/api/v1/workspaces/${ws}/media`, {
      cookie: owner.cookie,
      payload: '--x--\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expectError(noFile, 400, 'validation_failed');
  });

  it("keeps another workspace's files out of reach: upload into it, read, and send its media id all answer 404", async () => {
    const { owner, ws } = await setup();
    const other = await ownerOfNewWorkspace(t().app, owner);
    const theirs = (
      await upload(t().app, other.cookie, other.workspaceId, TINY_PNG, 'theirs.png', 'image/png')
    ).json() as UploadedMediaDtoT;
    expectError(await upload(t().app, owner.cookie, other.workspaceId, TINY_PNG, 'x.png', 'image/png'), 404, 'not_found');
    expectError(await as(t().app, owner.cookie).get(`/api/v1/workspaces/${ws}/media/${theirs.id}`), 404, 'not_found');
    const number = await insertTestNumber(t().database.db, ws);
    const send = await as(t().app, owner.cookie).post(`/api/v1/workspaces/${ws}/messages`, {
      numberId: number.id,
      to: '+447700900123',
      mediaId: theirs.id,
    });
    expectError(send, 404, 'not_found');
    expect(await t().database.db.selectFrom('messages').select('id').execute()).toEqual([]);
  });

  it('refuses a caption on audio and a message with neither text nor file', async () => {
    const { owner, ws } = await setup();
    const number = await insertTestNumber(t().database.db, ws);
    const audio = (await upload(t().app, owner.cookie, ws, OGG, 'note.ogg', 'audio/ogg')).json() as UploadedMediaDtoT;
    const url = `/api/v1/workspaces/${ws}/messages`;
    const api = as(t().app, owner.cookie);
    expectError(
      await api.post(url, { numberId: number.id, to: '+447700900123', mediaId: audio.id, text: 'listen' }),
      400,
      'validation_failed',
    );
    expectError(await api.post(url, { numberId: number.id, to: '+447700900123' }), 400, 'validation_failed');
    const ok = await api.post(url, { numberId: number.id, to: '+447700900123', mediaId: audio.id });
    expect(ok.statusCode, ok.body).toBe(202);
    expect(ok.json()).toMatchObject({ kind: 'audio', text: null, media: { id: audio.id, mimetype: 'audio/ogg' } });
  });

  it('maintenance deletes uploads nothing used after a day, with their files, and keeps the used ones', async () => {
    const { owner, ws } = await setup();
    const number = await insertTestNumber(t().database.db, ws);
    const unused = (await upload(t().app, owner.cookie, ws, PDF, 'draft.pdf', 'application/pdf')).json() as UploadedMediaDtoT;
    const used = (await upload(t().app, owner.cookie, ws, TINY_PNG, 'sent.png', 'image/png')).json() as UploadedMediaDtoT;
    const sent = await as(t().app, owner.cookie).post(`/api/v1/workspaces/${ws}/messages`, {
      numberId: number.id,
      to: '+447700900123',
      mediaId: used.id,
    });
    expect(sent.statusCode).toBe(202);
    const fileOf = async (id: string) => {
      const row = await t().database.db.selectFrom('media').select('sha256').where('id', '=', id).executeTakeFirstOrThrow();
      return t().services.mediaStore.pathOf(row.sha256!);
    };
    const unusedFile = await fileOf(unused.id);
    const usedFile = await fileOf(used.id);
    const purge = () => purgeUnusedMedia({ db: t().database.db, clock, pathOf: (h) => t().services.mediaStore.pathOf(h) });

    clock.advance(23 * 60 * 60 * 1000);
    expect(await purge()).toBe(0);
    clock.advance(2 * 60 * 60 * 1000);
    const result = await runMaintenance({ db: t().database.db, clock, activity: t().services.activity, purgeUnusedMedia: purge });
    expect(result.unusedMediaDeleted).toBe(1);
    const left = await t().database.db.selectFrom('media').select('id').execute();
    expect(left).toEqual([{ id: used.id }]);
    expect(fs.existsSync(unusedFile)).toBe(false);
    expect(fs.existsSync(usedFile)).toBe(true);
  });
});

describe('sending media through a number', () => {
  let t: App;
  beforeEach(async () => {
    t = await createWhatsAppTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  async function connectedNumber() {
    const owner = await firstOwner(t.app);
    const ws = owner.workspaceId;
    const api = as(t.app, owner.cookie);
    const id = (await api.post(`/api/v1/workspaces/${ws}/numbers`, { name: 'Shop' })).json().id as string;
    expect((await api.post(`/api/v1/workspaces/${ws}/numbers/${id}/link`, { method: 'qr' })).statusCode).toBe(200);
    const session = t.provider.last(id)!;
    await session.connect('447700900001', { isNewLogin: true });
    await t.services.numberManager.settled();
    return { owner, ws, api, numberId: id, session };
  }

  it('an image with a caption and a renamed document reach the provider as their kinds, and show in the conversation', async () => {
    const { owner, ws, api, numberId, session } = await connectedNumber();
    const image = (await upload(t.app, owner.cookie, ws, TINY_PNG, 'teapot.png', 'image/png')).json() as UploadedMediaDtoT;
    const sent = await api.post(`/api/v1/workspaces/${ws}/messages`, {
      numberId,
      to: '+44 7700 900123',
      mediaId: image.id,
      text: 'Your teapot, packed',
    });
    expect(sent.statusCode, sent.body).toBe(202);
    const message = sent.json() as MessageDtoT;
    expect(message).toMatchObject({
      kind: 'image',
      text: 'Your teapot, packed',
      status: 'queued',
      media: { id: image.id, state: 'stored' },
    });

    await vi.waitFor(() => expect(session.sent).toHaveLength(1), { timeout: 15_000 });
    const out = session.sent[0]!;
    expect(out).toMatchObject({ to: '447700900123', media: { kind: 'image', mimetype: 'image/png', caption: 'Your teapot, packed' } });
    expect(out.text).toBeUndefined();
    const data = out.media!.data as { path: string };
    expect(fs.readFileSync(data.path).equals(TINY_PNG)).toBe(true);
    // What the Baileys adapter hands to WhatsApp for it.
    const baileys = toBaileysSend(out);
    expect(baileys.content).toMatchObject({ image: { stream: expect.anything() }, caption: 'Your teapot, packed', mimetype: 'image/png' });
    ((baileys.content as { image: { stream: fs.ReadStream } }).image.stream as fs.ReadStream).destroy();

    // The inbox reply path: a document, renamed for this customer, no caption.
    const doc = (await upload(t.app, owner.cookie, ws, PDF, 'inv-0042.pdf', 'application/pdf')).json() as UploadedMediaDtoT;
    const reply = await api.post(`/api/v1/workspaces/${ws}/conversations/${message.conversationId}/messages`, {
      mediaId: doc.id,
      fileName: 'Invoice March.pdf',
    });
    expect(reply.statusCode, reply.body).toBe(202);
    await vi.waitFor(() => expect(session.sent).toHaveLength(2), { timeout: 15_000 });
    expect(session.sent[1]).toMatchObject({ media: { kind: 'document', mimetype: 'application/pdf', fileName: 'Invoice March.pdf' } });
    expect(session.sent[1]!.media!.caption).toBeUndefined();

    await vi.waitFor(
      async () => {
        const page = (await api.get(`/api/v1/workspaces/${ws}/conversations/${message.conversationId}/messages`)).json() as {
          items: InboxMessageDtoT[];
        };
        expect(page.items.map((m) => [m.kind, m.status, m.media?.fileName, m.text])).toEqual([
          ['document', 'sent', 'Invoice March.pdf', null],
          ['image', 'sent', 'teapot.png', 'Your teapot, packed'],
        ]);
      },
      { timeout: 15_000 },
    );
    const conv = (await api.get(`/api/v1/workspaces/${ws}/conversations/${message.conversationId}`)).json() as {
      lastMessage: { preview: string };
    };
    expect(conv.lastMessage.preview).toBe('📄 Document: Invoice March.pdf');
    // The stored file keeps its own name: only this message renamed it.
    const row = await t.database.db.selectFrom('media').select('file_name').where('id', '=', doc.id).executeTakeFirstOrThrow();
    expect(row.file_name).toBe('inv-0042.pdf');
  });
});
