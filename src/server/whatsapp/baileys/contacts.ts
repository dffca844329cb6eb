/**
 * Baileys contacts and LID mappings → ours.
 */
import type { Contact, LIDMapping } from 'baileys';
import type { ContactUpdate, LidMapping } from '../provider.js';
import { lidFromJid, phoneFromJid, resolveCustomer, type LidLookup } from './jid.js';

export interface ContactContext {
  lookupPhoneForLid?: LidLookup;
}

/** `contacts.upsert` / `contacts.update` → contact updates; groups and the like are dropped. */
export function contactUpdatesFrom(contacts: ReadonlyArray<Partial<Contact>>, ctx: ContactContext = {}): ContactUpdate[] {
  const out: ContactUpdate[] = [];
  for (const c of contacts) {
    // `id` may be either form; `phoneNumber` / `lid` carry the other one when known.
    const resolved = resolveCustomer(c.id, {
      alt: [c.phoneNumber, c.lid],
      ...(ctx.lookupPhoneForLid ? { lookupPhoneForLid: ctx.lookupPhoneForLid } : {}),
    });
    if (!resolved.ok) continue;
    const update: ContactUpdate = { phone: resolved.customer.phone };
    if (resolved.customer.lid) update.lid = resolved.customer.lid;
    if (c.notify) update.pushName = c.notify;
    if (c.name) update.savedName = c.name;
    if (c.verifiedName) update.verifiedName = c.verifiedName;
    out.push(update);
  }
  return out;
}

/** A Baileys LID ↔ PN pair (JIDs) → ours (bare ids), or null if either side is not what it claims. */
export function lidMappingFrom(mapping: LIDMapping): LidMapping | null {
  const lid = lidFromJid(mapping.lid);
  const phone = phoneFromJid(mapping.pn);
  return lid && phone ? { lid, phone } : null;
}
