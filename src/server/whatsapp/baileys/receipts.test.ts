import { proto, type MessageUserReceiptUpdate, type WAMessageUpdate } from 'baileys';
import { describe, expect, it } from 'vitest';
import { isForwardMove, type MessageStatus } from '../message-status.js';
import { mapStatus, receiptsFromMessageUpdates, receiptsFromUserReceipts } from './receipts.js';

const S = proto.WebMessageInfo.Status;
const PHONE = '4915112345678';
const PN_JID = `${PHONE}@s.whatsapp.net`;
const T = 1_700_000_100;

const update = (
  status: number,
  extra: Partial<WAMessageUpdate['update']> = {},
  key: Partial<WAMessageUpdate['key']> = {},
): WAMessageUpdate => ({
  key: { remoteJid: PN_JID, id: 'OUT1', fromMe: true, ...key },
  update: { status, messageTimestamp: T, ...extra },
});

describe('mapStatus', () => {
  it.each([
    [S.ERROR, 'failed'],
    [S.PENDING, null],
    [S.SERVER_ACK, 'server_ack'],
    [S.DELIVERY_ACK, 'delivered'],
    [S.READ, 'read'],
    [S.PLAYED, 'played'],
    [undefined, null],
    [42, null],
  ])('%s → %s', (status, expected) => {
    expect(mapStatus(status)).toBe(expected);
  });
});

describe('receiptsFromMessageUpdates', () => {
  it('maps a delivery receipt with its time', () => {
    expect(receiptsFromMessageUpdates([update(S.DELIVERY_ACK)])).toEqual([
      {
        providerMessageId: 'OUT1',
        chat: { id: PHONE, phone: PHONE, lid: null },
        fromMe: true,
        status: 'delivered',
        at: new Date(T * 1000),
      },
    ]);
  });

  it('maps a failed send with the reason WhatsApp gave', () => {
    const [r] = receiptsFromMessageUpdates(
      [update(S.ERROR, { messageTimestamp: null, messageStubParameters: ['463', 'Your account has been restricted'] })],
      {
        now: () => 5000,
      },
    );
    expect(r?.status).toBe('failed');
    expect(r?.error).toBe('account restricted by WhatsApp (cannot start new chats for now) [463]');
    expect(r?.at).toEqual(new Date(5000));
    const [unknown] = receiptsFromMessageUpdates([update(S.ERROR, { messageStubParameters: ['999'] })]);
    expect(unknown?.error).toBe('rejected by WhatsApp [999]');
  });

  it('skips updates that are not receipts (edits, pending, groups)', () => {
    const edit: WAMessageUpdate = { key: { remoteJid: PN_JID, id: 'X' }, update: { message: { conversation: 'new' } } };
    const group = update(S.READ, {}, { remoteJid: '120363@g.us' });
    expect(receiptsFromMessageUpdates([edit, update(S.PENDING), group])).toEqual([]);
  });

  it('marks a read on our other device of a customer message as not fromMe', () => {
    const [r] = receiptsFromMessageUpdates([update(S.READ, {}, { fromMe: false, id: 'IN1' })]);
    expect(r).toMatchObject({ providerMessageId: 'IN1', fromMe: false, status: 'read' });
  });

  it('resolves a LID-addressed receipt to the phone through the mapping', () => {
    const [r] = receiptsFromMessageUpdates([update(S.READ, {}, { remoteJid: '777@lid' })], {
      lookupPhoneForLid: (lid) => (lid === '777' ? PHONE : null),
    });
    expect(r?.chat).toEqual({ id: PHONE, phone: PHONE, lid: '777' });
  });

  it('feeds a monotonic status: duplicated and out-of-order receipts never move it back', () => {
    const stream = [S.SERVER_ACK, S.READ, S.DELIVERY_ACK, S.READ, S.ERROR, S.SERVER_ACK].map((s) => update(s));
    let status: MessageStatus = 'pending';
    const applied: string[] = [];
    for (const r of receiptsFromMessageUpdates(stream)) {
      if (isForwardMove(status, r.status)) {
        status = r.status;
        applied.push(r.status);
      }
    }
    expect(applied).toEqual(['server_ack', 'read']);
    expect(status).toBe('read');
  });
});

describe('receiptsFromUserReceipts', () => {
  const userReceipt = (receipt: proto.IUserReceipt, remoteJid = PN_JID): MessageUserReceiptUpdate => ({
    key: { remoteJid, id: 'OUT2', fromMe: true },
    receipt: proto.UserReceipt.fromObject({ userJid: PN_JID, ...receipt }),
  });

  it.each([
    [{ receiptTimestamp: T }, 'delivered'],
    [{ receiptTimestamp: T - 5, readTimestamp: T }, 'read'],
    [{ readTimestamp: T - 5, playedTimestamp: T }, 'played'],
  ] as const)('takes the furthest step of %o', (receipt, status) => {
    const [r] = receiptsFromUserReceipts([userReceipt(receipt)]);
    expect(r?.status).toBe(status);
    expect(r?.at).toEqual(new Date(T * 1000));
  });

  it('drops group receipts and empty ones', () => {
    expect(receiptsFromUserReceipts([userReceipt({ readTimestamp: T }, '120363@g.us'), userReceipt({})])).toEqual([]);
  });
});
