import type { WAMessage } from 'baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { connectClient, endClient, memoryAuthState, useSimRoot } from './harness.js';
import type { Client } from './harness.js';
import { createWaSim, runLoad, startControlHttp } from './index.js';
import type { ControlHttp, WaSim } from './index.js';

describe('wa-sim control HTTP API and load helper', () => {
  let sim: WaSim;
  let http: ControlHttp;
  let restoreRoot: () => void;
  const clients: Client[] = [];

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${http.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  beforeEach(async () => {
    sim = await createWaSim();
    http = await startControlHttp(sim);
    restoreRoot = useSimRoot(sim);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) endClient(client);
    restoreRoot();
    await http.close();
    await sim.close();
  });

  it('links, messages both ways and injects faults over HTTP', async () => {
    const auth = memoryAuthState();
    const first = connectClient(sim, auth);
    clients.push(first);
    const { qr } = await first.waitFor((u) => !!u.qr);
    const linked = (await call('POST', '/scan', { qr, phone: '15550001000', pushName: 'Acme' })) as { jid: string };
    expect(linked.jid).toMatch(/^15550001000:\d+@s\.whatsapp\.net$/);
    await first.closed;
    const client = connectClient(sim, auth);
    clients.push(client);
    await client.waitFor((u) => u.connection === 'open');

    await call('POST', '/customers', { phone: '447700900400', pushName: 'Http Hank' });
    const upsert = new Promise<WAMessage>((resolve) =>
      client.sock.ev.on('messages.upsert', ({ messages }) => messages[0] && !messages[0].key.fromMe && resolve(messages[0])),
    );
    const sent = (await call('POST', '/customers/447700900400/text', { text: 'via http' })) as { id: string };
    expect((await upsert).key.id).toBe(sent.id);

    const out = await client.sock.sendMessage('447700900400@s.whatsapp.net', { text: 'hello Hank' });
    await sim.waitForMessage('447700900400', (m) => m.id === out!.key.id);
    const inbox = (await call('GET', '/customers/447700900400/messages')) as { id: string; text: string }[];
    expect(inbox.map((m) => m.text)).toContain('hello Hank');

    // Chat states reach only a subscribed session; an unknown state is refused.
    expect(await call('POST', '/customers/447700900400/chatstate', { state: 'composing' })).toEqual({ reached: 0 });
    await client.sock.presenceSubscribe('447700900400@s.whatsapp.net');
    await sim.waitForPresenceSubscription('447700900400');
    const typing = new Promise<string | undefined>((resolve) =>
      client.sock.ev.on('presence.update', (u) => resolve(u.presences[u.id]?.lastKnownPresence)),
    );
    expect(await call('POST', '/customers/447700900400/chatstate', { state: 'composing' })).toEqual({ reached: 1 });
    expect(await typing).toBe('composing');
    await expect(call('POST', '/customers/447700900400/chatstate', { state: 'dancing' })).rejects.toThrow(/400/);

    const state = (await call('GET', '/state')) as { businesses: { companions: { online: boolean }[] }[]; customers: unknown[] };
    expect(state.businesses[0]?.companions[0]?.online).toBe(true);
    expect(state.customers).toHaveLength(1);

    await call('POST', '/faults/stream-error', { code: 503 });
    expect((await client.closed).statusCode).toBe(503);
  });

  it('load helper: N customers × M messages at a rate all reach Baileys', async () => {
    const auth = memoryAuthState();
    const first = connectClient(sim, auth);
    clients.push(first);
    const { qr } = await first.waitFor((u) => !!u.qr);
    await sim.scanQr(qr!, { phone: '15550001000' });
    await first.closed;
    const client = connectClient(sim, auth);
    clients.push(client);
    await client.waitFor((u) => u.connection === 'open');

    const seen = new Set<string>();
    client.sock.ev.on('messages.upsert', ({ messages }) => messages.forEach((m) => !m.key.fromMe && m.key.id && seen.add(m.key.id)));
    const result = await runLoad(sim, { customers: 5, messagesPerCustomer: 4, ratePerSecond: 200 });
    expect(result.sent).toHaveLength(20);
    await expect.poll(() => seen.size, { timeout: 10_000 }).toBe(20);
    expect(result.sent.every((s) => seen.has(s.id))).toBe(true);
  });
});
