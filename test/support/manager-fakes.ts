import type { ClaimedSend, SendQueueLike } from '../../src/server/whatsapp/send-worker.js';
import type { IngestLike, NumberRef } from '../../src/server/whatsapp/manager.js';
import type { ContactUpdate, InboundMessage, LidMapping, MessageBatchInfo, Receipt } from '../../src/server/whatsapp/provider.js';
import type { Clock } from '../../src/server/lib/clock.js';

/** Records what the manager hands to the ingest. */
export function recordingIngest(options: { historyGate?: () => Promise<void> } = {}) {
  const calls = {
    messages: [] as Array<{ number: NumberRef; batch: InboundMessage[]; info: MessageBatchInfo }>,
    receipts: [] as Receipt[][],
    contacts: [] as ContactUpdate[][],
    lids: [] as LidMapping[][],
  };
  const ingest: IngestLike = {
    async messages(number, batch, info) {
      if (info.isHistory) await options.historyGate?.();
      calls.messages.push({ number, batch, info });
      return { inserted: batch.length, duplicates: 0, ignored: 0 };
    },
    async receipts(_n, r) {
      calls.receipts.push(r);
    },
    async contacts(_n, c) {
      calls.contacts.push(c);
    },
    async lidMappings(_n, l) {
      calls.lids.push(l);
    },
  };
  return { ingest, calls };
}

interface QueuedRow extends ClaimedSend {
  status: 'queued' | 'sending' | 'sent' | 'failed';
  nextAttemptAt: number;
  claimedBy: string | null;
  claimExpiresAt: number | null;
  providerMessageId: string | null;
  error: string | null;
}

/**
 * An in-memory send queue with the semantics of modules/inbox/send-queue.ts:
 * a claim makes a send happen once; an expired claim is settled as failed with
 * an unknown outcome and never handed out again.
 */
export function memorySendQueue(clock: Clock) {
  const rows: QueuedRow[] = [];
  let seq = 0;
  const queue: SendQueueLike = {
    async claimNext(numberId, holder, claimMs) {
      const now = clock.now();
      const row = rows.find((r) => r.numberId === numberId && r.status === 'queued' && r.nextAttemptAt <= now);
      if (!row) return null;
      row.status = 'sending';
      row.claimedBy = holder;
      row.claimExpiresAt = now + claimMs;
      row.attempts += 1;
      const { status: _s, nextAttemptAt: _n, claimedBy: _c, claimExpiresAt: _e, providerMessageId: _p, error: _r, ...job } = row;
      return { ...job };
    },
    async markSent(messageId, holder, providerMessageId) {
      const row = rows.find((r) => r.messageId === messageId && r.claimedBy === holder && r.status === 'sending');
      if (!row) return;
      Object.assign(row, { status: 'sent', providerMessageId, claimedBy: null, claimExpiresAt: null });
    },
    async markFailed(messageId, holder, error, retry) {
      const row = rows.find((r) => r.messageId === messageId && r.claimedBy === holder && r.status === 'sending');
      if (!row) return;
      Object.assign(row, retry ? { status: 'queued', nextAttemptAt: retry.at, error } : { status: 'failed', error });
      row.claimedBy = null;
      row.claimExpiresAt = null;
    },
    async recoverExpiredClaims(numberId) {
      let n = 0;
      for (const r of rows) {
        if (r.status !== 'sending' || (numberId && r.numberId !== numberId) || (r.claimExpiresAt ?? 0) >= clock.now()) continue;
        Object.assign(r, {
          status: 'failed',
          error: 'outcome unknown: the server stopped while sending',
          claimedBy: null,
          claimExpiresAt: null,
        });
        n += 1;
      }
      return n;
    },
  };
  return {
    queue,
    rows,
    enqueue(number: NumberRef, text: string, to = '4915100000001'): QueuedRow {
      seq += 1;
      const row: QueuedRow = {
        messageId: `m${seq}`,
        workspaceId: number.workspaceId,
        conversationId: 'c1',
        numberId: number.id,
        to,
        text,
        media: null,
        quoted: null,
        attempts: 0,
        status: 'queued',
        nextAttemptAt: clock.now(),
        claimedBy: null,
        claimExpiresAt: null,
        providerMessageId: null,
        error: null,
      };
      rows.push(row);
      return row;
    },
  };
}
