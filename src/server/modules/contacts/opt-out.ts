/**
 * Opt-out (PRODUCT §6). A customer who answers with one of the workspace's
 * opt-out keywords is marked opted out; an opt-in keyword marks them back in.
 * Every change is an `opt_events` row with its source.
 *
 * Opt-out is about bulk and marketing sends: every campaign recipient goes through
 * `refusesBulkMessages` (on the contact row the sender already holds) or, by id or
 * phone, `isOptedOut` / `assertCanMessage` — one rule, in this module. A one-to-one reply by an agent to a
 * customer who writes in stays allowed, so a customer who opted out can still
 * get help when they ask for it.
 */
import type { OptOutSettingsDtoT } from '../../../contracts/contacts.js';
import type { DbOrTx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { insertActivity } from '../activity/repo.js';
import { previewOf } from '../inbox/presenters.js';
import { applyConversationActivity, insertMessage, queuedOutboundMessage, type MessageRow } from '../inbox/repo.js';
import { findContact, findContactsByPhones, findOptOutSettings, insertOptEvent, type ContactRow, type OptEventRow } from './repo.js';

export const DEFAULT_OPT_OUT_SETTINGS: OptOutSettingsDtoT = {
  optOutKeywords: ['STOP', 'UNSUBSCRIBE', 'CANCEL', 'STOP ALL'],
  optInKeywords: ['START'],
  // On by default: people who send STOP expect to be told it worked, and it is what
  // carriers' own STOP handling has taught them. The texts are short and neutral.
  optOutReplyEnabled: true,
  optOutReply: 'You have been unsubscribed and will get no more messages from us. Reply START to subscribe again.',
  optInReplyEnabled: true,
  optInReply: 'You are subscribed again. Reply STOP to unsubscribe.',
};

/** Longest message still read as a keyword: anything longer is a sentence, not a command. */
const KEYWORD_MESSAGE_MAX = 60;

/**
 * A message or keyword reduced to what is compared: Unicode-normalised, upper
 * case, punctuation, symbols (emoji) and spaces around it removed, inner spaces
 * collapsed. "  Stop all!! " → "STOP ALL".
 */
export function normaliseKeyword(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/\s+/gu, ' ')
    .toUpperCase();
}

/** Whether a whole message is an opt-out or opt-in keyword of these settings. */
export function matchOptKeyword(
  text: string | null,
  settings: Pick<OptOutSettingsDtoT, 'optOutKeywords' | 'optInKeywords'>,
): 'out' | 'in' | null {
  if (!text || text.length > KEYWORD_MESSAGE_MAX) return null;
  const said = normaliseKeyword(text);
  if (said === '') return null;
  if (settings.optOutKeywords.some((k) => normaliseKeyword(k) === said)) return 'out';
  if (settings.optInKeywords.some((k) => normaliseKeyword(k) === said)) return 'in';
  return null;
}

export async function loadOptOutSettings(db: DbOrTx, workspaceId: string): Promise<OptOutSettingsDtoT> {
  const row = await findOptOutSettings(db, workspaceId);
  if (!row) return { ...DEFAULT_OPT_OUT_SETTINGS };
  return {
    optOutKeywords: JSON.parse(row.opt_out_keywords) as string[],
    optInKeywords: JSON.parse(row.opt_in_keywords) as string[],
    optOutReplyEnabled: row.opt_out_reply_enabled === 1,
    optOutReply: row.opt_out_reply,
    optInReplyEnabled: row.opt_in_reply_enabled === 1,
    optInReply: row.opt_in_reply,
  };
}

/** A contact id, or a phone number (E.164 digits, with or without `+` and spaces). */
async function contactOf(db: DbOrTx, workspaceId: string, contactIdOrPhone: string): Promise<ContactRow | undefined> {
  const byId = await findContact(db, workspaceId, contactIdOrPhone);
  if (byId) return byId;
  const digits = contactIdOrPhone.replace(/[\s+()-]/g, '');
  if (!/^\d{5,20}$/.test(digits)) return undefined;
  const [byPhone] = await findContactsByPhones(db, workspaceId, [digits]);
  return byPhone;
}

/** Whether bulk and marketing sends must skip this contact; no contact (a new phone) has not opted out. */
export function refusesBulkMessages(contact: Pick<ContactRow, 'opted_out'> | undefined): boolean {
  return contact?.opted_out === 1;
}

/** True when the contact (by id or phone) has opted out; an unknown phone has not. */
export async function isOptedOut(db: DbOrTx, workspaceId: string, contactIdOrPhone: string): Promise<boolean> {
  return refusesBulkMessages(await contactOf(db, workspaceId, contactIdOrPhone));
}

/** For bulk and marketing sends: throws 409 `contact_opted_out` when the contact has opted out. */
export async function assertCanMessage(db: DbOrTx, workspaceId: string, contactIdOrPhone: string): Promise<void> {
  if (await isOptedOut(db, workspaceId, contactIdOrPhone)) {
    throw new AppError(409, 'contact_opted_out', 'This contact has opted out of messages from this workspace.');
  }
}

export interface OptChange {
  optedOut: boolean;
  source: OptEventRow['source'];
  userId: string | null;
  messageId?: string | null;
}

/** Sets the opt-out state and records the event; false (and nothing written) when it was already so. */
export async function applyOptChange(
  tx: DbOrTx,
  workspaceId: string,
  contact: Pick<ContactRow, 'id' | 'opted_out' | 'opted_out_at'>,
  change: OptChange,
  now: number,
): Promise<boolean> {
  if ((contact.opted_out === 1) === change.optedOut) return false;
  await tx
    .updateTable('contacts')
    .set({ opted_out: change.optedOut ? 1 : 0, opted_out_at: change.optedOut ? now : null, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', contact.id)
    .execute();
  await insertOptEvent(tx, {
    id: newId(now),
    workspace_id: workspaceId,
    contact_id: contact.id,
    opted_out: change.optedOut ? 1 : 0,
    source: change.source,
    user_id: change.userId,
    message_id: change.messageId ?? null,
    created_at: now,
  });
  contact.opted_out = change.optedOut ? 1 : 0;
  contact.opted_out_at = change.optedOut ? now : null;
  return true;
}

/**
 * The ingest hook: new, live, inbound text messages that are a keyword change
 * the sender's opt-out state, inside the ingest's transaction. A confirmation
 * reply is queued on the same number (payload.automated, so response-time
 * measures can leave it out). Repeating a keyword changes nothing and sends nothing.
 */
export async function applyOptOutKeywords(
  tx: DbOrTx,
  number: { id: string; workspaceId: string },
  messages: ReadonlyArray<Pick<MessageRow, 'id' | 'conversation_id' | 'direction' | 'kind' | 'text' | 'sent_at'>>,
  contactOfConversation: (conversationId: string) => string | undefined,
  now: number,
): Promise<{ contactIds: string[]; replies: Array<{ conversationId: string; messageId: string }> }> {
  const result = { contactIds: [] as string[], replies: [] as Array<{ conversationId: string; messageId: string }> };
  const candidates = messages.filter((m) => m.direction === 'in' && m.kind === 'text' && m.text && m.text.length <= KEYWORD_MESSAGE_MAX);
  if (candidates.length === 0) return result;
  const settings = await loadOptOutSettings(tx, number.workspaceId);
  for (const m of [...candidates].sort((a, b) => a.sent_at - b.sent_at)) {
    const match = matchOptKeyword(m.text, settings);
    if (!match) continue;
    const contactId = contactOfConversation(m.conversation_id);
    const contact = contactId ? await findContact(tx, number.workspaceId, contactId) : undefined;
    if (!contact) continue;
    const optedOut = match === 'out';
    if (!(await applyOptChange(tx, number.workspaceId, contact, { optedOut, source: 'keyword', userId: null, messageId: m.id }, now)))
      continue;
    result.contactIds.push(contact.id);
    await insertActivity(tx, [
      {
        id: newId(now),
        workspace_id: number.workspaceId,
        actor_user_id: null,
        actor_name: null,
        action: optedOut ? 'contact.opted_out' : 'contact.opted_in',
        target_type: 'contact',
        target_id: contact.id,
        target_label: contact.phone.startsWith('lid:') ? contact.phone : `+${contact.phone}`,
        ip: null,
        details: JSON.stringify({ source: 'keyword', messageId: m.id }),
        created_at: now,
      },
    ]);
    const enabled = optedOut ? settings.optOutReplyEnabled : settings.optInReplyEnabled;
    const text = optedOut ? settings.optOutReply : settings.optInReply;
    if (!enabled || !text.trim()) continue;
    const reply = queuedOutboundMessage({
      id: newId(now),
      workspace_id: number.workspaceId,
      conversation_id: m.conversation_id,
      number_id: number.id,
      sender_user_id: null,
      kind: 'text',
      text,
      payload: JSON.stringify({ automated: true, reason: optedOut ? 'opt_out_confirmation' : 'opt_in_confirmation' }),
      sent_at: now,
    });
    await insertMessage(tx, reply);
    // An automatic confirmation is not an answer from the team: the waiting clock is left alone.
    await applyConversationActivity(
      tx,
      number.workspaceId,
      {
        conversationId: m.conversation_id,
        unreadIncrement: 0,
        reopen: false,
        waiting: { kind: 'keep' },
        last: { at: Math.max(now, m.sent_at), preview: previewOf({ kind: 'text', text }), direction: 'out' },
      },
      now,
    );
    result.replies.push({ conversationId: m.conversation_id, messageId: reply.id });
  }
  return result;
}
