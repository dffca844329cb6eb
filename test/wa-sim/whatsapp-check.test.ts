import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryAuthStateStore } from '../../src/server/whatsapp/auth-state-memory.js';
import { createBaileysSession } from '../../src/server/whatsapp/baileys/adapter.js';
import type { ConnectionUpdate, ProviderSession } from '../../src/server/whatsapp/provider.js';
import { useSimRoot } from './harness.js';
import { createWaSim, type WaSim } from './index.js';

/**
 * Our Baileys adapter's `checkOnWhatsApp` against the local protocol peer: a real
 * usync contact query from a linked session, answered per number.
 */
describe('checkOnWhatsApp through the Baileys adapter (wa-sim)', () => {
  let sim: WaSim;
  let restoreRoot: () => void;
  let session: ProviderSession | undefined;

  beforeEach(async () => {
    sim = await createWaSim();
    restoreRoot = useSimRoot(sim);
  });
  afterEach(async () => {
    await session?.stop().catch(() => {});
    restoreRoot();
    await sim.close();
  });

  it('tells numbers with a WhatsApp account from numbers without one', async () => {
    session = createBaileysSession({
      auth: createMemoryAuthStateStore(),
      logger: pino({ level: 'silent' }),
      engineLogLevel: 'silent',
      waWebSocketUrl: sim.url,
    });
    const s = session;
    const connected = new Promise<void>((resolve, reject) => {
      s.onConnection(async (u: ConnectionUpdate) => {
        if (u.qr) await sim.scanQr(u.qr, { phone: '15550001000', pushName: 'Shop' }).catch(reject);
        // After pairing WhatsApp asks for a restart; the number manager would start again.
        if (u.reason?.class === 'restart_required') void s.start().catch(reject);
        if (u.state === 'connected') resolve();
        if (u.state === 'logged_out' || u.state === 'failed') reject(new Error(`session ${u.state}`));
      });
    });
    await expect(session.checkOnWhatsApp(['447700900123'])).rejects.toMatchObject({ code: 'not_connected' });
    await session.start();
    await connected;

    sim.createCustomer({ phone: '447700900123', pushName: 'Jane' });
    sim.createCustomer({ phone: '491511234567', pushName: 'Max' });
    const answers = await session.checkOnWhatsApp(['447700900123', '+44 7700 900999', '491511234567']);
    expect(answers).toEqual([
      { phone: '447700900123', onWhatsApp: true },
      { phone: '447700900999', onWhatsApp: false },
      { phone: '491511234567', onWhatsApp: true },
    ]);
    expect(await session.checkOnWhatsApp([])).toEqual([]);
  }, 60_000);
});
