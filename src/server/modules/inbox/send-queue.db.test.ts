import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customer, inbound } from '../../../../test/support/inbound.js';
import { inboxHarness, type InboxHarness } from '../../../../test/support/inbox.js';
import { newId } from '../../lib/ids.js';
import { ensureContacts } from '../contacts/repo.js';
import { ensureConversations, findMessage, insertMessage } from './repo.js';
import { OUTCOME_UNKNOWN_ERROR } from './send-queue.js';

describe('send queue', () => {
  let h: InboxHarness;
  beforeEach(async () => {
    h = await inboxHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Queued outbound messages, as the sending API writes them. */
  async function enqueue(texts: string[], options: { phone?: string; numberId?: string; quoted?: string } = {}): Promise<string[]> {
    const numberId = options.numberId ?? h.number.id;
    const phone = options.phone ?? '447700900123';
    const ws = h.number.workspaceId;
    const { byPhone } = await ensureContacts(h.db, ws, [{ phone }], h.clock.now());
    const contact = byPhone.get(phone)!;
    const { byContact } = await ensureConversations(h.db, ws, numberId, [contact.id], h.clock.now());
    const ids: string[] = [];
    for (const text of texts) {
      h.clock.advance(1);
      const id = newId(h.clock.now());
      await insertMessage(h.db, {
        id,
        workspace_id: ws,
        conversation_id: byContact.get(contact.id)!.id,
        number_id: numberId,
        provider_message_id: null,
        direction: 'out',
        sender_user_id: null,
        kind: 'text',
        text,
        media_id: null,
        quoted_provider_id: options.quoted ?? null,
        quoted_text: options.quoted ? 'the question' : null,
        payload: '{}',
        status: 'queued',
        error: null,
        edited_at: null,
        revoked_at: null,
        sent_at: h.clock.now(),
        created_at: h.clock.now(),
        attempts: 0,
        next_attempt_at: null,
        claimed_by: null,
        claim_expires_at: null,
      });
      ids.push(id);
    }
    return ids;
  }

  it('claims oldest first with what the sender needs, and only for its number', async () => {
    const question = inbound({ chat: customer('447700900123'), text: 'the question' });
    await h.ingest.messages(h.number, [question], { isHistory: false });
    const [first, second] = await enqueue(['one', 'two'], { quoted: question.providerMessageId });
    await enqueue(['elsewhere'], { numberId: h.number2.id });
    expect(await h.queue.pendingCount(h.number.id)).toBe(2);

    const claimed = await h.queue.claimNext(h.number.id, 'worker-a', 30_000);
    expect(claimed).toMatchObject({
      messageId: first,
      workspaceId: h.number.workspaceId,
      numberId: h.number.id,
      to: '447700900123',
      text: 'one',
      media: null,
      quoted: { providerMessageId: question.providerMessageId, fromMe: false, text: 'the question' },
      attempts: 1,
    });
    expect(await findMessage(h.db, h.number.workspaceId, first!)).toMatchObject({
      status: 'sending',
      claimed_by: 'worker-a',
      claim_expires_at: h.clock.now() + 30_000,
    });
    expect((await h.queue.claimNext(h.number.id, 'worker-a', 30_000))?.messageId).toBe(second);
    expect(await h.queue.claimNext(h.number.id, 'worker-a', 30_000)).toBeNull();
    expect(await h.queue.pendingCount(h.number.id)).toBe(2);
  });

  it('gives each message to exactly one of two concurrent claimers', async () => {
    const ids = await enqueue(Array.from({ length: 30 }, (_, i) => `m${i}`));
    const drain = async (holder: string) => {
      const got: string[] = [];
      for (;;) {
        const c = await h.queue.claimNext(h.number.id, holder, 30_000);
        if (!c) return got;
        got.push(c.messageId);
      }
    };
    const [a, b] = await Promise.all([drain('worker-a'), drain('worker-b')]);
    expect([...a, ...b].sort()).toEqual([...ids].sort());
    expect(new Set([...a, ...b]).size).toBe(ids.length);
    const rows = await h.db.selectFrom('messages').select(['id', 'claimed_by', 'attempts']).execute();
    for (const r of rows) {
      expect(r.attempts).toBe(1);
      expect(r.claimed_by).toBe(a.includes(r.id) ? 'worker-a' : 'worker-b');
    }
  });

  it('lets only the holder mark a message sent, and publishes the status', async () => {
    const [id] = await enqueue(['hello']);
    await h.queue.claimNext(h.number.id, 'worker-a', 30_000);
    h.take();
    await h.queue.markSent(id!, 'intruder', 'WAMID-1', h.clock.now());
    expect((await findMessage(h.db, h.number.workspaceId, id!))!.status).toBe('sending');
    expect(h.take()).toEqual([]);

    await h.queue.markSent(id!, 'worker-a', 'WAMID-1', h.clock.now());
    expect(await findMessage(h.db, h.number.workspaceId, id!)).toMatchObject({
      status: 'sent',
      provider_message_id: 'WAMID-1',
      claimed_by: null,
      error: null,
    });
    expect(h.take().map((e) => [e.type, (e.payload as { status?: string }).status])).toEqual([['message.status', 'sent']]);
    // Receipts now find it.
    await h.ingest.receipts(h.number, [
      { providerMessageId: 'WAMID-1', chat: customer('447700900123'), fromMe: true, status: 'delivered', at: new Date() },
    ]);
    expect((await findMessage(h.db, h.number.workspaceId, id!))!.status).toBe('delivered');
  });

  it("folds the phone's echo of our own send, ingested first, into the queued message", async () => {
    const [id] = await enqueue(['hello']);
    await h.queue.claimNext(h.number.id, 'worker-a', 30_000);
    const echo = inbound({ chat: customer('447700900123'), fromMe: true, text: 'hello', providerMessageId: 'WAMID-ECHO' });
    await h.ingest.messages(h.number, [echo], { isHistory: false, upsertType: 'append' });
    await h.ingest.receipts(h.number, [
      { providerMessageId: 'WAMID-ECHO', chat: customer('447700900123'), fromMe: true, status: 'delivered', at: new Date() },
    ]);
    await h.queue.markSent(id!, 'worker-a', 'WAMID-ECHO', h.clock.now());
    const rows = await h.db.selectFrom('messages').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, provider_message_id: 'WAMID-ECHO', status: 'delivered' });
  });

  it('puts a retry back in the queue for later, and fails for good without one', async () => {
    const [id, other] = await enqueue(['retry me', 'give up']);
    await h.queue.claimNext(h.number.id, 'worker-a', 30_000);
    await h.queue.markFailed(id!, 'worker-b', 'not mine', null);
    expect((await findMessage(h.db, h.number.workspaceId, id!))!.status).toBe('sending');

    await h.queue.markFailed(id!, 'worker-a', 'number offline', { at: h.clock.now() + 60_000 });
    expect(await findMessage(h.db, h.number.workspaceId, id!)).toMatchObject({
      status: 'queued',
      error: 'number offline',
      next_attempt_at: h.clock.now() + 60_000,
      claimed_by: null,
    });
    // Not due yet: the next message goes first.
    expect((await h.queue.claimNext(h.number.id, 'worker-a', 30_000))?.messageId).toBe(other);
    await h.queue.markFailed(other!, 'worker-a', 'not on WhatsApp', null);
    expect(await findMessage(h.db, h.number.workspaceId, other!)).toMatchObject({ status: 'failed', error: 'not on WhatsApp' });
    expect(await h.queue.claimNext(h.number.id, 'worker-a', 30_000)).toBeNull();

    h.clock.advance(60_000);
    const again = await h.queue.claimNext(h.number.id, 'worker-a', 30_000);
    expect(again).toMatchObject({ messageId: id, attempts: 2 });
  });

  it('marks a send whose claim lapsed as failed with an unknown outcome, never queued again', async () => {
    const [id] = await enqueue(['in flight']);
    const [fresh] = await enqueue(['still claimed'], { numberId: h.number2.id });
    await h.queue.claimNext(h.number.id, 'crashed-worker', 30_000);
    h.clock.advance(10_000);
    await h.queue.claimNext(h.number2.id, 'live-worker', 30_000);
    expect(await h.queue.recoverExpiredClaims()).toBe(0);
    h.clock.advance(25_000);
    h.take();
    expect(await h.queue.recoverExpiredClaims(h.number2.id)).toBe(0);
    expect(await h.queue.recoverExpiredClaims()).toBe(1);
    expect(await findMessage(h.db, h.number.workspaceId, id!)).toMatchObject({ status: 'failed', error: OUTCOME_UNKNOWN_ERROR });
    expect(await findMessage(h.db, h.number.workspaceId, fresh!)).toMatchObject({ status: 'sending' });
    expect(h.take().map((e) => e.type)).toEqual(['message.status']);
    expect(await h.queue.claimNext(h.number.id, 'new-worker', 30_000)).toBeNull();
    expect(await h.queue.pendingCount(h.number.id)).toBe(0);

    // The old holder did get an answer from WhatsApp after all: that is believed.
    await h.queue.markSent(id!, 'crashed-worker', 'WAMID-LATE', h.clock.now());
    expect(await findMessage(h.db, h.number.workspaceId, id!)).toMatchObject({ status: 'sent', error: null });
  });
});
