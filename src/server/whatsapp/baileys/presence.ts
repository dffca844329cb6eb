/**
 * Baileys `presence.update` → our `CustomerPresence`.
 *
 * WhatsApp sends chat states (composing, recording, paused) and online status
 * for chats we subscribed to. Baileys reports a chat state "paused" as
 * `available`, so "available" means "not typing (any more)" as much as
 * "online". Groups and other non-customer chats are dropped, and so is our
 * own account (another of our devices typing).
 */
import type { BaileysEventMap } from 'baileys';
import type { CustomerPresence } from '../provider.js';
import { resolveCustomer, type LidLookup, type SelfIds } from './jid.js';

const KINDS: Record<string, CustomerPresence['presence']> = {
  composing: 'typing',
  recording: 'recording',
  paused: 'paused',
  available: 'available',
  unavailable: 'unavailable',
};

export function presencesFrom(
  update: BaileysEventMap['presence.update'],
  ctx: { lookupPhoneForLid?: LidLookup; self?: SelfIds } = {},
): CustomerPresence[] {
  // A 1:1 chat is the customer; groups, broadcasts and our own chat are refused here.
  const resolved = resolveCustomer(update.id, ctx);
  if (!resolved.ok) return [];
  const out: CustomerPresence[] = [];
  for (const data of Object.values(update.presences ?? {})) {
    const presence = KINDS[data?.lastKnownPresence ?? ''];
    if (presence) out.push({ chat: resolved.customer, presence });
  }
  return out;
}
