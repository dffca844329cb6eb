import type { BaileysEventMap } from 'baileys';
import { beforeEach, describe, expect, it } from 'vitest';

import { useLinkedClient } from './harness.js';
import type { Client } from './harness.js';

const BUSINESS = { phone: '15550001000', pushName: 'Acme Support' };
const CUSTOMER = { phone: '447700900125', pushName: 'Kim' };
const CUSTOMER_JID = `${CUSTOMER.phone}@s.whatsapp.net`;

type PresenceUpdate = BaileysEventMap['presence.update'];

/** Every `presence.update` the Baileys socket emits, in order. */
function recordPresence(client: Client): PresenceUpdate[] {
  const seen: PresenceUpdate[] = [];
  client.sock.ev.on('presence.update', (update) => seen.push(update));
  return seen;
}

const lastKnown = (seen: PresenceUpdate[]) => seen.map((u) => u.presences[u.id]?.lastKnownPresence);

describe('wa-sim chat states', () => {
  const linked = useLinkedClient(BUSINESS);
  beforeEach(() => linked.sim.createCustomer(CUSTOMER));

  it("reaches Baileys as presence.update only after it subscribed to the customer's presence", async () => {
    const seen = recordPresence(linked.client);
    // Not subscribed: WhatsApp forwards nothing.
    expect(linked.sim.sendChatState(CUSTOMER.phone, 'composing')).toBe(0);

    await linked.client.sock.presenceSubscribe(CUSTOMER_JID);
    await linked.sim.waitForPresenceSubscription(CUSTOMER.phone);
    expect(linked.sim.sendChatState(CUSTOMER.phone, 'composing')).toBe(1);
    linked.sim.sendChatState(CUSTOMER.phone, 'recording');
    linked.sim.sendChatState(CUSTOMER.phone, 'paused');
    // Baileys reports a paused chat state as "available".
    await expect.poll(() => lastKnown(seen)).toEqual(['composing', 'recording', 'available']);
    expect(seen.every((u) => u.id === CUSTOMER_JID)).toBe(true);
  });

  it('forgets the subscription with the session, and records what the business shows the customer', async () => {
    await linked.client.sock.presenceSubscribe(CUSTOMER_JID);
    await linked.sim.waitForPresenceSubscription(CUSTOMER.phone);
    await linked.client.sock.sendPresenceUpdate('composing', CUSTOMER_JID);
    await linked.client.sock.sendPresenceUpdate('paused', CUSTOMER_JID);
    await expect.poll(() => linked.sim.chatStatesFromBusiness(CUSTOMER.phone)).toEqual(['composing', 'paused']);

    linked.sim.drop();
    await expect.poll(() => linked.sim.isSubscribed(CUSTOMER.phone)).toBe(false);
    expect(linked.sim.sendChatState(CUSTOMER.phone, 'composing')).toBe(0);
  });
});
