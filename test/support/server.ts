import path from 'node:path';
import pino from 'pino';
import { buildApp, type Services, type WhatsAppOptions } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import type { Dialect } from '../../src/server/db/database.js';
import type { Clock } from '../../src/server/lib/clock.js';
import { openTestDatabase, testDialect, type TestDatabase } from './db.js';

export const WEB_DIR = path.resolve(import.meta.dirname, '../../dist/web');

export interface TestServer {
  url: string;
  close(): Promise<void>;
  services: Services;
  database: TestDatabase;
}

/**
 * A real WaSphere listening on a random loopback port with its own fresh database,
 * serving the built dashboard from dist/web: what browser tests drive.
 */
export async function startTestServer(
  options: {
    dialect?: Dialect;
    clock?: Clock;
    env?: Record<string, string>;
    /** Start the number manager as `main` does (WhatsApp sessions, send workers); off by default. */
    startNumbers?: boolean;
    /** WhatsApp sessions other than Baileys (a fake provider) and the manager's timings. */
    whatsapp?: WhatsAppOptions;
  } = {},
): Promise<TestServer> {
  const database = await openTestDatabase(options.dialect ?? testDialect());
  // The public URL must match the address the browser uses, for the cross-site check.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    WASPHERE_DATA_DIR: database.dataDir,
    PORT: String(port),
    WASPHERE_PUBLIC_URL: url,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const { app, services } = await buildApp({
    config,
    database,
    logger: pino({ level: 'silent' }),
    webDir: WEB_DIR,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.whatsapp ? { whatsapp: options.whatsapp } : {}),
  });
  await app.listen({ port, host: '127.0.0.1' });
  if (options.startNumbers) await services.numberManager.start();
  return {
    url,
    services,
    database,
    async close() {
      await app.close();
      await database.destroy();
    },
  };
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
