/**
 * Who is typing in a conversation, live (issue: team inbox, real time):
 * - a teammate's composer (`signal`, from the dashboard): published as
 *   `conversation.typing` to the workspace's dashboards, and, for replies when
 *   the workspace allows it (`typing_to_customer`), as a `presence.request` that
 *   the process holding the number turns into "typing…" on the customer's phone
 *   (`whatsapp/presence-relay.ts`). A private note never reaches the customer;
 * - the customer on WhatsApp (`customer`, from the number manager): published
 *   as `conversation.typing` by the customer.
 * Nothing is stored: a missed event simply expires on the client.
 */
import type { Db } from '../../db/database.js';
import { notFound } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { EventBus } from '../../realtime/bus.js';
import type { CustomerPresence } from '../../whatsapp/provider.js';
import type { NumberRef } from '../../whatsapp/manager.js';
import type { TypingBodyT } from '../../../contracts/inbox.js';
import type { Caller } from '../caller.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { findConversation } from './repo.js';

/** A teammate's "typing" shows this long unless repeated (the dashboard repeats every few seconds while keys are pressed). */
export const AGENT_TYPING_MS = 6_000;
/** WhatsApp repeats a customer's "composing" rarely and may never say "paused" (app closed): show it this long. */
export const CUSTOMER_TYPING_MS = 25_000;
/** Repeated "typing" of one teammate in one conversation closer than this is dropped (a client that does not throttle). */
const AGENT_REPEAT_MS = 2_000;

type TypingState = 'typing' | 'recording' | 'stopped';

function customerState(presence: CustomerPresence['presence']): TypingState {
  return presence === 'typing' || presence === 'recording' ? presence : 'stopped';
}

export function createTypingService(deps: { db: Db; clock: Clock; access: Pick<WorkspaceAccess, 'require'>; bus: EventBus }) {
  const { db, clock, access, bus } = deps;
  /** Last state published per teammate and conversation (this process), for the repeat filter. */
  const agentLast = new Map<string, { state: TypingState; at: number }>();
  /** Last state published per customer conversation, so online/offline noise is not sent as "stopped" again and again. */
  const customerLast = new Map<string, TypingState>();

  function remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    // Bounded: the oldest entries go (the worst case is one extra event).
    if (map.size > 10_000) map.delete(map.keys().next().value as string);
  }

  return {
    /** Any member may signal in a conversation of the workspace; another workspace's conversation is 404. */
    async signal(caller: Caller, workspaceId: string, conversationId: string, body: TypingBodyT): Promise<void> {
      await access.require(caller, workspaceId, 'workspace.read');
      const conversation = await findConversation(db, workspaceId, conversationId);
      if (!conversation) throw notFound('conversation');
      const numberId = conversation.number_id;
      if (body.state === 'viewing') {
        bus.publish(workspaceId, 'presence.request', { numberId, conversationId, action: 'subscribe' });
        return;
      }
      const now = clock.now();
      const key = `${caller.userId}:${conversationId}`;
      const last = agentLast.get(key);
      if (body.state === 'typing' && last?.state === 'typing' && now - last.at < AGENT_REPEAT_MS) return;
      remember(agentLast, key, { state: body.state, at: now });
      bus.publish(workspaceId, 'conversation.typing', {
        conversationId,
        by: 'agent',
        userId: caller.userId,
        name: caller.name,
        state: body.state,
        expiresInMs: AGENT_TYPING_MS,
      });
      // A note is never signalled; "paused" is always allowed (it only ends a "typing…" the relay itself started).
      if (body.state === 'typing' && body.mode === 'note') return;
      const ws = await db.selectFrom('workspaces').select('typing_to_customer').where('id', '=', workspaceId).executeTakeFirst();
      if (!ws || ws.typing_to_customer === 0) return;
      bus.publish(workspaceId, 'presence.request', { numberId, conversationId, action: body.state === 'typing' ? 'typing' : 'paused' });
    },

    /** A customer's presence reported by a number held in this process. */
    async customer(number: NumberRef, presence: CustomerPresence): Promise<void> {
      const row = await db
        .selectFrom('conversations as c')
        .innerJoin('contacts as k', 'k.id', 'c.contact_id')
        .select('c.id')
        .where('k.workspace_id', '=', number.workspaceId)
        .where('k.phone', '=', presence.chat.id)
        .where('c.workspace_id', '=', number.workspaceId)
        .where('c.number_id', '=', number.id)
        .executeTakeFirst();
      if (!row) return; // A customer who never wrote and was never written to: no conversation to show it in.
      const state = customerState(presence.presence);
      const last = customerLast.get(row.id) ?? 'stopped';
      if (state === 'stopped' && last === 'stopped') return;
      remember(customerLast, row.id, state);
      bus.publish(number.workspaceId, 'conversation.typing', {
        conversationId: row.id,
        by: 'customer',
        userId: null,
        name: null,
        state,
        expiresInMs: CUSTOMER_TYPING_MS,
      });
    },
  };
}

export type TypingService = ReturnType<typeof createTypingService>;
