import { proto } from 'baileys';
import { describe, expect, it } from 'vitest';

import { nextStatus, nextUpsert, useLinkedClient } from './harness.js';

const BUSINESS = { phone: '15550001000', pushName: 'Acme Support' };

describe('wa-sim messaging', () => {
  const linked = useLinkedClient(BUSINESS);

  it('delivers an inbound customer text, decrypted by Baileys, and gets the delivery receipt', async () => {
    linked.sim.createCustomer({ phone: '447700900123', pushName: 'Jane Customer' });
    const upsert = nextUpsert(linked.client, (m) => !m.key.fromMe);
    const sent = await linked.sim.sendText('447700900123', 'Hello, is my order ready?');
    const message = await upsert;
    expect(message.key.remoteJid).toBe('447700900123@s.whatsapp.net');
    expect(message.key.id).toBe(sent.id);
    expect(message.pushName).toBe('Jane Customer');
    expect(message.message?.conversation).toBe('Hello, is my order ready?');
    await linked.sim.waitForReceipt('447700900123', sent.id);
    expect(linked.sim.receiptsFor('447700900123', sent.id)[0]).toMatch(/^(delivery|inactive)$/);

    // a second message rides the established session (enc type "msg")
    const upsert2 = nextUpsert(linked.client, (m) => m.message?.conversation === 'second');
    await linked.sim.sendText('447700900123', 'second');
    await upsert2;
  });

  it('receives an outbound text as the customer, acks it, and reports delivery then read', async () => {
    linked.sim.createCustomer({ phone: '447700900124', pushName: 'Sam' });
    // Baileys emits its own copy (upsert type "append") ~100 ms later through the event buffer; a receipt that
    // arrives inside that window is folded into the upsert instead of a separate messages.update
    const ownCopy = nextUpsert(linked.client, (m) => m.key.fromMe === true);
    const sent = await linked.client.sock.sendMessage('447700900124@s.whatsapp.net', { text: 'Your order has shipped' });
    const id = sent!.key.id!;
    const received = await linked.sim.waitForMessage('447700900124', (m) => m.id === id);
    expect(received.text).toBe('Your order has shipped');
    expect((await ownCopy).key.id).toBe(id);
    expect(linked.sim.world.ackedOutbound.has(id)).toBe(true);

    const delivered = nextStatus(linked.client, id, proto.WebMessageInfo.Status.DELIVERY_ACK);
    linked.sim.deliver('447700900124', id);
    const d = await delivered;
    expect(d.key.remoteJid).toBe('447700900124@s.whatsapp.net');
    expect(d.key.fromMe).toBe(true);

    const read = nextStatus(linked.client, id, proto.WebMessageInfo.Status.READ);
    linked.sim.read('447700900124', id);
    await read;

    // the conversation continues both ways on the same sessions
    const reply = nextUpsert(linked.client, (m) => m.message?.conversation === 'Thanks!');
    await linked.sim.sendText('447700900124', 'Thanks!');
    await reply;
    const again = await linked.client.sock.sendMessage('447700900124@s.whatsapp.net', { text: 'You are welcome' });
    expect((await linked.sim.waitForMessage('447700900124', (m) => m.id === again!.key.id)).text).toBe('You are welcome');
  });
});
