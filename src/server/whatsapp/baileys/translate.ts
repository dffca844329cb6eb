/**
 * Baileys `WAMessage` → our `InboundMessage`. Pure: no socket, no clock
 * unless a message has no timestamp at all.
 */
import { proto, toNumber, type WAMessage } from 'baileys';
import type { IgnoreReason, InboundMessage } from '../provider.js';
import { translateContent } from './content.js';
import { resolveCustomer, type LidLookup, type SelfIds } from './jid.js';

export type TranslateResult = { ok: true; message: InboundMessage } | { ok: false; reason: IgnoreReason };

export interface TranslateContext {
  lookupPhoneForLid?: LidLookup;
  self?: SelfIds;
  /** Used only when a message carries no timestamp. */
  now?: () => number;
}

export function translateMessage(msg: WAMessage, ctx: TranslateContext = {}): TranslateResult {
  const key = msg.key;
  if (!key?.id) return { ok: false, reason: 'missing_id' };

  // In rc14 the alternate address of a 1:1 chat is `remoteJidAlt`;
  // `participantAlt` is only filled for groups, which we refuse anyway.
  const resolved = resolveCustomer(key.remoteJid, {
    alt: [key.remoteJidAlt],
    ...(ctx.lookupPhoneForLid ? { lookupPhoneForLid: ctx.lookupPhoneForLid } : {}),
    ...(ctx.self ? { self: ctx.self } : {}),
  });
  if (!resolved.ok) return resolved;

  if (!msg.message) {
    // A message we could not decrypt arrives as a CIPHERTEXT stub; the real one
    // may follow later with the same id, so it must not be stored as content.
    const undecryptable = msg.messageStubType === proto.WebMessageInfo.StubType.CIPHERTEXT;
    return { ok: false, reason: undecryptable ? 'undecryptable' : 'no_content' };
  }

  const content = translateContent(msg.message, key);
  if (!content.ok) return content;

  const seconds = toNumber(msg.messageTimestamp);
  const timestamp = seconds > 0 ? seconds * 1000 : (ctx.now ?? Date.now)();

  return {
    ok: true,
    message: {
      providerMessageId: key.id,
      chat: resolved.customer,
      fromMe: Boolean(key.fromMe),
      timestamp,
      pushName: msg.pushName ? msg.pushName : null,
      ...content.fields,
    },
  };
}

export interface BatchTranslation {
  messages: InboundMessage[];
  ignored: Array<{ providerMessageId: string | null; reason: IgnoreReason }>;
}

/** Translate a batch, keeping the ignored ones (with reasons) for debug logging. */
export function translateMessages(batch: readonly WAMessage[], ctx: TranslateContext = {}): BatchTranslation {
  const out: BatchTranslation = { messages: [], ignored: [] };
  for (const msg of batch) {
    const r = translateMessage(msg, ctx);
    if (r.ok) out.messages.push(r.message);
    else out.ignored.push({ providerMessageId: msg.key?.id ?? null, reason: r.reason });
  }
  return out;
}
