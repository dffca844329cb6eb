/**
 * Delivery status of an outbound message and the rule that it never moves
 * backwards (ARCHITECTURE rule 6). Receipts arrive duplicated and out of
 * order; the ingest asks `isForwardMove` before writing.
 */

/** What a receipt can tell us. */
export type ReceiptStatus = 'server_ack' | 'delivered' | 'read' | 'played' | 'failed';

/** What a stored message can be in. `pending` = queued, not yet accepted by WhatsApp. */
export type MessageStatus = 'pending' | ReceiptStatus;

const RANK: Record<Exclude<MessageStatus, 'failed'>, number> = {
  pending: 0,
  server_ack: 1,
  delivered: 2,
  read: 3,
  played: 4,
};

/**
 * Order of the happy path. `failed` has no place on it and ranks -1; use
 * `isForwardMove` rather than comparing ranks when `failed` is involved.
 */
export function statusRank(status: MessageStatus): number {
  return status === 'failed' ? -1 : RANK[status];
}

/**
 * Whether `next` may replace `current`.
 *
 * - The happy path only moves up: pending → server_ack → delivered → read → played.
 *   A duplicate is not a move.
 * - `failed` can only be entered before the recipient's device had the
 *   message (pending/server_ack). A late error after a delivery receipt is
 *   ignored: the customer has the message.
 * - Out of `failed`, only evidence from the recipient's device (delivered,
 *   read, played) moves on, because it proves the message arrived after all
 *   (WhatsApp retries on its own). A server ack does not.
 */
export function isForwardMove(current: MessageStatus, next: MessageStatus): boolean {
  if (current === next) return false;
  if (next === 'failed') return current === 'pending' || current === 'server_ack';
  if (current === 'failed') return statusRank(next) >= RANK.delivered;
  return statusRank(next) > statusRank(current);
}

/** The status to store after applying `next`: `next` if it moves forward, else `current`. */
export function nextStatus(current: MessageStatus, next: MessageStatus): MessageStatus {
  return isForwardMove(current, next) ? next : current;
}
