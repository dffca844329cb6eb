import { proto } from 'baileys';
import type { WAMessage, WAMessageUpdate } from 'baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { endClient, linkAndLogin, useSimRoot } from './harness.js';
import type { Client } from './harness.js';
import { createWaSim } from './index.js';
import type { WaSim } from './index.js';

const BUSINESS = { phone: '15550001000', pushName: 'Acme Support' };

const nextUpsert = (client: Client, match: (m: WAMessage) => boolean, timeoutMs = 10_000): Promise<WAMessage> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching messages.upsert')), timeoutMs);
    const listener = ({ messages }: { messages: WAMessage[] }): void => {
      const found = messages.find(match);
      if (found) {
        clearTimeout(timer);
        client.sock.ev.off('messages.upsert', listener);
        resolve(found);
      }
    };
    client.sock.ev.on('messages.upsert', listener);
  });

const nextStatus = (client: Client, id: string, status: number, timeoutMs = 10_000): Promise<WAMessageUpdate> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no messages.update with status ${status}`)), timeoutMs);
    const listener = (updates: WAMessageUpdate[]): void => {
      const found = updates.find((u) => u.key.id === id && u.update.status === status);
      if (found) {
        clearTimeout(timer);
        client.sock.ev.off('messages.update', listener);
        resolve(found);
      }
    };
    client.sock.ev.on('messages.update', listener);
  });

describe('wa-sim messaging', () => {
  let sim: WaSim;
  let restoreRoot: () => void;
  let client: Client | undefined;

  beforeEach(async () => {
    sim = await createWaSim();
    restoreRoot = useSimRoot(sim);
    ({ client } = await linkAndLogin(sim, BUSINESS));
  });

  afterEach(async () => {
    endClient(client);
    restoreRoot();
    await sim.close();
  });

  it('delivers an inbound customer text, decrypted by Baileys, and gets the delivery receipt', async () => {
    sim.createCustomer({ phone: '447700900123', pushName: 'Jane Customer' });
    const upsert = nextUpsert(client!, (m) => !m.key.fromMe);
    const sent = await sim.sendText('447700900123', 'Hello, is my order ready?');
    const message = await upsert;
    expect(message.key.remoteJid).toBe('447700900123@s.whatsapp.net');
    expect(message.key.id).toBe(sent.id);
    expect(message.pushName).toBe('Jane Customer');
    expect(message.message?.conversation).toBe('Hello, is my order ready?');
    await sim.waitForReceipt('447700900123', sent.id);
    expect(sim.receiptsFor('447700900123', sent.id)[0]).toMatch(/^(delivery|inactive)$/);

    // a second message rides the established session (enc type "msg")
    const upsert2 = nextUpsert(client!, (m) => m.message?.conversation === 'second');
    await sim.sendText('447700900123', 'second');
    await upsert2;
  });

  it('receives an outbound text as the customer, acks it, and reports delivery then read', async () => {
    sim.createCustomer({ phone: '447700900124', pushName: 'Sam' });
    // Baileys emits its own copy (upsert type "append") ~100 ms later through the event buffer; a receipt that
    // arrives inside that window is folded into the upsert instead of a separate messages.update
    const ownCopy = nextUpsert(client!, (m) => m.key.fromMe === true);
    const sent = await client!.sock.sendMessage('447700900124@s.whatsapp.net', { text: 'Your order has shipped' });
    const id = sent!.key.id!;
    const received = await sim.waitForMessage('447700900124', (m) => m.id === id);
    expect(received.text).toBe('Your order has shipped');
    expect((await ownCopy).key.id).toBe(id);
    expect(sim.world.ackedOutbound.has(id)).toBe(true);

    const delivered = nextStatus(client!, id, proto.WebMessageInfo.Status.DELIVERY_ACK);
    sim.deliver('447700900124', id);
    const d = await delivered;
    expect(d.key.remoteJid).toBe('447700900124@s.whatsapp.net');
    expect(d.key.fromMe).toBe(true);

    const read = nextStatus(client!, id, proto.WebMessageInfo.Status.READ);
    sim.read('447700900124', id);
    await read;

    // the conversation continues both ways on the same sessions
    const reply = nextUpsert(client!, (m) => m.message?.conversation === 'Thanks!');
    await sim.sendText('447700900124', 'Thanks!');
    await reply;
    const again = await client!.sock.sendMessage('447700900124@s.whatsapp.net', { text: 'You are welcome' });
    expect((await sim.waitForMessage('447700900124', (m) => m.id === again!.key.id)).text).toBe('You are welcome');
  });
});
