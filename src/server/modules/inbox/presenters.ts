import type { ConversationSummaryDtoT, MessageDtoT, MessageStatusT } from '../../../contracts/messages.js';
import { iso } from '../../lib/clock.js';
import type { ContactCard, LocationInfo } from '../../whatsapp/provider.js';
import { isLidPlaceholder, type ContactRow } from '../contacts/repo.js';
import type { ConversationRow, MediaRow, MessageRow, ReactionRow } from './repo.js';

export const PREVIEW_MAX = 200;
export const REVOKED_PREVIEW = '🚫 This message was deleted';

/** Kind-specific content kept in `messages.payload` (JSON). */
export interface MessagePayload {
  location?: LocationInfo;
  contacts?: ContactCard[];
  media?: { seconds: number | null; width: number | null; height: number | null; gif: boolean; animated: boolean };
  isViewOnce?: boolean;
  isForwarded?: boolean;
  isEphemeral?: boolean;
  unsupportedType?: string;
  /** The text before the first edit. */
  originalText?: string | null;
  /** When WhatsApp accepted an outbound message (server ack). */
  sentAt?: number;
  /** An outbound document's name for this message, when it differs from the stored file's. */
  fileName?: string | null;
  /** Sent by WaSphere on its own (an opt-out confirmation), not by a person. */
  automated?: boolean;
}

export function parsePayload(text: string): MessagePayload {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as MessagePayload) : {};
  } catch {
    return {};
  }
}

/** Cuts by code points so an emoji is never split in half. */
export function truncate(text: string, max = PREVIEW_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Code units never undercount code points, so a short string needs no splitting.
  if (flat.length <= max) return flat;
  const chars = Array.from(flat);
  return chars.length <= max ? flat : chars.slice(0, max - 1).join('') + '…';
}

/** The one line shown in the conversation list. */
export function previewOf(m: {
  kind: string;
  text: string | null;
  fileName?: string | null;
  location?: LocationInfo | null;
  contacts?: readonly ContactCard[];
}): string {
  const caption = m.text?.trim() ? m.text : null;
  const withCaption = (label: string) => (caption ? `${label}: ${caption}` : label);
  switch (m.kind) {
    case 'text':
      return truncate(m.text ?? '');
    case 'image':
      return truncate(withCaption('📷 Photo'));
    case 'video':
      return truncate(withCaption('🎥 Video'));
    case 'audio':
      return '🎵 Audio';
    case 'voice':
      return '🎤 Voice message';
    case 'document':
      return truncate(withCaption(`📄 ${m.fileName ? `Document: ${m.fileName}` : 'Document'}`));
    case 'sticker':
      return 'Sticker';
    case 'location':
      return truncate(m.location?.name ? `📍 Location: ${m.location.name}` : m.location?.live ? '📍 Live location' : '📍 Location');
    case 'contact': {
      const name = m.contacts?.[0]?.displayName;
      const more = (m.contacts?.length ?? 0) > 1 ? ` and ${(m.contacts?.length ?? 1) - 1} more` : '';
      return truncate(`👤 Contact${name ? `: ${name}` : ''}${more}`);
    }
    default:
      return truncate(caption ?? 'Unsupported message');
  }
}

export function contactDisplayName(c: Pick<ContactRow, 'name' | 'saved_name' | 'push_name'>): string | null {
  return c.name ?? c.saved_name ?? c.push_name ?? null;
}

export function presentMessage(row: MessageRow, extras: { media?: MediaRow | null; reactions?: readonly ReactionRow[] } = {}): MessageDtoT {
  const payload = parsePayload(row.payload);
  const media = extras.media ?? null;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    numberId: row.number_id,
    direction: row.direction,
    kind: row.kind,
    text: row.text,
    status: row.status as MessageStatusT,
    error: row.error,
    senderUserId: row.sender_user_id,
    media: media
      ? { id: media.id, mimetype: media.mimetype, fileName: payload.fileName ?? media.file_name, size: media.size, state: media.state }
      : null,
    location: payload.location ?? null,
    contacts: payload.contacts ?? [],
    quoted: row.quoted_provider_id ? { providerMessageId: row.quoted_provider_id, text: row.quoted_text } : null,
    reactions: (extras.reactions ?? []).map((r) => ({ actor: r.actor, emoji: r.emoji, at: iso(r.at) })),
    isForwarded: payload.isForwarded === true,
    isViewOnce: payload.isViewOnce === true,
    sentAt: iso(row.sent_at),
    editedAt: row.edited_at === null ? null : iso(row.edited_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
    attempts: row.attempts,
  };
}

export function presentConversationSummary(conv: ConversationRow, contact: ContactRow): ConversationSummaryDtoT {
  return {
    id: conv.id,
    numberId: conv.number_id,
    contact: { id: contact.id, phone: isLidPlaceholder(contact.phone) ? null : contact.phone, displayName: contactDisplayName(contact) },
    status: conv.status,
    assigneeUserId: conv.assignee_user_id,
    unreadCount: conv.unread_count,
    lastMessageAt: conv.last_message_at === null ? null : iso(conv.last_message_at),
    lastMessagePreview: conv.last_message_preview,
    lastMessageDirection: conv.last_message_direction,
    waitingSince: conv.waiting_since === null ? null : iso(conv.waiting_since),
  };
}
