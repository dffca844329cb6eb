/**
 * Outbound messages are rows in `messages`: the durable send queue
 * (ARCHITECTURE "background work"). A sender claims one row at a time; the
 * claim (holder + expiry) makes a send happen at most once. A claim that
 * expires without an outcome is never retried blindly: the message may have
 * reached the customer, so it is marked failed for a person to check.
 */
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Db, DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';
import type { MessageStatusColumn } from '../../db/tables.js';
import type { Clock } from '../../lib/clock.js';
import type { EventBus } from '../../realtime/bus.js';
import { nextStatus, type OutboundMediaKind } from '../../whatsapp/provider.js';
import { columnStatusOf, providerStatusOf } from './ingest.js';
import { parsePayload } from './presenters.js';
import { deleteMediaRows, type MessageRow } from './repo.js';

export const OUTCOME_UNKNOWN_ERROR = 'outcome unknown: the server stopped while sending; check the conversation before retrying';

export interface ClaimedSend {
  messageId: string;
  workspaceId: string;
  conversationId: string;
  numberId: string;
  /** E.164 digits; `lid:<id>` for a customer WhatsApp has only given us a LID for. */
  to: string;
  text: string | null;
  media: { kind: OutboundMediaKind; mimetype: string; fileName: string | null; path: string } | null;
  quoted: { providerMessageId: string; fromMe: boolean; text: string | null } | null;
  /** Attempts including this one. */
  attempts: number;
  /** Written by a person (reply, dashboard or API send), not a campaign or an automated answer such as an opt-out confirmation. */
  byPerson: boolean;
}

const OUTBOUND_MEDIA_KINDS: readonly string[] = ['image', 'video', 'audio', 'voice', 'document', 'sticker'];

export function createSendQueue(deps: { db: Db; clock: Clock; bus: EventBus; dataDir?: string }) {
  const { db, clock, bus } = deps;
  const postgres = isPostgres(db as unknown as Kysely<unknown>);

  /** The oldest due row of this number, moved to `sending` under the holder's claim. */
  async function claimRow(numberId: string, holder: string, claimMs: number): Promise<MessageRow | undefined> {
    const now = clock.now();
    const set = {
      status: 'sending' as const,
      claimed_by: holder,
      claim_expires_at: now + claimMs,
      attempts: sql<number>`attempts + 1`,
    };
    const due = (q: DbOrTx) =>
      q
        .selectFrom('messages')
        .select('id')
        .where('number_id', '=', numberId)
        .where('status', '=', 'queued')
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
        .orderBy('id')
        .limit(1);
    if (postgres) {
      // Row lock with SKIP LOCKED: a second claimer takes the next row instead of waiting for this one.
      return db.transaction().execute(async (tx) => {
        const row = await due(tx).forUpdate().skipLocked().executeTakeFirst();
        if (!row) return undefined;
        return tx
          .updateTable('messages')
          .set(set)
          .where('id', '=', row.id)
          .where('status', '=', 'queued')
          .returningAll()
          .executeTakeFirst();
      });
    }
    // SQLite has one writer: this single statement is atomic.
    return db
      .updateTable('messages')
      .set(set)
      .where('id', '=', (eb) => eb.selectFrom(due(db).as('d')).select('d.id'))
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
  }

  async function toClaimed(row: MessageRow): Promise<ClaimedSend> {
    const contact = await db
      .selectFrom('conversations as c')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .select('k.phone')
      .where('c.workspace_id', '=', row.workspace_id)
      .where('c.id', '=', row.conversation_id)
      .executeTakeFirstOrThrow();
    let media: ClaimedSend['media'] = null;
    if (row.media_id) {
      const m = await db
        .selectFrom('media')
        .selectAll()
        .where('workspace_id', '=', row.workspace_id)
        .where('id', '=', row.media_id)
        .executeTakeFirst();
      if (m?.sha256 && OUTBOUND_MEDIA_KINDS.includes(row.kind)) {
        media = {
          kind: row.kind as OutboundMediaKind,
          mimetype: m.mimetype ?? 'application/octet-stream',
          fileName: parsePayload(row.payload).fileName ?? m.file_name,
          path: path.join(deps.dataDir ?? '.', 'media', m.sha256.slice(0, 2), m.sha256),
        };
      }
    }
    let quoted: ClaimedSend['quoted'] = null;
    if (row.quoted_provider_id) {
      const q = await db
        .selectFrom('messages')
        .select(['direction', 'text'])
        .where('workspace_id', '=', row.workspace_id)
        .where('number_id', '=', row.number_id)
        .where('provider_message_id', '=', row.quoted_provider_id)
        .executeTakeFirst();
      quoted = { providerMessageId: row.quoted_provider_id, fromMe: q?.direction === 'out', text: row.quoted_text ?? q?.text ?? null };
    }
    return {
      messageId: row.id,
      workspaceId: row.workspace_id,
      conversationId: row.conversation_id,
      numberId: row.number_id,
      to: contact.phone,
      text: row.text,
      media,
      quoted,
      attempts: row.attempts,
      byPerson: row.sender_user_id !== null && parsePayload(row.payload).automated !== true,
    };
  }

  function publishStatus(
    row: Pick<MessageRow, 'workspace_id' | 'conversation_id' | 'id'>,
    status: MessageStatusColumn,
    error: string | null,
  ) {
    bus.publish(row.workspace_id, 'message.status', { conversationId: row.conversation_id, messageId: row.id, status, error });
  }

  return {
    async claimNext(numberId: string, holder: string, claimMs: number): Promise<ClaimedSend | null> {
      const row = await claimRow(numberId, holder, claimMs);
      if (!row) return null;
      publishStatus(row, 'sending', null);
      return toClaimed(row);
    },

    /**
     * WhatsApp accepted the message. Only the holder of the claim may say so; a
     * holder whose claim already expired (marked unknown) still may, since it knows.
     */
    async markSent(messageId: string, holder: string, providerMessageId: string, at: number): Promise<void> {
      const done = await db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('messages')
          .selectAll()
          .where('id', '=', messageId)
          .where('claimed_by', '=', holder)
          .where((eb) =>
            eb.or([eb('status', '=', 'sending'), eb.and([eb('status', '=', 'failed'), eb('error', '=', OUTCOME_UNKNOWN_ERROR)])]),
          )
          .executeTakeFirst();
        if (!row) return null;
        // The phone's echo of our own send may have been ingested first, as a message of its own: fold it in.
        const echo = await tx
          .selectFrom('messages')
          .selectAll()
          .where('workspace_id', '=', row.workspace_id)
          .where('number_id', '=', row.number_id)
          .where('provider_message_id', '=', providerMessageId)
          .where('id', '!=', row.id)
          .executeTakeFirst();
        let status: MessageStatusColumn = 'sent';
        if (echo) {
          const echoStatus = providerStatusOf(echo.status);
          if (echoStatus) status = columnStatusOf(nextStatus('server_ack', echoStatus));
          await tx.deleteFrom('messages').where('id', '=', echo.id).execute();
          if (echo.media_id) await deleteMediaRows(tx, echo.workspace_id, [echo.media_id]);
        }
        const payload = { ...parsePayload(row.payload), sentAt: at };
        await tx
          .updateTable('messages')
          .set({
            status,
            error: null,
            provider_message_id: providerMessageId,
            claimed_by: null,
            claim_expires_at: null,
            next_attempt_at: null,
            payload: JSON.stringify(payload),
          })
          .where('id', '=', row.id)
          .execute();
        return { row, status, echoId: echo?.id ?? null };
      });
      if (!done) return;
      if (done.echoId)
        bus.publish(done.row.workspace_id, 'message.updated', { conversationId: done.row.conversation_id, messageId: done.echoId });
      publishStatus(done.row, done.status, null);
    },

    /** The send failed: back to the queue at `retry.at`, or failed for good with the reason shown on the message. */
    async markFailed(messageId: string, holder: string, error: string, retry: { at: number } | null): Promise<void> {
      const row = await db
        .updateTable('messages')
        .set(
          retry
            ? { status: 'queued', error, next_attempt_at: retry.at, claimed_by: null, claim_expires_at: null }
            : { status: 'failed', error, next_attempt_at: null, claimed_by: null, claim_expires_at: null },
        )
        .where('id', '=', messageId)
        .where('status', '=', 'sending')
        .where('claimed_by', '=', holder)
        .returning(['id', 'workspace_id', 'conversation_id', 'status'])
        .executeTakeFirst();
      if (row) publishStatus(row, row.status, error);
    },

    /**
     * Sends whose claim lapsed (the process died mid-send). WhatsApp may or may
     * not have the message, so they become failed with that explanation, never
     * queued again. The holder is kept, so a late `markSent` from it still counts.
     */
    async recoverExpiredClaims(numberId?: string): Promise<number> {
      let q = db
        .updateTable('messages')
        .set({ status: 'failed', error: OUTCOME_UNKNOWN_ERROR, claim_expires_at: null })
        .where('status', '=', 'sending')
        .where('claim_expires_at', '<', clock.now());
      if (numberId) q = q.where('number_id', '=', numberId);
      const rows = await q.returning(['id', 'workspace_id', 'conversation_id']).execute();
      for (const row of rows) publishStatus(row, 'failed', OUTCOME_UNKNOWN_ERROR);
      return rows.length;
    },

    /** Messages of this number still waiting to go out (queued or being sent). */
    async pendingCount(numberId: string): Promise<number> {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('number_id', '=', numberId)
        .where('status', 'in', ['queued', 'sending'])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type SendQueue = ReturnType<typeof createSendQueue>;
