import pino from 'pino';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { openTestDatabase } from './db.js';
import { fakeProvider, type FakeSessionBehaviour } from './fake-provider.js';
import type { TestApp } from './app.js';

/**
 * The real app on a fresh database, with WhatsApp sessions replaced by test-driven fakes.
 * Given a `database`, a second "process" on the same database (which it then does not close).
 */
export async function createWhatsAppTestApp(
  options: {
    behaviour?: FakeSessionBehaviour;
    database?: TestApp['database'];
    holderId?: string;
    send?: NonNullable<NonNullable<Parameters<typeof buildApp>[0]['whatsapp']>['manager']>['send'];
  } = {},
): Promise<TestApp & { provider: ReturnType<typeof fakeProvider> }> {
  const shared = options.database;
  const database = shared ?? (await openTestDatabase());
  const config = loadConfig({ WASPHERE_DATA_DIR: database.dataDir, LOG_LEVEL: 'silent' });
  const provider = fakeProvider(options.behaviour ?? { onStart: (s) => s.showQr('QR-FIRST') });
  const { app, services } = await buildApp({
    config,
    database,
    logger: pino({ level: 'silent' }),
    webDir: '/nonexistent',
    whatsapp: {
      createSession: (n, auth) => provider.create(n, auth),
      holderId: options.holderId ?? 'test-process',
      manager: { linkWaitMs: 2000 },
    },
  });
  await app.ready();
  return {
    app,
    services,
    database,
    config,
    provider,
    async close() {
      await app.close();
      if (!shared) await database.destroy();
    },
  };
}
