import type {
  CannedReplyDtoT,
  InboxConversationDtoT,
  InboxMessageDtoT,
  LabelDtoT,
  NoteDtoT,
  SnippetPartT,
} from '../../../contracts/inbox.js';
import { iso } from '../../lib/clock.js';
import { isLidPlaceholder } from '../contacts/repo.js';
import { parsePayload } from './presenters.js';
import type { MediaRow, ReactionRow } from './repo.js';
import { OUTCOME_UNKNOWN_ERROR } from './send-queue.js';
import type { CannedReplyRow, InboxRow, LabelRow, MessagePageRow, NoteRow } from './team-repo.js';
import { presentConversationSla } from '../sla/service.js';

export function presentLabel(row: Pick<LabelRow, 'id' | 'name' | 'color'>): LabelDtoT {
  return { id: row.id, name: row.name, color: row.color };
}

export function presentCannedReply(row: CannedReplyRow): CannedReplyDtoT {
  return { id: row.id, shortcut: row.shortcut, text: row.text, updatedAt: iso(row.updated_at) };
}

export function presentNote(row: NoteRow): NoteDtoT {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    text: row.text,
    author: row.author_user_id || row.author_name ? { id: row.author_user_id ?? '', name: row.author_name ?? 'deleted user' } : null,
    createdAt: iso(row.created_at),
  };
}

/** Agent-set name > name saved on the phone > WhatsApp push name > phone. */
export function contactNameOf(row: Pick<InboxRow, 'contact_name' | 'contact_saved_name' | 'contact_push_name' | 'contact_phone'>): string {
  const name = row.contact_name ?? row.contact_saved_name ?? row.contact_push_name;
  if (name?.trim()) return name;
  return isLidPlaceholder(row.contact_phone) ? 'Unknown customer' : `+${row.contact_phone}`;
}

export function presentInboxConversation(
  row: InboxRow,
  labels: readonly LabelRow[],
  match?: { messageId: string | null; snippet: SnippetPartT[] },
  now: number = Date.now(),
): InboxConversationDtoT {
  return {
    id: row.id,
    contact: {
      id: row.contact_id,
      name: contactNameOf(row),
      phone: isLidPlaceholder(row.contact_phone) ? null : row.contact_phone,
      optedOut: row.contact_opted_out === 1,
    },
    number: { id: row.number_id, name: row.number_name },
    status: row.status,
    assignee: row.assignee_user_id ? { id: row.assignee_user_id, name: row.assignee_name ?? 'deleted user' } : null,
    labels: labels.map(presentLabel),
    unreadCount: row.unread_count,
    lastMessage:
      row.last_message_at !== null && row.last_message_direction
        ? { preview: row.last_message_preview ?? '', direction: row.last_message_direction, at: iso(row.last_message_at) }
        : null,
    waitingSince: row.waiting_since === null ? null : iso(row.waiting_since),
    sla:
      row.status === 'resolved'
        ? null
        : presentConversationSla(
            { urgent_target: row.sla_target, urgent_risk_at: row.sla_risk_at, urgent_breach_at: row.sla_breach_at },
            now,
          ),
    ...(match ? { match } : {}),
  };
}

export function presentInboxMessage(
  row: MessagePageRow,
  extras: { media: MediaRow | null; reactions: readonly ReactionRow[] },
): InboxMessageDtoT {
  const payload = parsePayload(row.payload);
  const media = extras.media;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    kind: row.kind,
    text: row.text,
    media: media
      ? {
          id: media.id,
          mimetype: media.mimetype,
          fileName: payload.fileName ?? media.file_name,
          size: media.size,
          state: media.state,
          url: `/api/v1/workspaces/${encodeURIComponent(row.workspace_id)}/media/${encodeURIComponent(media.id)}`,
        }
      : null,
    payload: { location: payload.location ?? null, contacts: payload.contacts ?? [] },
    quoted: row.quoted_provider_id ? { providerMessageId: row.quoted_provider_id, text: row.quoted_text } : null,
    reactions: extras.reactions.map((r) => ({ actor: r.actor, emoji: r.emoji, at: iso(r.at) })),
    status: row.status,
    error: row.error,
    outcomeUnknown: row.status === 'failed' && row.error === OUTCOME_UNKNOWN_ERROR,
    isForwarded: payload.isForwarded === true,
    editedAt: row.edited_at === null ? null : iso(row.edited_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
    sentAt: iso(row.sent_at),
    sender: row.sender_user_id ? { id: row.sender_user_id, name: row.sender_name ?? 'deleted user' } : null,
  };
}
