import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp, type Services } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import type { Clock } from '../../src/server/lib/clock.js';
import { openTestDatabase, type TestDatabase } from './db.js';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/** The real application on a fresh real database, driven with `app.inject`. */
export async function createTestApp(options: { clock?: Clock; env?: Record<string, string>; webDir?: string } = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const config = loadConfig({ WASPHERE_DATA_DIR: database.dataDir, LOG_LEVEL: 'silent', ...options.env });
  const { app, services } = await buildApp({
    config,
    database,
    logger: pino({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    webDir: options.webDir ?? '/nonexistent',
  });
  await app.ready();
  return {
    app,
    services,
    database,
    config,
    async close() {
      await app.close();
      await database.destroy();
    },
  };
}
