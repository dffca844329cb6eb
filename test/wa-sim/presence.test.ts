import type { BaileysEventMap } from 'baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { endClient, linkAndLogin, useSimRoot } from './harness.js';
import type { Client } from './harness.js';
import { createWaSim } from './index.js';
import type { WaSim } from './index.js';

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
  let sim: WaSim;
  let restoreRoot: () => void;
  let client: Client | undefined;

  beforeEach(async () => {
    sim = await createWaSim();
    restoreRoot = useSimRoot(sim);
    ({ client } = await linkAndLogin(sim, BUSINESS));
    sim.createCustomer(CUSTOMER);
  });

  afterEach(async () => {
    endClient(client);
    restoreRoot();
    await sim.close();
  });

  it("reaches Baileys as presence.update only after it subscribed to the customer's presence", async () => {
    const seen = recordPresence(client!);
    // Not subscribed: WhatsApp forwards nothing.
    expect(sim.sendChatState(CUSTOMER.phone, 'composing')).toBe(0);

    await client!.sock.presenceSubscribe(CUSTOMER_JID);
    await sim.waitForPresenceSubscription(CUSTOMER.phone);
    expect(sim.sendChatState(CUSTOMER.phone, 'composing')).toBe(1);
    sim.sendChatState(CUSTOMER.phone, 'recording');
    sim.sendChatState(CUSTOMER.phone, 'paused');
    // Baileys reports a paused chat state as "available".
    await expect.poll(() => lastKnown(seen)).toEqual(['composing', 'recording', 'available']);
    expect(seen.every((u) => u.id === CUSTOMER_JID)).toBe(true);
  });

  it('forgets the subscription with the session, and records what the business shows the customer', async () => {
    await client!.sock.presenceSubscribe(CUSTOMER_JID);
    await sim.waitForPresenceSubscription(CUSTOMER.phone);
    await client!.sock.sendPresenceUpdate('composing', CUSTOMER_JID);
    await client!.sock.sendPresenceUpdate('paused', CUSTOMER_JID);
    await expect.poll(() => sim.chatStatesFromBusiness(CUSTOMER.phone)).toEqual(['composing', 'paused']);

    sim.drop();
    await expect.poll(() => sim.isSubscribed(CUSTOMER.phone)).toBe(false);
    expect(sim.sendChatState(CUSTOMER.phone, 'composing')).toBe(0);
  });
});
