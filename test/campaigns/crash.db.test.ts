import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { openTestDatabase, type TestDatabase } from '../support/db.js';
import { ukPhone } from '../support/campaigns.js';
import { insertTestOwner } from '../support/factories.js';
import { insertTestNumber } from '../support/numbers.js';

const CHILD = path.resolve(import.meta.dirname, 'crash-child.ts');
const RECIPIENTS = 20;
const KILLS = Number(process.env.CRASH_KILLS ?? 5);

/** A seeded source, so a failing run can be repeated. */
function seeded(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('campaign crash safety: a server killed with SIGKILL mid-campaign and restarted', () => {
  let database: TestDatabase;
  /** Two campaigns share the number: one shows "typing…" (claim, pause, commit), one commits in the claim's transaction. */
  let campaignIds: string[];
  const sendLog = () => path.join(database.dataDir, 'sends.log');

  beforeAll(async () => {
    database = await openTestDatabase();
    // Set the campaigns up through the real service, then let go of the database for the child processes.
    const config = loadConfig({
      WASPHERE_DATA_DIR: database.dataDir,
      LOG_LEVEL: 'silent',
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    });
    const { app, services } = await buildApp({ config, database, logger: pino({ level: 'silent' }), webDir: '/nonexistent' });
    const now = Date.now();
    const { workspaceId, caller } = await insertTestOwner(database.db, { now });
    const number = await insertTestNumber(database.db, workspaceId, { created_at: now, linked_at: now - 60 * 86_400_000, state: 'idle' });
    campaignIds = [];
    for (const typing of [true, false]) {
      const c = await services.campaigns.create(caller, workspaceId, {
        name: typing ? 'Crash test, typing' : 'Crash test, no typing',
        text: 'Hello {{name|there}}',
        numberIds: [number.id],
        settings: { minDelaySeconds: 1, maxDelaySeconds: 1, windowStart: '00:00', windowEnd: '24:00', warmup: false, typing },
      });
      const offset = typing ? 0 : RECIPIENTS / 2;
      const phones = Array.from({ length: RECIPIENTS / 2 }, (_, i) => `+${ukPhone(offset + i + 1)}`);
      await services.campaigns.addAudience(caller, workspaceId, c.id, { phones: phones.join('\n') });
      await services.campaigns.start(caller, workspaceId, c.id, {});
      campaignIds.push(c.id);
    }
    await app.close();
    fs.writeFileSync(sendLog(), '');
  });
  afterAll(() => database?.destroy());

  function startChild(): Promise<ChildProcess> {
    // Node itself with tsx's loader, not the `tsx` command: that one runs the script in a second
    // process, which a SIGKILL of the first never reaches, so the "crash" would leave a live server behind.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        WASPHERE_DATA_DIR: database.dataDir,
        CRASH_SEND_LOG: sendLog(),
        ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
    });
  }

  async function campaignStatuses() {
    const rows = await database.db.selectFrom('campaigns').select(['id', 'status']).where('id', 'in', campaignIds).execute();
    return campaignIds.map((id) => rows.find((r) => r.id === id)?.status);
  }

  async function recipientStates() {
    const rows = await database.db
      .selectFrom('campaign_recipients')
      .select(['phone', 'status'])
      .where('campaign_id', 'in', campaignIds)
      .execute();
    return rows;
  }

  it('sends each recipient at most once and leaves none without a final state', { timeout: 300_000 }, async () => {
    const random = seeded(Number(process.env.CRASH_SEED ?? 7));
    for (let i = 0; i < KILLS; i++) {
      const child = await startChild();
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 2500));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const last = await startChild();
    const deadline = Date.now() + 150_000;
    for (;;) {
      const statuses = await campaignStatuses();
      if (statuses.every((s) => s === 'completed') || Date.now() > deadline) break;
      if (process.env.CRASH_DEBUG)
        console.log(
          statuses,
          JSON.stringify(
            await recipientStates().then((r) =>
              r.reduce<Record<string, number>>((a, x) => ((a[x.status] = (a[x.status] ?? 0) + 1), a), {}),
            ),
          ),
          fs.readFileSync(sendLog(), 'utf8').split('\n').length,
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const exited = new Promise((resolve) => last.once('exit', resolve));
    last.kill('SIGTERM');
    await exited;

    const counts = new Map<string, number>();
    for (const line of fs.readFileSync(sendLog(), 'utf8').split('\n').filter(Boolean)) counts.set(line, (counts.get(line) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1);
    expect(twice, 'recipients messaged more than once').toEqual([]);

    const states = await recipientStates();
    expect(states).toHaveLength(RECIPIENTS);
    const open = states.filter((s) => s.status === 'queued' || s.status === 'sending');
    expect(open, 'recipients left without a final state').toEqual([]);
    for (const s of states) {
      const received = counts.get(s.phone!) ?? 0;
      if (s.status === 'sent' || s.status === 'delivered' || s.status === 'read') expect(received, `${s.phone} ${s.status}`).toBe(1);
      if (s.status === 'needs_review') expect(received).toBeLessThanOrEqual(1);
    }
    expect(await campaignStatuses()).toEqual(['completed', 'completed']);
    // Most recipients went out normally; the cut-off sends are there for a person to check.
    expect(states.filter((s) => s.status === 'sent').length).toBeGreaterThan(RECIPIENTS / 2);
  });
});
