import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customer, inbound, lidCustomer, mediaInfo } from '../../../../test/support/inbound.js';
import { inboxHarness, type InboxHarness } from '../../../../test/support/inbox.js';
import { ProviderError, type Receipt } from '../../whatsapp/provider.js';
import { findContactsByPhones } from '../contacts/repo.js';
import { existingProviderIds, findConversation, findMessage, findMessagesByProviderIds } from './repo.js';

const LIVE = { isHistory: false, upsertType: 'notify' } as const;
const HISTORY = { isHistory: true } as const;

describe('ingest', () => {
  let h: InboxHarness;
  beforeEach(async () => {
    h = await inboxHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const conversations = (numberId: string) => h.db.selectFrom('conversations').selectAll().where('number_id', '=', numberId).execute();
  const messagesOf = (conversationId: string) =>
    h.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).orderBy('sent_at').execute();
  const contacts = () => h.db.selectFrom('contacts').selectAll().where('workspace_id', '=', h.number.workspaceId).execute();

  describe('messages', () => {
    it('stores a batch once: a repeated batch or a repeated id changes nothing and publishes nothing', async () => {
      const alice = customer('447700900123');
      const batch = [inbound({ chat: alice, pushName: 'Alice' }), inbound({ chat: alice }), inbound({ chat: alice })];
      const first = await h.ingest.messages(h.number, [...batch, batch[0]!], LIVE);
      expect(first).toMatchObject({ inserted: 3, duplicates: 1, ignored: 0 });

      const [conv] = await conversations(h.number.id);
      expect(conv).toMatchObject({ unread_count: 3, status: 'open', last_message_direction: 'in', last_message_preview: batch[2]!.text });
      expect(conv!.waiting_since).toBe(batch[0]!.timestamp);
      const events = h.take();
      expect(events.filter((e) => e.type === 'message.created')).toHaveLength(3);
      expect(events.filter((e) => e.type === 'conversation.updated')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'contact.updated')).toHaveLength(1);
      expect((await contacts())[0]).toMatchObject({ phone: '447700900123', push_name: 'Alice', first_seen_at: batch[0]!.timestamp });

      const again = await h.ingest.messages(h.number, batch, LIVE);
      expect(again).toMatchObject({ inserted: 0, duplicates: 3 });
      expect(h.take()).toEqual([]);
      expect((await conversations(h.number.id))[0]!.unread_count).toBe(3);
      expect(await messagesOf(conv!.id)).toHaveLength(3);
    });

    it('keeps one contact per phone across numbers, with one conversation per number', async () => {
      const bob = customer('4915112345678');
      await h.ingest.messages(h.number, [inbound({ chat: bob })], LIVE);
      await h.ingest.messages(h.number2, [inbound({ chat: bob })], LIVE);
      expect(await contacts()).toHaveLength(1);
      const [c1] = await conversations(h.number.id);
      const [c2] = await conversations(h.number2.id);
      expect(c1!.contact_id).toBe(c2!.contact_id);
      expect(c1!.id).not.toBe(c2!.id);
    });

    it('an answer from the phone clears waiting without touching unread; a new customer message reopens a resolved conversation', async () => {
      const carol = customer('447700900124');
      const hi = inbound({ chat: carol });
      await h.ingest.messages(h.number, [hi], LIVE);
      const answer = inbound({ chat: carol, fromMe: true, text: 'we are on it' });
      await h.ingest.messages(h.number, [answer], { isHistory: false, upsertType: 'append' });
      let [conv] = await conversations(h.number.id);
      expect(conv).toMatchObject({
        unread_count: 1,
        waiting_since: null,
        last_message_direction: 'out',
        last_message_preview: 'we are on it',
      });
      const stored = await findMessagesByProviderIds(h.db, h.number.workspaceId, h.number.id, [answer.providerMessageId]);
      expect(stored[0]).toMatchObject({ direction: 'out', status: 'sent', sender_user_id: null });

      await h.db.updateTable('conversations').set({ status: 'resolved' }).where('id', '=', conv!.id).execute();
      // An older message arriving late does not replace the newer preview.
      const late = inbound({ chat: carol, timestamp: hi.timestamp - 60_000, text: 'late' });
      const again = inbound({ chat: carol, text: 'still there?' });
      await h.ingest.messages(h.number, [again, late], LIVE);
      [conv] = await conversations(h.number.id);
      expect(conv).toMatchObject({ status: 'open', unread_count: 3, last_message_preview: 'still there?', last_message_direction: 'in' });
      expect(conv!.waiting_since).toBe(late.timestamp);
    });

    it('stores kinds with their payload and a pending media row whose handle is sealed', async () => {
      const dan = customer('447700900125');
      const photo = inbound({ chat: dan, kind: 'image', text: 'my receipt', media: mediaInfo(), isForwarded: true, isViewOnce: true });
      const doc = inbound({
        chat: dan,
        kind: 'document',
        text: null,
        media: mediaInfo({ mimetype: 'application/pdf', fileName: 'invoice.pdf', handle: 'wa1.doc-handle' }),
      });
      const place = inbound({
        chat: dan,
        kind: 'location',
        text: null,
        location: { lat: 51.5, lng: -0.12, name: 'Shop', address: '1 High St', live: false },
      });
      const card = inbound({ chat: dan, kind: 'contact', text: null, contacts: [{ displayName: 'Eve', vcard: 'BEGIN:VCARD' }] });
      const quoted = inbound({ chat: dan, text: 'this one', quoted: { providerMessageId: photo.providerMessageId, text: 'my receipt' } });
      await h.ingest.messages(h.number, [photo, doc, place, card, quoted], LIVE);

      const rows = await findMessagesByProviderIds(
        h.db,
        h.number.workspaceId,
        h.number.id,
        [photo, doc, place, card, quoted].map((m) => m.providerMessageId),
      );
      const by = (id: string) => rows.find((r) => r.provider_message_id === id)!;
      expect(JSON.parse(by(photo.providerMessageId).payload)).toMatchObject({ isForwarded: true, isViewOnce: true, media: { width: 640 } });
      expect(JSON.parse(by(place.providerMessageId).payload).location).toMatchObject({ lat: 51.5, name: 'Shop' });
      expect(JSON.parse(by(card.providerMessageId).payload).contacts).toEqual([{ displayName: 'Eve', vcard: 'BEGIN:VCARD' }]);
      expect(by(quoted.providerMessageId)).toMatchObject({ quoted_provider_id: photo.providerMessageId, quoted_text: 'my receipt' });

      const media = await h.db
        .selectFrom('media')
        .selectAll()
        .where('id', '=', by(doc.providerMessageId).media_id!)
        .executeTakeFirstOrThrow();
      expect(media).toMatchObject({ state: 'pending', mimetype: 'application/pdf', file_name: 'invoice.pdf', size: 1234, sha256: null });
      const sealed = Buffer.from(media.handle!);
      expect(sealed.includes(Buffer.from('wa1.doc-handle'))).toBe(false);
      expect(h.box.open(sealed).toString()).toBe('wa1.doc-handle');
      const [conv] = await conversations(h.number.id);
      expect(conv!.last_message_preview).toBe('this one');
      expect(by(doc.providerMessageId).kind).toBe('document');
    });

    it('downloads pending media into content-addressed files, only within the workspace', async () => {
      const dan = customer('447700900125');
      const photo = inbound({ chat: dan, kind: 'image', text: null, media: mediaInfo({ handle: 'wa1.photo' }) });
      const voice = inbound({ chat: dan, kind: 'voice', text: null, media: mediaInfo({ mimetype: 'audio/ogg', handle: 'wa1.voice' }) });
      await h.ingest.messages(h.number, [photo, voice], LIVE);
      h.take();

      // Offline: nothing fails, everything stays pending.
      const offline = await h.media.downloadPending(h.number, async () => {
        throw new ProviderError('not_connected', 'offline');
      });
      expect(offline).toEqual({ stored: 0, failed: 0, stoppedEarly: true });

      const bytes = Buffer.from('jpeg bytes');
      const summary = await h.media.downloadPending(h.number, async (handle) => {
        if (handle === 'wa1.voice') throw new Error('media expired');
        expect(handle).toBe('wa1.photo');
        return bytes;
      });
      expect(summary).toEqual({ stored: 1, failed: 1, stoppedEarly: false });
      const [row] = await findMessagesByProviderIds(h.db, h.number.workspaceId, h.number.id, [photo.providerMessageId]);
      const media = await h.db.selectFrom('media').selectAll().where('id', '=', row!.media_id!).executeTakeFirstOrThrow();
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(media).toMatchObject({ state: 'stored', sha256: sha, size: bytes.length, handle: null });
      expect(fs.readFileSync(h.media.pathOf(sha))).toEqual(bytes);
      expect(h.media.pathOf(sha)).toContain(`/media/${sha.slice(0, 2)}/${sha}`);
      expect(h.take().filter((e) => e.type === 'message.updated')).toHaveLength(2);

      const opened = await h.media.open(h.number.workspaceId, media.id);
      expect(opened).toMatchObject({ mimetype: 'image/jpeg', size: bytes.length });
      const chunks: Buffer[] = [];
      for await (const chunk of opened!.stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks)).toEqual(bytes);
      expect(await h.media.open(h.otherNumber.workspaceId, media.id)).toBeNull();
      // Nothing left to do.
      expect(await h.media.downloadPending(h.number, async () => bytes)).toEqual({ stored: 0, failed: 0, stoppedEarly: false });
    });

    it('files a LID-only customer under a placeholder, then merges it into the phone contact when the mapping arrives', async () => {
      const lidOnly = lidCustomer('99887766');
      await h.ingest.messages(h.number, [inbound({ chat: lidOnly, pushName: 'Frank' }), inbound({ chat: lidOnly })], LIVE);
      let all = await contacts();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ phone: 'lid:99887766', lid: '99887766', push_name: 'Frank' });

      // The same person already wrote from their phone to the other number, and to this number.
      const frank = customer('447700900126');
      await h.ingest.messages(h.number2, [inbound({ chat: frank })], LIVE);
      await h.ingest.messages(h.number, [inbound({ chat: frank, timestamp: Date.parse('2026-05-01T00:00:00Z') })], LIVE);
      expect(await contacts()).toHaveLength(2);
      expect(await conversations(h.number.id)).toHaveLength(2);
      h.take();

      await h.ingest.lidMappings(h.number, [{ lid: '99887766', phone: '447700900126' }]);
      all = await contacts();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ phone: '447700900126', lid: '99887766', push_name: 'Frank' });
      const convs = await conversations(h.number.id);
      expect(convs).toHaveLength(1);
      expect(convs[0]!.contact_id).toBe(all[0]!.id);
      expect(convs[0]!.unread_count).toBe(3);
      expect(await messagesOf(convs[0]!.id)).toHaveLength(3);
      expect((await conversations(h.number2.id))[0]!.contact_id).toBe(all[0]!.id);
      const events = h.take();
      expect(events.some((e) => e.type === 'conversation.updated' && e.payload.conversationId === convs[0]!.id)).toBe(true);

      // Known mapping: a later LID-only message lands in the same conversation.
      await h.ingest.messages(h.number, [inbound({ chat: lidOnly })], LIVE);
      expect(await conversations(h.number.id)).toHaveLength(1);
      expect(await messagesOf(convs[0]!.id)).toHaveLength(4);
      // Repeating the mapping is a no-op.
      await h.ingest.lidMappings(h.number, [{ lid: '99887766', phone: '447700900126' }]);
      expect(h.take().filter((e) => e.type === 'contact.updated')).toEqual([]);
    });

    it('renames a LID placeholder in place when the phone contact does not exist yet', async () => {
      await h.ingest.messages(h.number, [inbound({ chat: lidCustomer('5550001') })], LIVE);
      const [before] = await contacts();
      await h.ingest.lidMappings(h.number, [{ lid: '5550001', phone: '447700900127' }]);
      const [after] = await contacts();
      expect(after).toMatchObject({ id: before!.id, phone: '447700900127', lid: '5550001' });
    });

    it('a batch over many customers counts every message once, whatever the length of its statements', async () => {
      // 37 customers: lookups and updates are padded to 64 entries by repeating the last one, inserts split 32 + 4 + 1.
      const people = Array.from({ length: 37 }, (_, i) => customer(`4477009002${String(i).padStart(2, '0')}`));
      const batch = people.flatMap((chat, i) =>
        Array.from({ length: i === people.length - 1 ? 3 : 2 }, () => inbound({ chat, pushName: `P${i}` })),
      );
      expect(await h.ingest.messages(h.number, batch, LIVE)).toMatchObject({ inserted: 75, duplicates: 0 });
      const convs = await conversations(h.number.id);
      expect(convs).toHaveLength(37);
      const byContact = new Map((await contacts()).map((c) => [c.id, c]));
      const unreadByPhone = new Map(convs.map((c) => [byContact.get(c.contact_id)!.phone, c.unread_count]));
      expect(unreadByPhone.get(people[36]!.phone!)).toBe(3);
      expect(people.slice(0, 36).every((p) => unreadByPhone.get(p.phone!) === 2)).toBe(true);

      // A second batch: every customer is known now, so the contacts' seen times and the conversations move once each.
      const more = people.map((chat) => inbound({ chat }));
      expect(await h.ingest.messages(h.number, more, LIVE)).toMatchObject({ inserted: 37 });
      const after = await conversations(h.number.id);
      expect(after.reduce((sum, c) => sum + c.unread_count, 0)).toBe(75 + 37);
      const lastPerson = (await findContactsByPhones(h.db, h.number.workspaceId, [people[36]!.phone!]))[0]!;
      expect(lastPerson.last_seen_at).toBe(more[36]!.timestamp);
      expect(after.find((c) => c.contact_id === lastPerson.id)).toMatchObject({ unread_count: 4, last_message_at: more[36]!.timestamp });
    });

    it('history does not bump unread, reopen, or publish per message: one conversation.updated per conversation', async () => {
      const gina = customer('447700900128');
      const harry = customer('447700900129');
      const old = Array.from({ length: 6 }, (_, i) => inbound({ chat: i % 2 ? gina : harry, timestamp: Date.parse('2026-01-01') + i }));
      const result = await h.ingest.messages(h.number, old, HISTORY);
      expect(result.inserted).toBe(6);
      const convs = await conversations(h.number.id);
      expect(convs.map((c) => c.unread_count)).toEqual([0, 0]);
      expect(convs.every((c) => c.waiting_since === null && c.last_message_at !== null)).toBe(true);
      const events = h.take();
      expect(events.map((e) => e.type).sort()).toEqual(['conversation.updated', 'conversation.updated']);

      await h.db.updateTable('conversations').set({ status: 'resolved' }).execute();
      await h.ingest.messages(h.number, [inbound({ chat: gina, timestamp: Date.parse('2026-01-02') })], HISTORY);
      expect((await conversations(h.number.id)).map((c) => c.status)).toEqual(['resolved', 'resolved']);
    });

    it('a batch enters the search index in batch order: text, caption and document name; nothing for an empty message or a duplicate', async () => {
      const ivy = customer('447700900131');
      const batch = [
        inbound({ chat: ivy, text: 'first question' }),
        inbound({ chat: ivy, kind: 'document', text: null, media: mediaInfo({ mimetype: 'application/pdf', fileName: 'invoice-77.pdf' }) }),
        inbound({ chat: ivy, kind: 'image', text: null, media: mediaInfo() }),
        inbound({ chat: ivy, kind: 'image', text: 'the red one', media: mediaInfo({ fileName: 'teapot.jpg' }) }),
        inbound({ chat: ivy, text: 'last words' }),
      ];
      // Out of timestamp order on purpose: the index follows the batch as delivered.
      [batch[0], batch[4]] = [
        { ...batch[0]!, timestamp: batch[4]!.timestamp },
        { ...batch[4]!, timestamp: batch[0]!.timestamp },
      ];
      await h.ingest.messages(h.number, batch, LIVE);
      await h.ingest.messages(h.number, batch.slice(0, 2), LIVE);
      const docs = await h.db
        .selectFrom('search_docs as d')
        .innerJoin('messages as m', 'm.id', 'd.message_id')
        .select(['d.body', 'd.conversation_id', 'm.conversation_id as message_conversation_id', 'd.workspace_id'])
        .orderBy('d.id')
        .execute();
      expect(docs.map((d) => d.body)).toEqual(['first question', 'invoice-77.pdf', 'the red one teapot.jpg', 'last words']);
      expect(docs.every((d) => d.conversation_id === d.message_conversation_id && d.workspace_id === h.number.workspaceId)).toBe(true);
    });

    it('a live message is stored while a long history import is still running in chunks', async () => {
      const people = Array.from({ length: 50 }, (_, i) => customer(`4477009${String(10000 + i)}`));
      const history = Array.from({ length: 5000 }, (_, i) => inbound({ chat: people[i % 50]!, timestamp: Date.parse('2025-01-01') + i }));
      let imported = 0;
      const importing = (async () => {
        for (let i = 0; i < history.length; i += 500) {
          const r = await h.ingest.messages(h.number, history.slice(i, i + 500), HISTORY);
          imported += r.inserted;
        }
      })();
      // Let the first chunk start, then a customer writes.
      await new Promise((resolve) => setImmediate(resolve));
      const live = inbound({ chat: customer('447700900130'), text: 'urgent' });
      await h.ingest.messages(h.number, [live], LIVE);
      const importedWhenLiveStored = imported;
      expect(await existingProviderIds(h.db, h.number.workspaceId, h.number.id, [live.providerMessageId])).toEqual(
        new Set([live.providerMessageId]),
      );
      expect(importedWhenLiveStored).toBeLessThan(history.length);
      await importing;
      expect(imported).toBe(5000);
      const count = await h.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(5001);
      expect(h.take().filter((e) => e.type === 'message.created')).toHaveLength(1);
    });
  });

  describe('reactions, edits and deletes', () => {
    it('upserts and removes reactions per actor; an unknown target is ignored', async () => {
      const ivy = customer('447700900131');
      const msg = inbound({ chat: ivy });
      await h.ingest.messages(h.number, [msg], LIVE);
      const [row] = await findMessagesByProviderIds(h.db, h.number.workspaceId, h.number.id, [msg.providerMessageId]);
      h.take();

      const react = (emoji: string, fromMe = false, targetId = msg.providerMessageId) =>
        inbound({ chat: ivy, kind: 'reaction', text: null, fromMe, reaction: { targetId, emoji } });
      expect(await h.ingest.messages(h.number, [react('👍'), react('❤️', true)], LIVE)).toMatchObject({ updated: 2, inserted: 0 });
      const reactions = () => h.db.selectFrom('message_reactions').selectAll().where('message_id', '=', row!.id).orderBy('actor').execute();
      expect((await reactions()).map((r) => [r.actor, r.emoji])).toEqual([
        ['customer', '👍'],
        ['us', '❤️'],
      ]);
      expect(h.take().map((e) => e.type)).toEqual(['message.updated', 'message.updated']);

      await h.ingest.messages(h.number, [react('😂')], LIVE);
      expect((await reactions()).map((r) => r.emoji)).toEqual(['😂', '❤️']);
      await h.ingest.messages(h.number, [react('')], LIVE);
      expect((await reactions()).map((r) => r.actor)).toEqual(['us']);
      h.take();
      // Removing again, and an unknown target: nothing happens.
      const result = await h.ingest.messages(h.number, [react(''), react('👍', false, 'UNKNOWN')], LIVE);
      expect(result).toMatchObject({ updated: 0, ignored: 1 });
      expect(h.take()).toEqual([]);
      // Reactions never count as unread messages.
      expect((await conversations(h.number.id))[0]!.unread_count).toBe(1);
    });

    it('edits keep the original text aside; only the sender may edit; deletes erase the content', async () => {
      const jack = customer('447700900132');
      const msg = inbound({ chat: jack, text: 'price is 10' });
      const photo = inbound({ chat: jack, kind: 'image', text: 'look', media: mediaInfo() });
      const ours = inbound({ chat: jack, fromMe: true, text: 'thanks' });
      await h.ingest.messages(h.number, [msg, photo, ours], LIVE);
      h.take();

      const edit = inbound({ chat: jack, kind: 'edit', text: null, edit: { targetId: msg.providerMessageId, newText: 'price is 12' } });
      const forged = inbound({ chat: jack, kind: 'edit', text: null, edit: { targetId: ours.providerMessageId, newText: 'forged' } });
      expect(await h.ingest.messages(h.number, [edit, forged], LIVE)).toMatchObject({ updated: 1, ignored: 1 });
      const [edited] = await findMessagesByProviderIds(h.db, h.number.workspaceId, h.number.id, [msg.providerMessageId]);
      expect(edited).toMatchObject({ text: 'price is 12', edited_at: edit.timestamp });
      expect(JSON.parse(edited!.payload).originalText).toBe('price is 10');
      expect((await findMessagesByProviderIds(h.db, h.number.workspaceId, h.number.id, [ours.providerMessageId]))[0]!.text).toBe('thanks');
      // The same edit again: no change, no event.
      h.take();
      await h.ingest.messages(h.number, [edit], LIVE);
      expect(h.take()).toEqual([]);

      const revokeOurs = inbound({ chat: jack, kind: 'revoke', text: null, fromMe: true, revoke: { targetId: ours.providerMessageId } });
      const revokePhoto = inbound({ chat: jack, kind: 'revoke', text: null, revoke: { targetId: photo.providerMessageId } });
      await h.ingest.messages(h.number, [revokeOurs, revokePhoto], LIVE);
      const rows = await findMessagesByProviderIds(h.db, h.number.workspaceId, h.number.id, [
        ours.providerMessageId,
        photo.providerMessageId,
      ]);
      for (const r of rows) expect(r).toMatchObject({ text: null, media_id: null, revoked_at: expect.any(Number) });
      expect(await h.db.selectFrom('media').selectAll().execute()).toEqual([]);
      const [conv] = await conversations(h.number.id);
      expect(conv!.last_message_preview).toBe('🚫 This message was deleted');
      h.take();
      await h.ingest.messages(h.number, [revokePhoto], LIVE);
      expect(h.take()).toEqual([]);
    });
  });

  describe('receipts', () => {
    async function outbound() {
      const kim = customer('447700900133');
      const ours = inbound({ chat: kim, fromMe: true, text: 'your order shipped' });
      await h.ingest.messages(h.number, [ours], LIVE);
      h.take();
      const receipt = (status: Receipt['status'], fromMe = true, id = ours.providerMessageId): Receipt => ({
        providerMessageId: id,
        chat: kim,
        fromMe,
        status,
        at: new Date(h.clock.now()),
      });
      const status = async () => (await findMessagesByProviderIds(h.db, h.number.workspaceId, h.number.id, [ours.providerMessageId]))[0]!;
      return { kim, ours, receipt, status };
    }

    it('never moves a status backwards, out-of-order or duplicated, and publishes only real changes', async () => {
      const { receipt, status } = await outbound();
      await h.ingest.receipts(h.number, [receipt('read')]);
      expect((await status()).status).toBe('read');
      expect(h.take().map((e) => [e.type, (e.payload as { status: string }).status])).toEqual([['message.status', 'read']]);

      await h.ingest.receipts(h.number, [receipt('delivered'), receipt('read'), receipt('server_ack'), receipt('failed')]);
      expect((await status()).status).toBe('read');
      expect(h.take()).toEqual([]);

      await h.ingest.receipts(h.number, [receipt('played')]);
      expect((await status()).status).toBe('played');
      // Unknown ids are skipped quietly.
      await h.ingest.receipts(h.number, [receipt('read', true, 'NOT-OURS')]);
    });

    it('applies several receipts of one batch in order and records a failure with its reason', async () => {
      const { receipt, status } = await outbound();
      await h.db.updateTable('messages').set({ status: 'sent' }).execute();
      await h.ingest.receipts(h.number, [{ ...receipt('failed'), error: 'not on WhatsApp' }]);
      expect(await status()).toMatchObject({ status: 'failed', error: 'not on WhatsApp' });
      // Proof it arrived after all.
      await h.ingest.receipts(h.number, [receipt('delivered'), receipt('server_ack')]);
      expect(await status()).toMatchObject({ status: 'delivered', error: null });
    });

    it("the owner reading a customer's message on the phone clears the unread count", async () => {
      const { kim } = await outbound();
      const msg = inbound({ chat: kim });
      await h.ingest.messages(h.number, [msg], LIVE);
      expect((await conversations(h.number.id))[0]!.unread_count).toBe(1);
      h.take();
      await h.ingest.receipts(h.number, [
        { providerMessageId: msg.providerMessageId, chat: kim, fromMe: false, status: 'read', at: new Date(h.clock.now()) },
      ]);
      expect((await conversations(h.number.id))[0]!.unread_count).toBe(0);
      expect(h.take().map((e) => e.type)).toEqual(['conversation.updated']);
    });
  });

  describe('contacts', () => {
    it("updates WhatsApp's names of known contacts, never the agent's name, and creates nobody", async () => {
      const lee = customer('447700900134');
      await h.ingest.messages(h.number, [inbound({ chat: lee, pushName: 'Lee' })], LIVE);
      await h.db.updateTable('contacts').set({ name: 'Lee (VIP)' }).execute();
      h.take();
      await h.ingest.contacts(h.number, [
        { phone: '447700900134', pushName: 'Lee M.', savedName: 'Lee from the shop' },
        { phone: '447700900999', pushName: 'Stranger' },
      ]);
      const all = await contacts();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ name: 'Lee (VIP)', push_name: 'Lee M.', saved_name: 'Lee from the shop' });
      expect(h.take().map((e) => e.type)).toEqual(['contact.updated']);
      await h.ingest.contacts(h.number, [{ phone: '447700900134', pushName: 'Lee M.' }]);
      expect(h.take()).toEqual([]);
    });
  });

  describe('tenant isolation', () => {
    it('keys messages per number and never reads across workspaces', async () => {
      const same = customer('447700900135');
      const msg = inbound({ chat: same });
      await h.ingest.messages(h.number, [msg], LIVE);
      expect(await h.ingest.messages(h.otherNumber, [msg], LIVE)).toMatchObject({ inserted: 1, duplicates: 0 });

      const mine = (await findMessagesByProviderIds(h.db, h.number.workspaceId, h.number.id, [msg.providerMessageId]))[0]!;
      expect(await findMessage(h.db, h.otherNumber.workspaceId, mine.id)).toBeUndefined();
      expect(await findConversation(h.db, h.otherNumber.workspaceId, mine.conversation_id)).toBeUndefined();
      expect(await findMessagesByProviderIds(h.db, h.otherNumber.workspaceId, h.number.id, [msg.providerMessageId])).toEqual([]);
      expect(await findContactsByPhones(h.db, h.otherNumber.workspaceId, ['447700900135'])).toHaveLength(1);
      const [a] = await findContactsByPhones(h.db, h.number.workspaceId, ['447700900135']);
      const [b] = await findContactsByPhones(h.db, h.otherNumber.workspaceId, ['447700900135']);
      expect(a!.id).not.toBe(b!.id);
      // A receipt on the other number does not touch this one.
      await h.ingest.receipts(h.otherNumber, [
        { providerMessageId: msg.providerMessageId, chat: same, fromMe: false, status: 'read', at: new Date() },
      ]);
      expect((await conversations(h.number.id))[0]!.unread_count).toBe(1);
    });
  });
});
