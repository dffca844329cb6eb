/**
 * Sending: an agent's message becomes a `queued` row of the send queue, in the
 * same transaction as its contact, conversation and activity entry. The number
 * manager's worker sends it when the number is connected, so nothing typed is
 * lost while a number reconnects.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { uploadKindOf } from '../../../contracts/media.js';
import type { MessageDtoT, SendMessageBodyT } from '../../../contracts/messages.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { AppError, notFound, validation } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../../realtime/bus.js';
import type { ActivityService } from '../activity/service.js';
import type { UsageRecorder } from '../privacy/usage.js';
import type { Caller } from '../caller.js';
import { ensureContacts, findContact, type ContactRow } from '../contacts/repo.js';
import { presentMessage, previewOf } from '../inbox/presenters.js';
import {
  applyConversationActivity,
  ensureConversations,
  findConversation,
  findMedia,
  findMessage,
  insertMessage,
  queuedOutboundMessage,
  type ConversationRow,
  type MediaRow,
  type MessageRow,
} from '../inbox/repo.js';
import { cleanFileName } from '../media/service.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { findLiveNumber, workspaceCountry, type SendingNumberRow } from './repo.js';

export interface ReplyInput {
  text?: string | undefined;
  /** A stored file of the workspace to send, with `text` as its caption. */
  mediaId?: string | undefined;
  /** A document's name as the customer sees it (default: the uploaded file's name). */
  fileName?: string | undefined;
  quotedMessageId?: string | undefined;
}

/** What one outbound message carries. */
interface OutboundContent {
  kind: string;
  text: string | null;
  media: MediaRow | null;
  fileName: string | null;
}

/**
 * A phone number typed by a person → E.164 digits without `+`. Local formats use
 * the workspace's country. "Possible" (right length for the country) rather than
 * "valid" on purpose: the metadata lags new ranges, and whether the number is on
 * WhatsApp is the real test.
 */
export function normalisePhone(input: string, defaultCountry: string): string | null {
  const trimmed = input.trim();
  if (!/^[+\d\s().\-/]+$/.test(trimmed) || !/\d/.test(trimmed)) return null;
  const withPlus = trimmed.startsWith('00') ? `+${trimmed.slice(2)}` : trimmed;
  const parsed = parsePhoneNumberFromString(withPlus, defaultCountry as CountryCode);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number.slice(1);
}

/** Numbers that cannot take messages at all right now; queuing for them would only fail later. */
function unavailableReason(number: SendingNumberRow): string | null {
  switch (number.state) {
    case 'logged_out':
      return 'This number was logged out from the phone. Link it again before sending.';
    case 'failed':
      return `This number has stopped${number.state_reason ? ` (${number.state_reason})` : ''}. Fix it on the numbers page before sending.`;
    case 'unlinked':
      return 'This number is not linked to WhatsApp. Link it before sending.';
    case 'idle':
      return number.linked_at === null ? 'This number has never been linked to WhatsApp. Link it before sending.' : null;
    default:
      // connecting, reconnecting, waiting_for_scan, connected: queued and sent once connected.
      return null;
  }
}

export function createMessagingService(deps: {
  db: Db;
  clock: Clock;
  access: WorkspaceAccess;
  activity: ActivityService;
  bus: EventBus;
  usage: UsageRecorder;
}) {
  const { db, clock, access, activity, bus, usage } = deps;

  async function sendableNumber(workspaceId: string, numberId: string): Promise<SendingNumberRow> {
    const number = await findLiveNumber(db, workspaceId, numberId);
    if (!number) throw new AppError(404, 'number_not_found', 'That number does not exist in this workspace.');
    const reason = unavailableReason(number);
    if (reason) throw new AppError(409, 'number_unavailable', reason, { state: number.state, reason: number.state_reason });
    return number;
  }

  /**
   * Text alone, or a file of this workspace with the text as its caption. Another
   * workspace's media id is simply not found; a file WhatsApp cannot send is refused here,
   * before it is queued.
   */
  async function contentOf(workspaceId: string, input: ReplyInput): Promise<OutboundContent> {
    const text = input.text !== undefined && input.text.trim() !== '' ? input.text : null;
    if (!input.mediaId) {
      if (text === null) throw validation('A message needs text or a file.', { text: 'must not be empty' });
      return { kind: 'text', text, media: null, fileName: null };
    }
    const media = await findMedia(db, workspaceId, input.mediaId);
    if (!media) throw notFound('media');
    const kind = uploadKindOf(media.mimetype);
    if (media.state !== 'stored' || !kind) {
      throw new AppError(
        409,
        'media_not_sendable',
        media.state !== 'stored'
          ? 'That file is not stored on the server (yet), so it cannot be sent.'
          : 'WhatsApp cannot send this type of file.',
      );
    }
    if (text !== null && (kind === 'audio' || kind === 'sticker')) {
      throw validation(`WhatsApp shows no caption on ${kind === 'audio' ? 'audio' : 'stickers'}: send the text as its own message.`, {
        text: `not allowed with ${kind}`,
      });
    }
    const fileName = kind === 'document' ? (cleanFileName(input.fileName) ?? media.file_name) : media.file_name;
    return { kind, text, media, fileName };
  }

  async function quotedOf(tx: DbOrTx, workspaceId: string, conversation: ConversationRow, quotedMessageId: string | undefined) {
    if (!quotedMessageId) return null;
    const quoted = await findMessage(tx, workspaceId, quotedMessageId);
    if (!quoted || quoted.conversation_id !== conversation.id || !quoted.provider_message_id || quoted.revoked_at !== null) {
      throw validation('The quoted message cannot be quoted.', { quotedMessageId: 'must be a delivered message of this conversation' });
    }
    return { providerMessageId: quoted.provider_message_id, text: quoted.text };
  }

  /** Inserts the queued message and moves the conversation; the caller commits, then publishes. */
  async function enqueue(
    tx: DbOrTx,
    caller: Caller,
    number: SendingNumberRow,
    contact: ContactRow,
    conversation: ConversationRow,
    content: OutboundContent,
    quotedMessageId: string | undefined,
  ): Promise<MessageRow> {
    const now = clock.now();
    const quoted = await quotedOf(tx, number.workspace_id, conversation, quotedMessageId);
    const row = queuedOutboundMessage({
      id: newId(now),
      workspace_id: number.workspace_id,
      conversation_id: conversation.id,
      number_id: number.id,
      sender_user_id: caller.userId,
      kind: content.kind,
      text: content.text,
      media_id: content.media?.id ?? null,
      // A document renamed for this message only: the stored file (maybe shared by a campaign) keeps its name.
      ...(content.media && content.fileName !== content.media.file_name ? { payload: JSON.stringify({ fileName: content.fileName }) } : {}),
      quoted_provider_id: quoted?.providerMessageId ?? null,
      quoted_text: quoted?.text ?? null,
      sent_at: now,
    });
    await insertMessage(tx, row);
    // An answer from the team: the customer is no longer waiting.
    await applyConversationActivity(
      tx,
      number.workspace_id,
      {
        conversationId: conversation.id,
        unreadIncrement: 0,
        reopen: false,
        waiting: { kind: 'set', value: null },
        last: { at: now, preview: previewOf({ kind: content.kind, text: content.text, fileName: content.fileName }), direction: 'out' },
      },
      now,
    );
    await activity.record(
      number.workspace_id,
      {
        action: 'message.sent',
        actor: { userId: caller.userId, name: caller.name },
        ip: caller.ip,
        target: { type: 'message', id: row.id, label: contact.phone.startsWith('lid:') ? contact.phone : `+${contact.phone}` },
        details: {
          numberId: number.id,
          numberName: number.name,
          to: contact.phone,
          conversationId: conversation.id,
          ...(content.media ? { kind: content.kind, mediaId: content.media.id } : {}),
        },
      },
      tx,
    );
    return row;
  }

  async function present(row: MessageRow): Promise<MessageDtoT> {
    return presentMessage(row, { media: row.media_id ? await findMedia(db, row.workspace_id, row.media_id) : null });
  }

  function publish(row: MessageRow, createdContactId: string | null): void {
    if (createdContactId) bus.publish(row.workspace_id, 'contact.updated', { contactId: createdContactId });
    bus.publish(row.workspace_id, 'message.created', { conversationId: row.conversation_id, messageId: row.id, direction: 'out' });
    bus.publish(row.workspace_id, 'conversation.updated', { conversationId: row.conversation_id });
  }

  return {
    /** Starts (or continues) the conversation with a phone number on one of the workspace's numbers. Any member may send. */
    async send(caller: Caller, workspaceId: string, body: SendMessageBodyT): Promise<MessageDtoT> {
      await access.require(caller, workspaceId, 'workspace.read');
      const content = await contentOf(workspaceId, body);
      const country = (await workspaceCountry(db, workspaceId)) ?? 'US';
      const phone = normalisePhone(body.to, country);
      if (!phone) {
        throw new AppError(
          400,
          'invalid_phone',
          `"${body.to.slice(0, 40)}" is not a phone number we can send to. Use the international format (+44 7700 900123) or a local number of the workspace country (${country}).`,
          { fields: { to: 'not a valid phone number' } },
        );
      }
      const number = await sendableNumber(workspaceId, body.numberId);
      const { row, createdContactId } = await db.transaction().execute(async (tx) => {
        const now = clock.now();
        const { byPhone, created } = await ensureContacts(tx, workspaceId, [{ phone }], now);
        const contact = byPhone.get(phone)!;
        const { byContact } = await ensureConversations(tx, workspaceId, number.id, [contact.id], now);
        const conversation = byContact.get(contact.id)!;
        const row = await enqueue(tx, caller, number, contact, conversation, content, body.quotedMessageId);
        return { row, createdContactId: created[0] ?? null };
      });
      publish(row, createdContactId);
      await usage.feature(caller.userId, workspaceId, 'message.sent');
      return present(row);
    },

    /** A reply inside an existing conversation, from the number the conversation is on. */
    async enqueueReply(caller: Caller, workspaceId: string, conversationId: string, input: ReplyInput): Promise<MessageDtoT> {
      await access.require(caller, workspaceId, 'workspace.read');
      const content = await contentOf(workspaceId, input);
      const conversation = await findConversation(db, workspaceId, conversationId);
      if (!conversation) throw notFound('conversation');
      const number = await sendableNumber(workspaceId, conversation.number_id);
      const row = await db.transaction().execute(async (tx) => {
        const contact = await findContact(tx, workspaceId, conversation.contact_id);
        if (!contact) throw notFound('conversation');
        return enqueue(tx, caller, number, contact, conversation, content, input.quotedMessageId);
      });
      publish(row, null);
      return present(row);
    },
  };
}

export type MessagingService = ReturnType<typeof createMessagingService>;
