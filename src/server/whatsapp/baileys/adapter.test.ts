import { Boom } from '@hapi/boom';
import { DisconnectReason, proto, type BaileysEventMap, type UserFacingSocketConfig, type WAMessage } from 'baileys';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryAuthStateStore } from '../auth-state-memory.js';
import type { ConnectionUpdate, InboundMessage, MessageBatchInfo, Receipt } from '../provider.js';
import { createBaileysSession, whatsAppChecksFrom, type SocketLike } from './adapter.js';

const PHONE = '4915112345678';
const PN_JID = `${PHONE}@s.whatsapp.net`;

/** A socket that never touches the network: the test drives its events. */
function fakeSocket() {
  let handler: ((events: Partial<BaileysEventMap>) => void | Promise<void>) | null = null;
  const sent: Array<{ jid: string; content: unknown; options: unknown }> = [];
  const socket = {
    ev: {
      process(h: (events: Partial<BaileysEventMap>) => void | Promise<void>) {
        handler = h;
        return () => {
          handler = null;
        };
      },
    },
    user: { id: '15550001111:4@s.whatsapp.net', lid: '999:4@lid', name: 'Shop' },
    end: vi.fn(async (error: Error | undefined) => {
      handler?.({ 'connection.update': { connection: 'close', lastDisconnect: { error, date: new Date() } } });
    }),
    logout: vi.fn(async () => {}),
    requestPairingCode: vi.fn(async () => 'ABCD1234'),
    sendMessage: vi.fn(async (jid: string, content: unknown, options: unknown) => {
      sent.push({ jid, content, options });
      return { key: { id: 'SENT1', remoteJid: jid, fromMe: true }, messageTimestamp: 1_700_000_500 } as WAMessage;
    }),
    readMessages: vi.fn(async () => {}),
    sendPresenceUpdate: vi.fn(async () => {}),
    presenceSubscribe: vi.fn(async () => {}),
    updateMediaMessage: vi.fn(async (m: WAMessage) => m),
    signalRepository: { lidMapping: { getPNsForLIDs: vi.fn(async () => [{ lid: '777@lid', pn: PN_JID }]) } },
  };
  return {
    socket: socket as unknown as SocketLike,
    raw: socket,
    sent,
    async emit(events: Partial<BaileysEventMap>) {
      await handler?.(events);
      // Let the session's queue drain.
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

function setup() {
  const fake = fakeSocket();
  const configs: UserFacingSocketConfig[] = [];
  const auth = createMemoryAuthStateStore();
  const session = createBaileysSession({
    auth,
    logger: pino({ level: 'silent' }),
    waWebSocketUrl: 'ws://127.0.0.1:9/ws',
    makeSocket: (config) => {
      configs.push(config);
      return fake.socket;
    },
    now: () => 1_000,
  });
  const updates: ConnectionUpdate[] = [];
  const batches: Array<[InboundMessage[], MessageBatchInfo]> = [];
  const receipts: Receipt[] = [];
  session.onConnection((u) => void updates.push(u));
  session.onMessages((batch, info) => void batches.push([batch, info]));
  session.onReceipts((rs) => void receipts.push(...rs));
  return { fake, configs, auth, session, updates, batches, receipts };
}

describe('createBaileysSession (fake socket)', () => {
  it('configures the engine quietly, offline-looking, on the given URL', async () => {
    const { session, configs } = setup();
    await session.start();
    const config = configs[0];
    expect(config?.markOnlineOnConnect).toBe(false);
    expect(config?.syncFullHistory).toBe(false);
    expect(config?.waWebSocketUrl).toBe('ws://127.0.0.1:9/ws');
    expect(config?.logger?.level).toBe('warn');
    expect(config?.shouldIgnoreJid?.('120363@g.us')).toBe(true);
    expect(config?.shouldIgnoreJid?.(PN_JID)).toBe(false);
  });

  it('reports connecting, QR, connected and a classified close', async () => {
    const { session, fake, updates } = setup();
    await session.start();
    await fake.emit({ 'connection.update': { qr: '2@abc' } });
    await fake.emit({ 'connection.update': { connection: 'open' } });
    await fake.emit({
      'connection.update': {
        connection: 'close',
        lastDisconnect: {
          error: new Boom('Stream Errored (conflict)', { statusCode: DisconnectReason.connectionReplaced }),
          date: new Date(),
        },
      },
    });
    expect(updates.map((u) => u.state)).toEqual(['connecting', 'waiting_for_scan', 'connected', 'failed']);
    expect(updates[1]?.qr).toBe('2@abc');
    expect(updates[2]?.self).toEqual({ phone: '15550001111', lid: '999', name: 'Shop' });
    expect(updates[3]?.reason?.class).toBe('replaced');
  });

  it('saves the credentials on every creds.update', async () => {
    const { session, fake, auth } = setup();
    await session.start();
    expect(await auth.loadCreds()).toBeNull();
    await fake.emit({ 'creds.update': { registered: true } });
    expect(await auth.loadCreds()).toContain('"noiseKey"');
  });

  it('translates live and history messages, resolving LIDs through the engine store', async () => {
    const { session, fake, batches } = setup();
    await session.start();
    const live = proto.WebMessageInfo.fromObject({
      key: { remoteJid: '777@lid', id: 'IN1', fromMe: false },
      messageTimestamp: 1_700_000_000,
      message: { conversation: 'hi' },
    }) as WAMessage;
    await fake.emit({ 'messages.upsert': { messages: [live], type: 'notify' } });
    await fake.emit({
      'messaging-history.set': {
        chats: [],
        contacts: [],
        messages: [
          proto.WebMessageInfo.fromObject({
            key: { remoteJid: '888@lid', id: 'OLD1' },
            messageTimestamp: 1_600_000_000,
            message: { conversation: 'old' },
          }) as WAMessage,
        ],
        lidPnMappings: [{ lid: '888@lid', pn: '34600000000@s.whatsapp.net' }],
      },
    });
    expect(batches[0]?.[1]).toEqual({ isHistory: false, upsertType: 'notify' });
    expect(batches[0]?.[0][0]?.chat).toEqual({ id: PHONE, phone: PHONE, lid: '777' });
    expect(batches[1]?.[1]).toEqual({ isHistory: true });
    expect(batches[1]?.[0][0]?.chat.phone).toBe('34600000000');
  });

  it('maps status updates to receipts', async () => {
    const { session, fake, receipts } = setup();
    await session.start();
    await fake.emit({
      'messages.update': [
        {
          key: { remoteJid: PN_JID, id: 'SENT1', fromMe: true },
          update: { status: proto.WebMessageInfo.Status.READ, messageTimestamp: 1_700_000_600 },
        },
      ],
    });
    expect(receipts).toEqual([
      {
        providerMessageId: 'SENT1',
        chat: { id: PHONE, phone: PHONE, lid: null },
        fromMe: true,
        status: 'read',
        at: new Date(1_700_000_600_000),
      },
    ]);
  });

  it("reports a customer's typing, subscribes to presence, and marks read and signals typing by JID", async () => {
    const { session, fake } = setup();
    const seen: unknown[] = [];
    session.onPresence((p) => void seen.push(p));
    await session.start();
    await fake.emit({ 'connection.update': { connection: 'open' } });
    await fake.emit({ 'presence.update': { id: PN_JID, presences: { [PN_JID]: { lastKnownPresence: 'composing' } } } });
    await fake.emit({ 'presence.update': { id: '120363@g.us', presences: { [PN_JID]: { lastKnownPresence: 'composing' } } } });
    expect(seen).toEqual([{ chat: { id: PHONE, phone: PHONE, lid: null }, presence: 'typing' }]);

    await session.subscribePresence(PHONE);
    expect(fake.raw.presenceSubscribe).toHaveBeenCalledWith(PN_JID);
    await session.sendPresence({ id: PHONE, phone: PHONE, lid: null }, 'typing');
    expect(fake.raw.sendPresenceUpdate).toHaveBeenCalledWith('composing', PN_JID);
    await session.markRead([{ chat: { id: PHONE, phone: PHONE, lid: null }, providerMessageId: 'IN9' }]);
    expect(fake.raw.readMessages).toHaveBeenCalledWith([{ remoteJid: PN_JID, id: 'IN9', fromMe: false }]);
  });

  it('sends only when connected, and returns the provider id', async () => {
    const { session, fake } = setup();
    await session.start();
    await expect(session.send({ to: PHONE, text: 'hi' })).rejects.toMatchObject({ code: 'not_connected' });
    await fake.emit({ 'connection.update': { connection: 'open' } });
    await expect(session.send({ to: PHONE, text: 'hi' })).resolves.toEqual({
      providerMessageId: 'SENT1',
      at: new Date(1_700_000_500_000),
    });
    expect(fake.sent[0]?.jid).toBe(PN_JID);
    await expect(session.send({ to: PHONE })).rejects.toMatchObject({ code: 'invalid_message' });
  });

  it('stops on purpose as idle, and logout clears the stored keys', async () => {
    const { session, fake, auth, updates } = setup();
    await session.start();
    await fake.emit({ 'connection.update': { connection: 'open' } });
    await fake.emit({ 'creds.update': {} });
    await session.stop();
    expect(updates.at(-1)?.state).toBe('idle');

    await session.start();
    await fake.emit({ 'connection.update': { connection: 'open' } });
    await session.logout();
    expect(fake.raw.logout).toHaveBeenCalled();
    expect(await auth.loadCreds()).toBeNull();
    expect(updates.at(-1)?.state).toBe('logged_out');
  });

  it('requests a pairing code once the socket is ready', async () => {
    const { session, fake, updates } = setup();
    await session.start();
    await fake.emit({ 'connection.update': { qr: '2@first' } });
    await expect(session.requestPairingCode('+49 151 12345678')).resolves.toBe('ABCD1234');
    expect(fake.raw.requestPairingCode).toHaveBeenCalledWith('4915112345678');
    expect(updates.at(-1)).toMatchObject({ state: 'waiting_for_scan', pairingCode: 'ABCD1234' });
  });
});

describe('whatsAppChecksFrom (Baileys onWhatsApp answers)', () => {
  it('marks the phones WhatsApp listed as on it and the others as not', () => {
    expect(whatsAppChecksFrom(['447700900123', '447700900999'], [{ jid: '447700900123@s.whatsapp.net', exists: true }])).toEqual([
      { phone: '447700900123', onWhatsApp: true },
      { phone: '447700900999', onWhatsApp: false },
    ]);
  });

  it('leaves phones unknown when an answer matches no phone asked, and when there is no answer', () => {
    // WhatsApp answered with a differently written number: which phone it was for is unknown.
    expect(
      whatsAppChecksFrom(
        ['5511987654321', '447700900123', '447700900999'],
        [
          { jid: '551187654321@s.whatsapp.net', exists: true },
          { jid: '447700900123@s.whatsapp.net', exists: true },
        ],
      ),
    ).toEqual([{ phone: '447700900123', onWhatsApp: true }]);
    expect(whatsAppChecksFrom(['447700900123'], undefined)).toEqual([]);
  });
});
