/**
 * Idempotent ingest of what a linked number receives (ARCHITECTURE rule 6).
 *
 * Messages are keyed by (number, provider message id): a duplicate changes
 * nothing. Each call is one transaction with a fixed number of statements per
 * batch (prefetch contacts, conversations and known ids; multi-row inserts),
 * plus one relative update per touched conversation; events go out after commit.
 */
import type { DomainEventMap, DomainEventType } from '../../../contracts/events.js';
import type { Db, DbOrTx } from '../../db/database.js';
import type { MessageStatusColumn } from '../../db/tables.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secrets.js';
import type { EventBus } from '../../realtime/bus.js';
import {
  nextStatus,
  type ContactUpdate,
  type CustomerRef,
  type InboundMessage,
  type LidMapping,
  type MessageBatchInfo,
  type MessageStatus,
  type Receipt,
} from '../../whatsapp/provider.js';
import {
  ensureContacts,
  findContactsByLids,
  findContactsByPhones,
  lidPlaceholder,
  mergeContactInto,
  updateContactProfile,
  type ContactRow,
  type NewContact,
} from '../contacts/repo.js';
import { applyOptOutKeywords } from '../contacts/opt-out.js';
import type { MediaStore, NumberRef } from '../media/media-store.js';
import { parsePayload, previewOf, REVOKED_PREVIEW, type MessagePayload } from './presenters.js';
import {
  applyConversationActivities,
  deleteMediaRows,
  deleteReaction,
  ensureConversations,
  existingProviderIds,
  findMessagesByProviderIds,
  findReaction,
  insertMediaRows,
  insertMessages,
  markConversationRead,
  replacePreviewIfLatest,
  touchContacts,
  updateMessage,
  updateMessageStatus,
  upsertReaction,
  type ConversationActivity,
  type MediaRow,
  type MessageRow,
  type WaitingChange,
} from './repo.js';

export type { NumberRef } from '../media/media-store.js';

export interface IngestResult {
  /** New message rows. */
  inserted: number;
  /** Messages already stored (or repeated within the batch): nothing changed. */
  duplicates: number;
  /** Reactions, edits and deletes whose target is unknown, or that are not allowed on it. */
  ignored: number;
  /** Reactions, edits and deletes applied to a stored message. */
  updated: number;
}

type PendingEvent = { [K in DomainEventType]: { type: K; payload: DomainEventMap[K] } }[DomainEventType];

/** Collects events during a transaction; they are published only after it commits. */
class Outbox {
  private readonly events: PendingEvent[] = [];
  private readonly seen = new Set<string>();
  add<K extends DomainEventType>(type: K, payload: DomainEventMap[K], dedupeKey?: string): void {
    if (dedupeKey !== undefined) {
      const key = `${type}\u0000${dedupeKey}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    this.events.push({ type, payload } as PendingEvent);
  }
  conversation(conversationId: string): void {
    this.add('conversation.updated', { conversationId }, conversationId);
  }
  contact(contactId: string): void {
    this.add('contact.updated', { contactId }, contactId);
  }
  flush(bus: EventBus, workspaceId: string): void {
    for (const e of this.events) bus.publish(workspaceId, e.type, e.payload as never);
  }
}

const ACTION_KINDS = new Set(['reaction', 'edit', 'revoke']);
const MEDIA_KINDS = new Set(['image', 'video', 'audio', 'voice', 'document', 'sticker']);
const PHONE_DIGITS = /^\d{5,20}$/;

/** The stored status column in the terms of message-status.ts. */
export function providerStatusOf(column: MessageStatusColumn): MessageStatus | null {
  switch (column) {
    case 'queued':
    case 'sending':
      return 'pending';
    case 'sent':
      return 'server_ack';
    case 'received':
      return null;
    default:
      return column;
  }
}

export function columnStatusOf(status: MessageStatus): MessageStatusColumn {
  if (status === 'pending') return 'queued';
  if (status === 'server_ack') return 'sent';
  return status;
}

export function createIngest(deps: { db: Db; clock: Clock; bus: EventBus; media: MediaStore; box: SecretBox }) {
  const { db, clock, bus, box } = deps;

  /**
   * Records that a LID and a phone number are the same person: a LID-only
   * placeholder contact becomes (or merges into) the phone contact.
   */
  async function applyLidMapping(tx: DbOrTx, workspaceId: string, lid: string, phone: string, out: Outbox, now: number): Promise<void> {
    const [placeholder] = await findContactsByPhones(tx, workspaceId, [lidPlaceholder(lid)]);
    const [phoneContact] = await findContactsByPhones(tx, workspaceId, [phone]);
    if (placeholder && phoneContact) {
      const merged = await mergeContactInto(tx, workspaceId, placeholder, { ...phoneContact, lid }, now);
      merged.conversationIds.forEach((id) => out.conversation(id));
      out.contact(phoneContact.id);
      out.contact(placeholder.id);
    } else if (placeholder) {
      await tx
        .updateTable('contacts')
        .set({ phone, lid, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', placeholder.id)
        .execute();
      out.contact(placeholder.id);
    } else if (phoneContact && phoneContact.lid !== lid) {
      await updateContactProfile(tx, workspaceId, phoneContact.id, { lid }, now);
      out.contact(phoneContact.id);
    }
  }

  /** The contact of every customer in the batch (created when new), keyed by `CustomerRef.id`. */
  async function resolveContacts(
    tx: DbOrTx,
    workspaceId: string,
    messages: readonly InboundMessage[],
    out: Outbox,
    now: number,
    live: boolean,
  ): Promise<Map<string, ContactRow>> {
    const refs = new Map<string, CustomerRef>();
    const firstSeen = new Map<string, number>();
    const lastSeen = new Map<string, number>();
    const pushNames = new Map<string, string>();
    for (const m of messages) {
      refs.set(m.chat.id, m.chat);
      if (!m.fromMe) {
        firstSeen.set(m.chat.id, Math.min(firstSeen.get(m.chat.id) ?? Infinity, m.timestamp));
        lastSeen.set(m.chat.id, Math.max(lastSeen.get(m.chat.id) ?? -1, m.timestamp));
        if (m.pushName) pushNames.set(m.chat.id, m.pushName);
      }
    }

    // A customer with a known phone whose LID we also learn: fold any LID-only contact into it first.
    const withBoth = [...refs.values()].filter((r) => r.phone && r.lid);
    if (withBoth.length > 0) {
      const known = await findContactsByLids(
        tx,
        workspaceId,
        withBoth.map((r) => r.lid!),
      );
      for (const r of withBoth) {
        if (!known.some((c) => c.lid === r.lid && c.phone === r.phone)) await applyLidMapping(tx, workspaceId, r.lid!, r.phone!, out, now);
      }
    }

    // LID-only customers: the contact that already carries this LID (a real phone contact wins over a placeholder).
    const keyOf = new Map<string, string>();
    const lidOnly = [...refs.values()].filter((r) => !r.phone && r.lid);
    if (lidOnly.length > 0) {
      const byLid = new Map<string, ContactRow>();
      for (const c of await findContactsByLids(
        tx,
        workspaceId,
        lidOnly.map((r) => r.lid!),
      )) {
        const current = byLid.get(c.lid!);
        if (!current || current.phone.startsWith('lid:')) byLid.set(c.lid!, c);
      }
      for (const r of lidOnly) keyOf.set(r.id, byLid.get(r.lid!)?.phone ?? lidPlaceholder(r.lid!));
    }
    for (const r of refs.values()) if (!keyOf.has(r.id)) keyOf.set(r.id, r.phone ?? r.id);

    const wanted: NewContact[] = [...refs.values()].map((r) => ({
      phone: keyOf.get(r.id)!,
      lid: r.lid,
      pushName: pushNames.get(r.id) ?? null,
      seenAt: firstSeen.get(r.id) ?? null,
    }));
    const { byPhone, created } = await ensureContacts(tx, workspaceId, wanted, now);
    const createdSet = new Set(created);
    if (live) created.forEach((id) => out.contact(id));

    const result = new Map<string, ContactRow>();
    const touches: Array<{ contactId: string; pushName: string | null; seenAt: number | null }> = [];
    for (const r of refs.values()) {
      const contact = byPhone.get(keyOf.get(r.id)!);
      if (!contact) throw new Error('contact vanished during ingest');
      result.set(r.id, contact);
      if (createdSet.has(contact.id)) continue;
      // Keep WhatsApp's name and the last time we heard from them current; never the agent's `name`.
      const pushName = pushNames.get(r.id);
      const renamed = pushName !== undefined && pushName !== contact.push_name;
      const seen = lastSeen.get(r.id);
      const newer = seen !== undefined && (contact.last_seen_at === null || seen > contact.last_seen_at || contact.first_seen_at === null);
      if (renamed || newer) touches.push({ contactId: contact.id, pushName: renamed ? pushName : null, seenAt: newer ? seen : null });
      if (renamed && live) out.contact(contact.id);
    }
    await touchContacts(tx, workspaceId, touches, now);
    return result;
  }

  function payloadOf(m: InboundMessage): MessagePayload {
    const p: MessagePayload = {};
    if (m.location) p.location = m.location;
    if (m.contacts.length > 0) p.contacts = m.contacts;
    if (m.media) {
      p.media = { seconds: m.media.seconds, width: m.media.width, height: m.media.height, gif: m.media.gif, animated: m.media.animated };
    }
    if (m.isViewOnce) p.isViewOnce = true;
    if (m.isForwarded) p.isForwarded = true;
    if (m.isEphemeral) p.isEphemeral = true;
    if (m.unsupportedType) p.unsupportedType = m.unsupportedType;
    return p;
  }

  function mediaRowOf(workspaceId: string, m: InboundMessage, now: number): MediaRow | null {
    if (!m.media || !MEDIA_KINDS.has(m.kind)) return null;
    const tooLarge = m.media.fileLength !== null && m.media.fileLength > deps.media.maxBytes;
    return {
      id: newId(now),
      workspace_id: workspaceId,
      sha256: null,
      mimetype: m.media.mimetype,
      file_name: m.media.fileName,
      size: m.media.fileLength,
      // The handle carries the media decryption key: sealed like the session keys.
      handle: tooLarge ? null : box.seal(m.media.handle),
      state: tooLarge ? 'failed' : 'pending',
      error: tooLarge ? 'file larger than the media size limit' : null,
      created_at: now,
    };
  }

  /** What a batch of new messages does to one conversation. */
  function activityOf(conversationId: string, list: InboundMessage[], live: boolean): ConversationActivity {
    const ordered = [...list].sort((a, b) => a.timestamp - b.timestamp);
    const latest = ordered[ordered.length - 1]!;
    const inbound = ordered.filter((m) => !m.fromMe);
    let waiting: WaitingChange = { kind: 'keep' };
    if (live) {
      const lastOut = ordered.map((m) => m.fromMe).lastIndexOf(true);
      if (lastOut >= 0) {
        // Answered (from the phone); waiting again only from a customer message after that answer.
        const after = ordered.slice(lastOut + 1).find((m) => !m.fromMe);
        waiting = { kind: 'set', value: after ? after.timestamp : null };
      } else if (inbound[0]) {
        waiting = { kind: 'start', value: inbound[0].timestamp };
      }
    }
    return {
      conversationId,
      unreadIncrement: live ? inbound.length : 0,
      reopen: live && inbound.length > 0,
      waiting,
      last: {
        at: latest.timestamp,
        preview: previewOf({
          kind: latest.kind,
          text: latest.text,
          fileName: latest.media?.fileName ?? null,
          location: latest.location,
          contacts: latest.contacts,
        }),
        direction: latest.fromMe ? 'out' : 'in',
      },
    };
  }

  /** Reactions, edits and deletes of messages of this number. */
  async function applyActions(
    tx: DbOrTx,
    number: NumberRef,
    actions: InboundMessage[],
    out: Outbox,
    now: number,
    live: boolean,
  ): Promise<{ updated: number; ignored: number }> {
    let updated = 0;
    let ignored = 0;
    const targetIdOf = (m: InboundMessage) => m.reaction?.targetId ?? m.edit?.targetId ?? m.revoke?.targetId ?? null;
    const targets = new Map<string, MessageRow>();
    const ids = actions.map(targetIdOf).filter((id): id is string => id !== null);
    for (const row of await findMessagesByProviderIds(tx, number.workspaceId, number.id, ids)) targets.set(row.provider_message_id!, row);

    const changed = (target: MessageRow) => {
      updated += 1;
      if (live) out.add('message.updated', { conversationId: target.conversation_id, messageId: target.id });
      else out.conversation(target.conversation_id);
    };

    for (const m of [...actions].sort((a, b) => a.timestamp - b.timestamp)) {
      const targetId = targetIdOf(m);
      const target = targetId ? targets.get(targetId) : undefined;
      if (!target) {
        ignored += 1;
        continue;
      }
      if (m.reaction) {
        const actor = m.fromMe ? 'us' : 'customer';
        const current = await findReaction(tx, number.workspaceId, target.id, actor);
        if (m.reaction.emoji === '') {
          // Removing a reaction that is not there (or was replaced since) changes nothing.
          if (current && current.at <= m.timestamp && (await deleteReaction(tx, number.workspaceId, target.id, actor))) changed(target);
        } else if (!current || (current.emoji !== m.reaction.emoji && current.at <= m.timestamp)) {
          await upsertReaction(tx, {
            message_id: target.id,
            workspace_id: number.workspaceId,
            actor,
            emoji: m.reaction.emoji,
            at: m.timestamp,
          });
          changed(target);
        }
        continue;
      }
      // Only the sender may edit or delete a message.
      if ((m.fromMe ? 'out' : 'in') !== target.direction || target.revoked_at !== null) {
        ignored += 1;
        continue;
      }
      if (m.edit) {
        const newText = m.edit.newText;
        if (newText === target.text) continue;
        const payload = parsePayload(target.payload);
        if (!('originalText' in payload)) payload.originalText = target.text;
        const patch = { text: newText, edited_at: m.timestamp, payload: JSON.stringify(payload) };
        await updateMessage(tx, number.workspaceId, target.id, patch);
        Object.assign(target, patch);
        const preview = previewOf({ kind: target.kind, text: newText });
        if (await replacePreviewIfLatest(tx, number.workspaceId, target.conversation_id, target.sent_at, preview)) {
          out.conversation(target.conversation_id);
        }
        changed(target);
      } else if (m.revoke) {
        // Deleted for everyone: we keep that it existed, not what it said.
        const payload = parsePayload(target.payload);
        const kept: MessagePayload = {};
        if (payload.isForwarded) kept.isForwarded = true;
        const patch = {
          text: null,
          quoted_text: null,
          media_id: null,
          payload: JSON.stringify(kept),
          revoked_at: m.timestamp,
        };
        await updateMessage(tx, number.workspaceId, target.id, patch);
        if (target.media_id) await deleteMediaRows(tx, number.workspaceId, [target.media_id]);
        await tx
          .deleteFrom('message_reactions')
          .where('workspace_id', '=', number.workspaceId)
          .where('message_id', '=', target.id)
          .execute();
        Object.assign(target, patch);
        if (await replacePreviewIfLatest(tx, number.workspaceId, target.conversation_id, target.sent_at, REVOKED_PREVIEW)) {
          out.conversation(target.conversation_id);
        }
        changed(target);
      }
    }
    return { updated, ignored };
  }

  return {
    async messages(number: NumberRef, batch: InboundMessage[], info: MessageBatchInfo): Promise<IngestResult> {
      const result: IngestResult = { inserted: 0, duplicates: 0, ignored: 0, updated: 0 };
      if (batch.length === 0) return result;
      const live = !info.isHistory;
      const content: InboundMessage[] = [];
      const actions: InboundMessage[] = [];
      const seen = new Set<string>();
      for (const m of batch) {
        if (ACTION_KINDS.has(m.kind)) {
          actions.push(m);
        } else if (seen.has(m.providerMessageId)) {
          result.duplicates += 1;
        } else {
          seen.add(m.providerMessageId);
          content.push(m);
        }
      }

      // With SQLite every query completes synchronously, so back-to-back history chunks would run as one
      // unbroken chain of microtasks; yielding to the event loop first lets live messages and requests in between.
      if (!live) await new Promise((resolve) => setImmediate(resolve));
      const out = new Outbox();
      await db.transaction().execute(async (tx) => {
        const now = clock.now();
        const known = content.length > 0 ? await existingProviderIds(tx, number.workspaceId, number.id, [...seen]) : new Set<string>();
        const fresh = content.filter((m) => !known.has(m.providerMessageId));
        result.duplicates += content.length - fresh.length;

        if (fresh.length > 0) {
          const contacts = await resolveContacts(tx, number.workspaceId, fresh, out, now, live);
          const contactIds = [...new Set([...contacts.values()].map((c) => c.id))];
          const { byContact } = await ensureConversations(tx, number.workspaceId, number.id, contactIds, now);

          const mediaRows: MediaRow[] = [];
          const rows: MessageRow[] = [];
          const rowOf = new Map<string, { row: MessageRow; message: InboundMessage; mediaId: string | null }>();
          for (const m of fresh) {
            const contact = contacts.get(m.chat.id)!;
            const conversation = byContact.get(contact.id)!;
            const media = mediaRowOf(number.workspaceId, m, now);
            if (media) mediaRows.push(media);
            const row: MessageRow = {
              id: newId(now),
              workspace_id: number.workspaceId,
              conversation_id: conversation.id,
              number_id: number.id,
              provider_message_id: m.providerMessageId,
              direction: m.fromMe ? 'out' : 'in',
              sender_user_id: null,
              kind: m.kind,
              text: m.text,
              media_id: media?.id ?? null,
              quoted_provider_id: m.quoted?.providerMessageId ?? null,
              quoted_text: m.quoted?.text ?? null,
              payload: JSON.stringify(payloadOf(m)),
              // Sent from the phone: WhatsApp has it; receipts move it on from here.
              status: m.fromMe ? 'sent' : 'received',
              error: null,
              edited_at: null,
              revoked_at: null,
              sent_at: m.timestamp,
              created_at: now,
              attempts: 0,
              next_attempt_at: null,
              claimed_by: null,
              claim_expires_at: null,
            };
            rows.push(row);
            rowOf.set(row.id, { row, message: m, mediaId: media?.id ?? null });
          }
          await insertMediaRows(tx, mediaRows);
          const inserted = await insertMessages(tx, rows);
          // Lost a race with a concurrent ingest of the same message: drop the media rows we made for it.
          const lost = rows.filter((r) => !inserted.has(r.id));
          if (lost.length > 0) {
            result.duplicates += lost.length;
            await deleteMediaRows(
              tx,
              number.workspaceId,
              lost.map((r) => r.media_id).filter((id): id is string => id !== null),
            );
          }
          result.inserted += inserted.size;

          const perConversation = new Map<string, InboundMessage[]>();
          for (const id of inserted) {
            const { row, message } = rowOf.get(id)!;
            const list = perConversation.get(row.conversation_id) ?? [];
            list.push(message);
            perConversation.set(row.conversation_id, list);
            if (live) out.add('message.created', { conversationId: row.conversation_id, messageId: row.id, direction: row.direction });
          }
          await applyConversationActivities(
            tx,
            number.workspaceId,
            [...perConversation].map(([conversationId, list]) => activityOf(conversationId, list, live)),
            now,
          );
          for (const conversationId of perConversation.keys()) out.conversation(conversationId);
          if (live) {
            // Opt-out / opt-in keywords (contacts/opt-out.ts), in this transaction; events go out after commit.
            const opt = await applyOptOutKeywords(
              tx,
              number,
              [...inserted].map((id) => rowOf.get(id)!.row),
              (conversationId) => [...byContact.values()].find((c) => c.id === conversationId)?.contact_id,
              now,
            );
            opt.contactIds.forEach((id) => out.contact(id));
            for (const r of opt.replies)
              out.add('message.created', { conversationId: r.conversationId, messageId: r.messageId, direction: 'out' });
          }
        }

        if (actions.length > 0) {
          const applied = await applyActions(tx, number, actions, out, now, live);
          result.updated += applied.updated;
          result.ignored += applied.ignored;
        }
      });
      out.flush(bus, number.workspaceId);
      return result;
    },

    async receipts(number: NumberRef, receipts: Receipt[]): Promise<void> {
      if (receipts.length === 0) return;
      const out = new Outbox();
      await db.transaction().execute(async (tx) => {
        const now = clock.now();
        const rows = await findMessagesByProviderIds(
          tx,
          number.workspaceId,
          number.id,
          receipts.map((r) => r.providerMessageId),
        );
        const byId = new Map(rows.map((r) => [r.provider_message_id!, r]));
        const readByOwner: string[] = [];
        // Apply in order per message; only the final state is written (compare-and-set against what was read).
        const finals = new Map<string, { row: MessageRow; status: MessageStatus; error: string | null; start: MessageRow['status'] }>();
        for (const receipt of receipts) {
          const row = byId.get(receipt.providerMessageId);
          if (!row) continue; // Unknown (another device's message, or not stored): nothing to move.
          if (!receipt.fromMe) {
            if (row.direction === 'in' && (receipt.status === 'read' || receipt.status === 'played')) readByOwner.push(row.conversation_id);
            continue;
          }
          if (row.direction !== 'out') continue;
          const entry = finals.get(row.id);
          const current = entry?.status ?? providerStatusOf(row.status);
          if (current === null) continue;
          const next = nextStatus(current, receipt.status);
          if (next === current) continue;
          const error = next === 'failed' ? (receipt.error ?? 'WhatsApp reported the send as failed') : null;
          finals.set(row.id, { row, status: next, error, start: entry?.start ?? row.status });
        }
        for (const { row, status, error, start } of finals.values()) {
          const column = columnStatusOf(status);
          if (await updateMessageStatus(tx, number.workspaceId, row.id, start, column, error)) {
            out.add('message.status', { conversationId: row.conversation_id, messageId: row.id, status: column, error });
          }
        }
        if (readByOwner.length > 0) {
          for (const id of await markConversationRead(tx, number.workspaceId, readByOwner, now)) out.conversation(id);
        }
      });
      out.flush(bus, number.workspaceId);
    },

    async contacts(number: NumberRef, updates: ContactUpdate[]): Promise<void> {
      if (updates.length === 0) return;
      const out = new Outbox();
      await db.transaction().execute(async (tx) => {
        const now = clock.now();
        // Address-book sync can name thousands of people who never wrote: only known contacts are updated.
        for (const u of updates) {
          if (u.phone && u.lid && PHONE_DIGITS.test(u.phone)) await applyLidMapping(tx, number.workspaceId, u.lid, u.phone, out, now);
        }
        const phones = updates.map((u) => u.phone).filter((p): p is string => !!p);
        const lids = updates.filter((u) => !u.phone && u.lid).map((u) => u.lid!);
        const byPhone = new Map((await findContactsByPhones(tx, number.workspaceId, phones)).map((c) => [c.phone, c]));
        const byLid = new Map<string, ContactRow>();
        for (const c of await findContactsByLids(tx, number.workspaceId, lids)) {
          if (!byLid.has(c.lid!) || byLid.get(c.lid!)!.phone.startsWith('lid:')) byLid.set(c.lid!, c);
        }
        for (const u of updates) {
          const contact = u.phone ? byPhone.get(u.phone) : u.lid ? byLid.get(u.lid) : undefined;
          if (!contact) continue;
          const patch: Parameters<typeof updateContactProfile>[3] = {};
          const pushName = u.pushName ?? u.verifiedName;
          if (pushName && pushName !== contact.push_name) patch.push_name = pushName;
          if (u.savedName && u.savedName !== contact.saved_name) patch.saved_name = u.savedName;
          if (Object.keys(patch).length === 0) continue;
          await updateContactProfile(tx, number.workspaceId, contact.id, patch, now);
          Object.assign(contact, patch);
          out.contact(contact.id);
        }
      });
      out.flush(bus, number.workspaceId);
    },

    async lidMappings(number: NumberRef, mappings: LidMapping[]): Promise<void> {
      const valid = mappings.filter((m) => m.lid && PHONE_DIGITS.test(m.phone));
      if (valid.length === 0) return;
      const out = new Outbox();
      await db.transaction().execute(async (tx) => {
        const now = clock.now();
        for (const m of valid) await applyLidMapping(tx, number.workspaceId, m.lid, m.phone, out, now);
      });
      out.flush(bus, number.workspaceId);
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;
