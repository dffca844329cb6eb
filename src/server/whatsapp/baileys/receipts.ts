/**
 * Baileys delivery information → our `Receipt`s.
 *
 * In rc14, 1:1 receipts arrive as `messages.update` with `update.status`
 * (and the receipt time in `update.messageTimestamp`), while
 * `message-receipt.update` carries per-participant receipts of groups and
 * status posts. Both are mapped; refused chats (groups…) are dropped.
 */
import { proto, toNumber, type MessageUserReceiptUpdate, type WAMessageUpdate } from 'baileys';
import type { Receipt, ReceiptStatus } from '../provider.js';
import { resolveCustomer, type LidLookup, type SelfIds } from './jid.js';

const Status = proto.WebMessageInfo.Status;

export interface ReceiptContext {
  lookupPhoneForLid?: LidLookup;
  self?: SelfIds;
  now?: () => number;
}

/** Baileys status → ours; `PENDING` (and unknown values) are not receipts. */
export function mapStatus(status: number | null | undefined): ReceiptStatus | null {
  switch (status) {
    case Status.ERROR:
      return 'failed';
    case Status.SERVER_ACK:
      return 'server_ack';
    case Status.DELIVERY_ACK:
      return 'delivered';
    case Status.READ:
      return 'read';
    case Status.PLAYED:
      return 'played';
    default:
      return null;
  }
}

// Server error codes seen in negative acks, in words an operator can act on.
const ERROR_TEXT: Record<string, string> = {
  '463': 'account restricted by WhatsApp (cannot start new chats for now)',
  '479': 'rejected by WhatsApp (stale device session)',
};

/** Human-readable reason of a failed send from Baileys' stub parameters (`[code, text?]`). */
export function describeSendError(params: unknown): string {
  const list = Array.isArray(params) ? params.map((p) => String(p)) : [];
  const [code, text] = list;
  if (!code) return 'rejected by WhatsApp';
  const known = ERROR_TEXT[code];
  if (known) return `${known} [${code}]`;
  return text ? `rejected by WhatsApp: ${text} [${code}]` : `rejected by WhatsApp [${code}]`;
}

/** `messages.update` → receipts. Updates without a status (edits, stubs…) are skipped. */
export function receiptsFromMessageUpdates(updates: readonly WAMessageUpdate[], ctx: ReceiptContext = {}): Receipt[] {
  const out: Receipt[] = [];
  for (const { key, update } of updates) {
    const status = mapStatus(update.status);
    if (!status || !key.id) continue;
    const chat = resolveCustomer(key.remoteJid, {
      alt: [key.remoteJidAlt],
      ...(ctx.lookupPhoneForLid ? { lookupPhoneForLid: ctx.lookupPhoneForLid } : {}),
      ...(ctx.self ? { self: ctx.self } : {}),
    });
    if (!chat.ok) continue;
    const seconds = toNumber(update.messageTimestamp);
    const receipt: Receipt = {
      providerMessageId: key.id,
      chat: chat.customer,
      fromMe: Boolean(key.fromMe),
      status,
      at: new Date(seconds > 0 ? seconds * 1000 : (ctx.now ?? Date.now)()),
    };
    if (status === 'failed') receipt.error = describeSendError(update.messageStubParameters);
    out.push(receipt);
  }
  return out;
}

/** `message-receipt.update` → receipts, taking the furthest step each user receipt reports. */
export function receiptsFromUserReceipts(updates: readonly MessageUserReceiptUpdate[], ctx: ReceiptContext = {}): Receipt[] {
  const out: Receipt[] = [];
  for (const { key, receipt } of updates) {
    if (!key.id) continue;
    const chat = resolveCustomer(key.remoteJid, {
      alt: [key.remoteJidAlt],
      ...(ctx.lookupPhoneForLid ? { lookupPhoneForLid: ctx.lookupPhoneForLid } : {}),
      ...(ctx.self ? { self: ctx.self } : {}),
    });
    if (!chat.ok) continue;
    const step = furthestStep(receipt);
    if (!step) continue;
    out.push({
      providerMessageId: key.id,
      chat: chat.customer,
      fromMe: Boolean(key.fromMe),
      status: step.status,
      at: new Date(step.seconds * 1000),
    });
  }
  return out;
}

function furthestStep(r: proto.IUserReceipt): { status: ReceiptStatus; seconds: number } | null {
  const played = toNumber(r.playedTimestamp);
  if (played > 0) return { status: 'played', seconds: played };
  const read = toNumber(r.readTimestamp);
  if (read > 0) return { status: 'read', seconds: read };
  const delivered = toNumber(r.receiptTimestamp);
  if (delivered > 0) return { status: 'delivered', seconds: delivered };
  return null;
}
