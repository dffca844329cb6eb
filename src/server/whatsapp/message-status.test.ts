import { describe, expect, it } from 'vitest';
import { isForwardMove, nextStatus, statusRank, type MessageStatus, type ReceiptStatus } from './message-status.js';

describe('statusRank', () => {
  it('orders the happy path', () => {
    const path: MessageStatus[] = ['pending', 'server_ack', 'delivered', 'read', 'played'];
    const ranks = path.map(statusRank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(path.length);
  });
});

describe('isForwardMove', () => {
  it.each<[MessageStatus, MessageStatus, boolean]>([
    ['pending', 'server_ack', true],
    ['server_ack', 'delivered', true],
    ['delivered', 'read', true],
    ['read', 'played', true],
    ['pending', 'read', true], // a skipped step is still forward
    // duplicates are not moves
    ['delivered', 'delivered', false],
    ['read', 'read', false],
    ['failed', 'failed', false],
    // never backwards
    ['read', 'delivered', false],
    ['played', 'read', false],
    ['delivered', 'server_ack', false],
    ['server_ack', 'pending', false],
    // failed only before the recipient had it
    ['pending', 'failed', true],
    ['server_ack', 'failed', true],
    ['delivered', 'failed', false],
    ['read', 'failed', false],
    ['played', 'failed', false],
    // out of failed only on proof of delivery
    ['failed', 'server_ack', false],
    ['failed', 'pending', false],
    ['failed', 'delivered', true],
    ['failed', 'read', true],
  ])('%s → %s is %s', (current, next, expected) => {
    expect(isForwardMove(current, next)).toBe(expected);
  });
});

describe('nextStatus over receipt streams', () => {
  const fold = (start: MessageStatus, receipts: ReceiptStatus[]) => receipts.reduce<MessageStatus>(nextStatus, start);

  it.each<[string, ReceiptStatus[], MessageStatus]>([
    ['in order', ['server_ack', 'delivered', 'read'], 'read'],
    ['duplicated', ['server_ack', 'server_ack', 'delivered', 'delivered', 'read', 'read'], 'read'],
    ['out of order: read before delivered', ['server_ack', 'read', 'delivered'], 'read'],
    ['out of order: delivered before ack', ['delivered', 'server_ack'], 'delivered'],
    ['late error after delivery', ['server_ack', 'delivered', 'failed'], 'delivered'],
    ['error then ack', ['failed', 'server_ack'], 'failed'],
    ['error then proof of delivery', ['failed', 'delivered', 'read'], 'read'],
    ['voice note played', ['delivered', 'read', 'played', 'read'], 'played'],
  ])('%s', (_name, receipts, expected) => {
    expect(fold('pending', receipts)).toBe(expected);
  });
});
