/**
 * Turns `presence.request` events into presence on WhatsApp, in the one
 * process that holds the number (a teammate's browser may be connected to any
 * process; the event reaches every process through the bus and its PostgreSQL
 * bridge, and only the holder acts).
 *
 * Per conversation it keeps WhatsApp's traffic small and the customer's view
 * honest:
 * - "typing…" is sent at most every `typingRepeatMs` while requests keep
 *   coming, and "paused" follows on its own `typingHoldMs` after the last
 *   request (a closed tab never leaves the customer watching "typing…");
 * - "paused" is sent only to end a "typing…" this relay started;
 * - the customer's presence is subscribed to (so WhatsApp reports their typing)
 *   at most every `subscribeEveryMs`.
 * All of it is best effort: a failure is logged and forgotten.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { DomainEvent, DomainEventMap } from '../../contracts/events.js';
import type { Clock } from '../lib/clock.js';
import type { EventBus } from '../realtime/bus.js';
import type { NumberManager } from './manager.js';
import { systemTimers, type Timers } from './timers.js';

interface ConversationPresence {
  phone: string | null;
  typingSince: number | null;
  lastTypingSent: number;
  pauseTimer: unknown;
  subscribedAt: number;
}

export interface PresenceRelayOptions {
  bus: EventBus;
  db: Db;
  manager: Pick<NumberManager, 'isConnectedHere' | 'sendPresence' | 'subscribePresence'>;
  clock: Clock;
  logger: Logger;
  timers?: Timers;
  typingRepeatMs?: number;
  typingHoldMs?: number;
  subscribeEveryMs?: number;
}

export function startPresenceRelay(options: PresenceRelayOptions) {
  const { bus, db, manager, clock } = options;
  const log = options.logger.child({ component: 'presence-relay' });
  const timers = options.timers ?? systemTimers;
  const typingRepeatMs = options.typingRepeatMs ?? 10_000;
  const typingHoldMs = options.typingHoldMs ?? 12_000;
  const subscribeEveryMs = options.subscribeEveryMs ?? 5 * 60_000;
  const byConversation = new Map<string, ConversationPresence>();
  let chain: Promise<void> = Promise.resolve();

  async function phoneOf(workspaceId: string, conversationId: string, numberId: string): Promise<string | null> {
    const row = await db
      .selectFrom('conversations as c')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .select('k.phone')
      .where('c.workspace_id', '=', workspaceId)
      .where('c.id', '=', conversationId)
      .where('c.number_id', '=', numberId)
      .executeTakeFirst();
    // A customer known only by LID cannot be addressed by phone yet.
    return row && !row.phone.startsWith('lid:') ? row.phone : null;
  }

  function entryOf(conversationId: string): ConversationPresence {
    let entry = byConversation.get(conversationId);
    if (!entry) {
      entry = { phone: null, typingSince: null, lastTypingSent: 0, pauseTimer: null, subscribedAt: -Infinity };
      byConversation.set(conversationId, entry);
      if (byConversation.size > 10_000) prune();
    }
    return entry;
  }

  function prune(): void {
    const now = clock.now();
    for (const [id, e] of byConversation) {
      if (e.typingSince === null && now - e.subscribedAt > subscribeEveryMs) byConversation.delete(id);
    }
  }

  async function pause(numberId: string, entry: ConversationPresence): Promise<void> {
    if (entry.pauseTimer !== null) timers.clearTimeout(entry.pauseTimer);
    entry.pauseTimer = null;
    if (entry.typingSince === null || !entry.phone) return;
    entry.typingSince = null;
    entry.lastTypingSent = 0;
    await manager.sendPresence(numberId, entry.phone, 'paused');
  }

  async function handle(workspaceId: string, request: DomainEventMap['presence.request']): Promise<void> {
    const { numberId, conversationId, action } = request;
    if (!manager.isConnectedHere(numberId)) return;
    const entry = entryOf(conversationId);
    if (action === 'paused') return pause(numberId, entry);
    entry.phone ??= await phoneOf(workspaceId, conversationId, numberId);
    if (!entry.phone) return;
    const now = clock.now();
    if (now - entry.subscribedAt >= subscribeEveryMs) {
      entry.subscribedAt = now;
      await manager.subscribePresence(numberId, entry.phone);
    }
    if (action !== 'typing') return;
    if (entry.pauseTimer !== null) timers.clearTimeout(entry.pauseTimer);
    entry.pauseTimer = timers.setTimeout(() => {
      entry.pauseTimer = null;
      enqueue(() => pause(numberId, entry));
    }, typingHoldMs);
    entry.typingSince ??= now;
    if (now - entry.lastTypingSent < typingRepeatMs) return;
    entry.lastTypingSent = now;
    await manager.sendPresence(numberId, entry.phone, 'typing');
  }

  // One request at a time, in arrival order: "typing" then "paused" never overtake each other.
  function enqueue(task: () => Promise<void>): void {
    chain = chain.then(task).catch((error: unknown) => log.warn({ err: error }, 'presence request failed'));
  }

  const unsubscribe = bus.subscribe('*', (event: DomainEvent) => {
    if (event.type === 'presence.request') {
      const { workspaceId, payload } = event;
      enqueue(() => handle(workspaceId, payload));
    }
  });

  return {
    /** Resolves when every request received so far has been handled (tests). */
    idle: () => chain,
    stop(): void {
      unsubscribe();
      for (const entry of byConversation.values()) if (entry.pauseTimer !== null) timers.clearTimeout(entry.pauseTimer);
      byConversation.clear();
    },
  };
}

export type PresenceRelay = ReturnType<typeof startPresenceRelay>;
