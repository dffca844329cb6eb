import { DisconnectReason } from 'baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { connectClient, endClient, memoryAuthState, useSimRoot } from './harness.js';
import type { Client } from './harness.js';
import { createWaSim } from './index.js';
import type { WaSim } from './index.js';

describe('wa-sim linking', () => {
  let sim: WaSim;
  let restoreRoot: () => void;
  const clients: Client[] = [];

  beforeEach(async () => {
    sim = await createWaSim();
    restoreRoot = useSimRoot(sim);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) endClient(client);
    restoreRoot();
    await sim.close();
  });

  it('completes the Noise handshake with the simulator certificate chain and emits a QR', async () => {
    const client = connectClient(sim, memoryAuthState());
    clients.push(client);
    const { qr } = await client.waitFor((u) => !!u.qr);
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@[^,]+,[^,]+,[^,]+,[^,]+/);
  });

  it('pairs when the phone scans the QR, restarts with 515, logs in, uploads pre-keys and opens', async () => {
    const auth = memoryAuthState();
    const first = connectClient(sim, auth);
    clients.push(first);
    const { qr } = await first.waitFor((u) => !!u.qr);
    const linked = await sim.scanQr(qr!, { phone: '+1 555 000 1000', pushName: 'Acme Support' });
    expect(linked.jid).toBe(`15550001000:${linked.deviceId}@s.whatsapp.net`);

    const closed = await first.closed;
    expect(closed.statusCode).toBe(DisconnectReason.restartRequired);
    expect(auth.creds.me?.id).toBe(linked.jid);
    expect(auth.creds.me?.name).toBe('Acme Support');

    const second = connectClient(sim, auth);
    clients.push(second);
    await second.waitFor((u) => u.connection === 'open');
    const companion = sim.world.getBusiness('15550001000').companions.get(linked.deviceId);
    expect(companion?.uploaded?.preKeys.size).toBeGreaterThanOrEqual(800);
    expect(auth.creds.me?.lid).toBe(companion?.lid);
  });
});
