/**
 * "Mark customer messages as read on WhatsApp when replying" (workspace
 * setting `mark_read_on_reply`, on by default): once WhatsApp accepted a
 * message a person wrote, the customer's unread messages in that conversation
 * get read receipts (blue ticks on the customer's side).
 *
 * It runs in the send worker of the process holding the number (the only one
 * with a session), after the send is settled, so a failure here never touches
 * the send. Inbound messages start as `received`; once receipted they become
 * `read`, so each gets one receipt however many replies follow. Only the
 * latest `WINDOW` messages of the conversation are looked at: a reply answers
 * what was said recently, and the lookup stays one short index walk.
 */
import type { Db } from '../../db/database.js';
import type { CustomerRef, ProviderSession } from '../../whatsapp/provider.js';
import type { ClaimedSend } from '../../whatsapp/send-worker.js';

const WINDOW = 200;

/** Our conversation key (`<digits>` or `lid:<id>`) as the provider's customer reference. */
export function customerRefOfKey(key: string): CustomerRef {
  return key.startsWith('lid:') ? { id: key, phone: null, lid: key.slice(4) } : { id: key, phone: key, lid: null };
}

export async function unreadInboundOf(
  db: Db,
  workspaceId: string,
  conversationId: string,
): Promise<Array<{ id: string; providerMessageId: string }>> {
  const recent = await db
    .selectFrom('messages')
    .select(['id', 'direction', 'status', 'provider_message_id'])
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .limit(WINDOW)
    .execute();
  return recent
    .filter((m) => m.direction === 'in' && m.status === 'received' && m.provider_message_id !== null)
    .map((m) => ({ id: m.id, providerMessageId: m.provider_message_id! }));
}

export function createReadOnReply(deps: { db: Db }) {
  const { db } = deps;
  return async function readOnReply(
    job: Pick<ClaimedSend, 'workspaceId' | 'conversationId' | 'to' | 'byPerson'>,
    session: Pick<ProviderSession, 'markRead'>,
  ) {
    if (!job.byPerson) return;
    const ws = await db.selectFrom('workspaces').select('mark_read_on_reply').where('id', '=', job.workspaceId).executeTakeFirst();
    if (!ws || ws.mark_read_on_reply === 0) return;
    const unread = await unreadInboundOf(db, job.workspaceId, job.conversationId);
    if (unread.length === 0) return;
    const chat = customerRefOfKey(job.to);
    await session.markRead(unread.map((m) => ({ chat, providerMessageId: m.providerMessageId })));
    await db
      .updateTable('messages')
      .set({ status: 'read' })
      .where('workspace_id', '=', job.workspaceId)
      .where(
        'id',
        'in',
        unread.map((m) => m.id),
      )
      .where('status', '=', 'received')
      .execute();
  };
}

export type ReadOnReply = ReturnType<typeof createReadOnReply>;
