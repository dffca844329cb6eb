/**
 * From WhatsApp addresses (JIDs) to our customers.
 *
 * A person shows up either as `<phone>@s.whatsapp.net` or as `<lid>@lid`, and
 * Baileys often gives the other form next to it (`key.remoteJidAlt`). We want
 * one conversation per phone number, so the phone wins whenever it is known
 * from the address itself, an alt field, or the LID mapping store.
 */
import {
  isHostedLidUser,
  isHostedPnUser,
  isJidBot,
  isJidBroadcast,
  isJidGroup,
  isJidMetaAI,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  jidNormalizedUser,
} from 'baileys';
import type { CustomerRef, IgnoreReason } from '../provider.js';

export type JidClass = { type: 'phone'; phone: string } | { type: 'lid'; lid: string } | { type: 'ignored'; reason: IgnoreReason };

// E.164 allows at most 15 digits and never starts with 0; very short numbers are
// WhatsApp service accounts (e.g. `0@c.us`), not customers.
const PHONE_DIGITS = /^[1-9]\d{6,14}$/;
const LID_DIGITS = /^\d{1,32}$/;

/** Classify one JID. Device (`:3`) and agent (`_1`) suffixes are ignored. */
export function classifyJid(jid: string | null | undefined): JidClass {
  if (!jid) return { type: 'ignored', reason: 'unknown_address' };
  if (isJidGroup(jid)) return { type: 'ignored', reason: 'group' };
  if (isJidStatusBroadcast(jid)) return { type: 'ignored', reason: 'status_broadcast' };
  if (isJidBroadcast(jid)) return { type: 'ignored', reason: 'broadcast_list' };
  if (isJidNewsletter(jid)) return { type: 'ignored', reason: 'newsletter' };
  if (isJidMetaAI(jid) || isJidBot(jid)) return { type: 'ignored', reason: 'bot' };

  // `c.us` is the legacy spelling of `s.whatsapp.net`.
  const normalised = jidNormalizedUser(jid);
  const user = jidDecode(jid)?.user ?? '';
  if (isPnUser(normalised) || isHostedPnUser(jid)) {
    return PHONE_DIGITS.test(user) ? { type: 'phone', phone: user } : { type: 'ignored', reason: 'unknown_address' };
  }
  if (isLidUser(jid) || isHostedLidUser(jid)) {
    return LID_DIGITS.test(user) ? { type: 'lid', lid: user } : { type: 'ignored', reason: 'unknown_address' };
  }
  return { type: 'ignored', reason: 'unknown_address' };
}

/** Phone digits of a phone-number JID, or null. */
export function phoneFromJid(jid: string | null | undefined): string | null {
  const c = classifyJid(jid);
  return c.type === 'phone' ? c.phone : null;
}

/** LID user part of a LID JID, or null. */
export function lidFromJid(jid: string | null | undefined): string | null {
  const c = classifyJid(jid);
  return c.type === 'lid' ? c.lid : null;
}

/**
 * Look up the phone for a LID user id; returns phone digits or a phone JID,
 * or nothing when unknown. Must be synchronous: the adapter fetches the
 * mappings it needs before translating a batch.
 */
export type LidLookup = (lid: string) => string | null | undefined;

/** Our own account, so that alt fields about us are not taken for the customer. */
export interface SelfIds {
  phone: string | null;
  lid: string | null;
}

export type CustomerResolution = { ok: true; customer: CustomerRef } | { ok: false; reason: IgnoreReason };

export interface ResolveOptions {
  /** Other JIDs for the same person: `key.remoteJidAlt`, `key.participantAlt`, `senderPn`… */
  alt?: ReadonlyArray<string | null | undefined>;
  lookupPhoneForLid?: LidLookup;
  self?: SelfIds;
}

export function customerRef(phone: string | null, lid: string | null): CustomerRef {
  return { id: phone ?? `lid:${lid ?? ''}`, phone, lid };
}

/**
 * Map the chat JID of a message (and its alternates) to one customer.
 * Groups, status, broadcast lists, newsletters and bots are refused with the
 * reason, as is the "message yourself" chat.
 */
export function resolveCustomer(jid: string | null | undefined, options: ResolveOptions = {}): CustomerResolution {
  const main = classifyJid(jid);
  if (main.type === 'ignored') return { ok: false, reason: main.reason };

  const self = options.self;
  let phone = main.type === 'phone' ? main.phone : null;
  let lid = main.type === 'lid' ? main.lid : null;

  for (const altJid of options.alt ?? []) {
    const alt = classifyJid(altJid);
    // On our own messages Baileys may put our own alternate address here.
    if (alt.type === 'phone' && !phone && alt.phone !== self?.phone) phone = alt.phone;
    if (alt.type === 'lid' && !lid && alt.lid !== self?.lid) lid = alt.lid;
  }

  if (!phone && lid && options.lookupPhoneForLid) {
    const found = options.lookupPhoneForLid(lid);
    if (found) phone = found.includes('@') ? phoneFromJid(found) : PHONE_DIGITS.test(found) ? found : null;
  }

  if (self && ((phone !== null && phone === self.phone) || (lid !== null && lid === self.lid))) {
    return { ok: false, reason: 'self_chat' };
  }
  return { ok: true, customer: customerRef(phone, lid) };
}

/** The JID to address a customer with when sending: phone when known, else LID. */
export function jidForCustomer(customer: Pick<CustomerRef, 'phone' | 'lid'>): string {
  if (customer.phone) return `${customer.phone}@s.whatsapp.net`;
  if (customer.lid) return `${customer.lid}@lid`;
  throw new Error('customer has neither phone nor LID');
}

/**
 * JID for an E.164 number (`+`, spaces and dashes tolerated). Local formats
 * are normalised before they get here (libphonenumber in the sending service).
 */
export function jidForPhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (!PHONE_DIGITS.test(digits)) throw new Error(`not an E.164 phone number: ${phone}`);
  return `${digits}@s.whatsapp.net`;
}
