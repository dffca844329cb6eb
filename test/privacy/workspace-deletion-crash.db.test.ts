import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceDeletionDtoT } from '../../src/contracts/privacy.js';
import type { WorkspaceDtoT } from '../../src/contracts/workspaces.js';
import { buildApp } from '../../src/server/app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErased, expectPresent, filesUnder } from '../support/erasure.js';
import { firstOwner, type Person } from '../support/factories.js';
import { as } from '../support/http.js';
import { customer, inbound, mediaInfo } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';

const CHILD = path.resolve(import.meta.dirname, 'deletion-child.ts');
const ROOT = path.resolve(import.meta.dirname, '../..');
const LIVE = { isHistory: false, upsertType: 'notify' } as const;
const CUSTOMERS = 8;
const MESSAGES_EACH = 10;
const word = (what: string) => `${what}${randomBytes(5).toString('hex')}`;

/** Polls `check` until it returns a value, or fails after `ms` naming `what`. */
async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('workspace deletion: a process killed with SIGKILL mid-deletion, then the job started again', () => {
  let t: TestApp;
  let owner: Person & { workspaceId: string };
  let child: ChildProcess | null = null;

  beforeEach(async () => {
    t = await createTestApp();
    owner = await firstOwner(t.app, 'Olga Owner');
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await t.close();
  });

  /** Messages from many customers with unique texts, two media files, a note and WhatsApp keys. */
  async function seed(workspaceId: string): Promise<string[]> {
    const markers: string[] = [];
    const number = await insertTestNumber(t.database.db, workspaceId, { phone: `4477009${String(Date.now()).slice(-5)}` });
    const ref = { id: number.id, workspaceId };
    for (let c = 0; c < CUSTOMERS; c++) {
      const name = word('name');
      const texts = Array.from({ length: MESSAGES_EACH }, () => word('text'));
      markers.push(name, ...texts);
      const chat = customer(`44770${workspaceId.slice(-3).replace(/\D/g, '1')}${String(100_000 + c)}`);
      await t.services.ingest.messages(
        ref,
        texts.map((text) => inbound({ chat, pushName: name, text })),
        LIVE,
      );
    }
    const chat = customer(`4477011${String(Date.now()).slice(-5)}`);
    for (const content of [word('file'), word('file')]) {
      await t.services.ingest.messages(
        ref,
        [inbound({ chat, kind: 'document', text: null, media: mediaInfo({ mimetype: 'text/plain' }) })],
        LIVE,
      );
      await t.services.mediaStore.downloadPending(ref, async () => Buffer.from(`contents ${content}`));
      markers.push(content);
    }
    const key = word('wkey');
    await t.database.db
      .insertInto('wa_auth_keys')
      .values({ number_id: number.id, category: 'session', key_id: `${key}.0`, value: Buffer.from(key), updated_at: Date.now() })
      .execute();
    markers.push(key);
    return markers;
  }

  const deletionRow = (id: string) =>
    t.database.db.selectFrom('workspace_deletions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('resumes where the killed process stopped and completes; nothing of the workspace is left', { timeout: 300_000 }, async () => {
    const keep = (await as(t.app, owner.cookie).post('/api/v1/workspaces', { name: 'Keep shop' })).json<WorkspaceDtoT>();
    const doomed = await seed(owner.workspaceId);
    const kept = await seed(keep.id);
    await expectPresent(t.database, [...doomed, ...kept]);

    // The request itself (the test app's job is not running, so nothing is erased yet).
    const accepted = await as(t.app, owner.cookie).delete(`/api/v1/workspaces/${owner.workspaceId}`, { confirmName: 'My store' });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const deletion = accepted.json<WorkspaceDeletionDtoT>();
    const total = CUSTOMERS * MESSAGES_EACH + 2;
    expect(deletion.messages.total).toBe(total);

    // Another process runs the deletion; it is killed once it is well into the messages.
    let stderr = '';
    let stdout = '';
    // Node itself with the TypeScript loader, not the `tsx` command: that one runs the script in a
    // second process, which a SIGKILL of the first would leave running.
    child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: { ...process.env, WASPHERE_DATA_DIR: t.database.dataDir, DATABASE_URL: t.database.databaseUrl ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child!.once('exit', (code, signal) => resolve(signal ?? code)));
    await until('the child process to delete some messages', async () => {
      if (child!.exitCode !== null) throw new Error(`the child exited early (${child!.exitCode}): ${stdout} ${stderr}`);
      const row = await deletionRow(deletion.id);
      return row.messages_deleted >= 20 ? row : null;
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(stdout).not.toContain('finished');

    // Left mid-way: still claimed by the dead process, part of the messages gone, the rest still there.
    const halfway = await deletionRow(deletion.id);
    expect(halfway).toMatchObject({ state: 'running', attempts: 1, finished_at: null });
    expect(halfway.claimed_by).toMatch(/^crash-child-/);
    expect(['messages', 'media']).toContain(halfway.step);
    const left = await t.database.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', owner.workspaceId)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBeGreaterThan(0);
    expect(Number(left.n)).toBeLessThan(total);
    expect(await t.database.db.selectFrom('workspaces').select('id').where('id', '=', owner.workspaceId).execute()).toHaveLength(1);

    // The server starts again: once the dead process's lease has lapsed, its job takes the deletion over.
    await until('the lease of the killed process to lapse', async () => (await deletionRow(deletion.id)).claim_expires_at! < Date.now());
    const restarted = await buildApp({ config: t.config, database: t.database, logger: pino({ level: 'silent' }), webDir: '/nonexistent' });
    try {
      restarted.services.deletionJob.start();
      const done = await until('the deletion to complete', async () => {
        const row = await deletionRow(deletion.id);
        // Done, and the job has let go of it (the claim is released just after the final save).
        return row.state === 'done' && row.claimed_by === null ? row : null;
      });
      expect(done).toMatchObject({ step: 'done', attempts: 2, error: null });
    } finally {
      await restarted.app.close();
    }
    const progress = (await as(t.app, owner.cookie).get(`/api/v1/workspace-deletions/${deletion.id}`)).json<WorkspaceDeletionDtoT>();
    expect(progress).toMatchObject({ state: 'done', percent: 100 });

    // The erasure scan finds nothing of the deleted workspace, in any table or file; the other keeps everything.
    await expectErased(t.database, doomed);
    await expectPresent(t.database, kept);
    expect(await t.database.db.selectFrom('messages').select('id').where('workspace_id', '=', owner.workspaceId).execute()).toEqual([]);
    expect(await t.database.db.selectFrom('workspaces').select('id').where('id', '=', owner.workspaceId).execute()).toEqual([]);
    const keptFiles = await t.database.db.selectFrom('media').select('sha256').where('workspace_id', '=', keep.id).execute();
    for (const f of keptFiles) expect(fs.existsSync(t.services.mediaStore.pathOf(f.sha256!))).toBe(true);
    expect(filesUnder(t.database.dataDir).length).toBeGreaterThan(0);
  });
});
