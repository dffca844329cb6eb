import { DisconnectReason, proto } from 'baileys';
import type { WAMessage } from 'baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { connectClient, endClient, linkAndLogin, useSimRoot } from './harness.js';
import type { Client, MemoryAuth } from './harness.js';
import { createWaSim } from './index.js';
import type { WaSim } from './index.js';

describe('wa-sim faults', () => {
  let sim: WaSim;
  let restoreRoot: () => void;
  let auth: MemoryAuth;
  const clients: Client[] = [];

  beforeEach(async () => {
    sim = await createWaSim();
    restoreRoot = useSimRoot(sim);
    const linked = await linkAndLogin(sim, { phone: '15550001000', pushName: 'Acme Support' });
    clients.push(linked.client);
    auth = linked.auth;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) endClient(client);
    restoreRoot();
    await sim.close();
  });

  const current = (): Client => clients.at(-1)!;

  const reconnect = async (): Promise<Client> => {
    const client = connectClient(sim, auth);
    clients.push(client);
    await client.waitFor((u) => u.connection === 'open');
    return client;
  };

  it('socket drop → connectionClosed (428); messages sent meanwhile arrive after reconnecting', async () => {
    sim.createCustomer({ phone: '447700900300', pushName: 'Offline Olly' });
    sim.drop();
    expect((await current().closed).statusCode).toBe(DisconnectReason.connectionClosed);

    const sent = await sim.sendText('447700900300', 'sent while you were away');
    const client = connectClient(sim, auth);
    clients.push(client);
    const upsert = new Promise<WAMessage>((resolve) =>
      client.sock.ev.on('messages.upsert', ({ messages }) => {
        const m = messages.find((x) => x.key.id === sent.id);
        if (m) resolve(m);
      }),
    );
    await client.waitFor((u) => u.connection === 'open');
    expect((await upsert).message?.conversation).toBe('sent while you were away');
  });

  it('stream error with a code → that status code (503 unavailable, 515 restart)', async () => {
    sim.streamError(503);
    expect((await current().closed).statusCode).toBe(503);
    await reconnect();
    sim.streamError(515);
    expect((await current().closed).statusCode).toBe(DisconnectReason.restartRequired);
    await reconnect();
  });

  it('phone logs the device out → 401 loggedOut, and the old credentials are refused with 401', async () => {
    sim.logoutDevice();
    const closed = await current().closed;
    expect(closed.statusCode).toBe(DisconnectReason.loggedOut);
    const retry = connectClient(sim, auth);
    clients.push(retry);
    expect((await retry.closed).statusCode).toBe(DisconnectReason.loggedOut);
  });

  it('server ack with an error code → Baileys marks the message failed (status ERROR)', async () => {
    sim.world.autoAck = false;
    sim.createCustomer({ phone: '447700900301' });
    const failed = new Promise<{ status: unknown; params: unknown }>((resolve) =>
      current().sock.ev.on('messages.update', (updates) => {
        const u = updates.find((x) => x.update.status === proto.WebMessageInfo.Status.ERROR);
        if (u) resolve({ status: u.update.status, params: u.update.messageStubParameters });
      }),
    );
    // wait for Baileys' own copy first: updates inside its ~100 ms event-buffer window are folded into that upsert
    const ownCopy = new Promise<void>((resolve) =>
      current().sock.ev.on('messages.upsert', ({ messages }) => messages[0]?.key.fromMe && resolve()),
    );
    const sent = await current().sock.sendMessage('447700900301@s.whatsapp.net', { text: 'will fail' });
    await sim.waitForMessage('447700900301', (m) => m.id === sent!.key.id);
    await ownCopy;
    sim.ack(sent!.key.id!, { error: 479 });
    expect((await failed).params).toEqual(['479']);
  });

  it('connection replaced → 440, both on command and when the same device logs in twice', async () => {
    sim.replaced();
    expect((await current().closed).statusCode).toBe(DisconnectReason.connectionReplaced);
    const first = await reconnect();
    await reconnect();
    expect((await first.closed).statusCode).toBe(DisconnectReason.connectionReplaced);
  });
});
