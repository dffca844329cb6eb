/**
 * Ingest throughput: 100,000 inbound messages from 10,000 customers through the
 * real `createIngest().messages` path, in batches of 50–500 as Baileys delivers
 * them, on SQLite (temp dir) and PostgreSQL (a fresh schema). Beside it, a raw
 * batched INSERT of the same message rows in the same run, as the floor.
 *
 *   npx tsx bench/ingest.ts
 *   WASPHERE_TEST_DATABASE_URL=postgres://… npx tsx bench/ingest.ts
 *   BENCH_MESSAGES=20000 npx tsx bench/ingest.ts   (smaller run)
 *
 * Targets: ≥ 5,000 msg/s on SQLite, ≥ 2,000 msg/s on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/server/db/database.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { migrations } from '../src/server/db/migrations/index.js';
import type { MessagesTable } from '../src/server/db/tables.js';
import { newId } from '../src/server/lib/ids.js';
import { createSecretBox } from '../src/server/lib/secrets.js';
import { createIngest } from '../src/server/modules/inbox/ingest.js';
import { createMediaStore } from '../src/server/modules/media/media-store.js';
import { createInProcessBus } from '../src/server/realtime/bus.js';
import type { InboundMessage } from '../src/server/whatsapp/provider.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const PG_URL = process.env.WASPHERE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Deterministic pseudo-random numbers, so every run ingests the same traffic. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function traffic(): InboundMessage[][] {
  const rand = prng(42);
  const start = Date.parse('2026-01-01T00:00:00Z');
  const phones = Array.from({ length: CONTACTS }, (_, i) => `4477009${String(i).padStart(5, '0')}`);
  const all: InboundMessage[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const phone = phones[Math.floor(rand() * CONTACTS)]!;
    const fromMe = rand() < 0.1;
    const image = rand() < 0.05;
    all.push({
      providerMessageId: `3EB0${i.toString(16).toUpperCase().padStart(16, '0')}`,
      chat: { id: phone, phone, lid: null },
      fromMe,
      timestamp: start + i * 250,
      pushName: fromMe ? null : `Customer ${phone.slice(-5)}`,
      kind: image ? 'image' : 'text',
      text: image ? null : `Message ${i}: hello, I would like to know the status of my order, thanks!`,
      media: image
        ? {
            mimetype: 'image/jpeg',
            fileName: null,
            fileLength: 50_000,
            seconds: null,
            width: 800,
            height: 600,
            gif: false,
            animated: false,
            thumbnailJpeg: null,
            handle: `wa1.${randomBytes(96).toString('base64url')}`,
          }
        : null,
      location: null,
      contacts: [],
      quoted: null,
      reaction: null,
      edit: null,
      revoke: null,
      unsupportedType: null,
      isViewOnce: false,
      isEphemeral: false,
      isForwarded: false,
    });
  }
  const batches: InboundMessage[][] = [];
  for (let i = 0; i < all.length;) {
    const size = 50 + Math.floor(rand() * 451);
    batches.push(all.slice(i, i + size));
    i += size;
  }
  return batches;
}

async function openFresh(
  dialect: 'sqlite' | 'postgres',
): Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void>; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasphere-bench-'));
  if (dialect === 'sqlite') {
    const handle = openDatabase({ databaseUrl: null, dataDir });
    await migrateToLatest(handle.db);
    return { handle, dataDir, cleanup: async () => void fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `bench_${newId().toLowerCase()}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const handle = openDatabase({ databaseUrl: url.toString(), dataDir, poolSize: 4 });
  // Kysely looks for its migration tables in every schema; naming ours keeps other schemas' runs out of the way.
  const { error } = await new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return {
    handle,
    dataDir,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function seedNumber(handle: DatabaseHandle, name: string): Promise<{ id: string; workspaceId: string }> {
  const now = Date.now();
  const workspaceId = newId(now);
  await handle.db
    .insertInto('workspaces')
    .values({ id: workspaceId, name, time_zone: 'UTC', country: 'GB', log_retention_days: 30, created_at: now, updated_at: now })
    .execute();
  const id = newId(now);
  await handle.db
    .insertInto('numbers')
    .values({
      id,
      workspace_id: workspaceId,
      name,
      provider: 'baileys',
      phone: '447700900000',
      state: 'connected',
      state_reason: null,
      state_since: now,
      linked_at: now,
      min_delay_ms: 8000,
      max_delay_ms: 20000,
      daily_cap: 500,
      warmup: 1,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .execute();
  return { id, workspaceId };
}

async function run(dialect: 'sqlite' | 'postgres', batches: InboundMessage[][]) {
  const { handle, cleanup, dataDir } = await openFresh(dialect);
  try {
    const { db } = handle;
    const box = createSecretBox(randomBytes(32));
    const bus = createInProcessBus();
    let events = 0;
    bus.subscribe('*', () => (events += 1));
    const clock = { now: () => Date.now() };
    const ingest = createIngest({ db, clock, bus, box, media: createMediaStore({ db, box, clock, bus, dataDir }) });
    const number = await seedNumber(handle, 'ingest');

    // CPU time of this process beside wall time: on a shared machine it moves far less with the load.
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let inserted = 0;
    for (const batch of batches) inserted += (await ingest.messages(number, batch, { isHistory: false, upsertType: 'notify' })).inserted;
    const ingestMs = performance.now() - t0;
    const ingestCpu = process.cpuUsage(cpu0);

    // The floor: the same message rows, batched the same way, straight into the table (no contacts, no dedupe, no conversation updates).
    const raw = await seedNumber(handle, 'raw');
    const source = await db.selectFrom('conversations').select('contact_id').execute();
    const rawConvs = source.map(() => newId());
    for (let i = 0; i < source.length; i += 500) {
      await db
        .insertInto('conversations')
        .values(
          source.slice(i, i + 500).map((c, j) => ({
            id: rawConvs[i + j]!,
            workspace_id: raw.workspaceId,
            number_id: raw.id,
            contact_id: c.contact_id,
            status: 'open' as const,
            assignee_user_id: null,
            unread_count: 0,
            last_message_at: null,
            last_message_preview: null,
            last_message_direction: null,
            waiting_since: null,
            created_at: 0,
            updated_at: 0,
          })),
        )
        .execute();
    }
    const cpu1 = process.cpuUsage();
    const t1 = performance.now();
    let n = 0;
    for (const batch of batches) {
      const rows: MessagesTable[] = batch.map((m) => ({
        id: newId(),
        workspace_id: raw.workspaceId,
        conversation_id: rawConvs[n++ % rawConvs.length]!,
        number_id: raw.id,
        provider_message_id: m.providerMessageId,
        direction: m.fromMe ? 'out' : 'in',
        sender_user_id: null,
        kind: m.kind,
        text: m.text,
        media_id: null,
        quoted_provider_id: null,
        quoted_text: null,
        payload: '{}',
        status: m.fromMe ? 'sent' : 'received',
        error: null,
        edited_at: null,
        revoked_at: null,
        sent_at: m.timestamp,
        created_at: m.timestamp,
        attempts: 0,
        next_attempt_at: null,
        claimed_by: null,
        claim_expires_at: null,
      }));
      await db.transaction().execute(async (tx) => {
        for (let i = 0; i < rows.length; i += 400)
          await tx
            .insertInto('messages')
            .values(rows.slice(i, i + 400))
            .execute();
      });
    }
    const rawMs = performance.now() - t1;
    const rawCpu = process.cpuUsage(cpu1);

    // A repeated batch must change nothing: checked once, outside the timing.
    const again = await ingest.messages(number, batches[0]!, { isHistory: false });
    const contacts = await db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return {
      dialect,
      inserted,
      contacts: Number(contacts.n),
      events,
      duplicateCheck: again.inserted === 0 && again.duplicates === batches[0]!.length,
      ingestPerSec: Math.round((inserted / ingestMs) * 1000),
      rawPerSec: Math.round((MESSAGES / rawMs) * 1000),
      ingestMs: Math.round(ingestMs),
      rawMs: Math.round(rawMs),
      ingestCpuMs: Math.round((ingestCpu.user + ingestCpu.system) / 1000),
      rawCpuMs: Math.round((rawCpu.user + rawCpu.system) / 1000),
    };
  } finally {
    await handle.close();
    await cleanup();
  }
}

async function main() {
  const batches = traffic();
  console.log(
    `ingest bench: ${MESSAGES.toLocaleString('en')} messages, ${CONTACTS.toLocaleString('en')} customers, ${batches.length} batches of 50–500`,
  );
  const targets = { sqlite: 5000, postgres: 2000 } as const;
  const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
  for (const dialect of dialects) {
    try {
      const r = await run(dialect, batches);
      const ok = r.ingestPerSec >= targets[dialect] ? 'meets' : 'BELOW';
      console.log(
        `${dialect.padEnd(8)} ingest ${r.ingestPerSec.toLocaleString('en')} msg/s (${r.ingestMs} ms) | raw insert ${r.rawPerSec.toLocaleString('en')} msg/s (${r.rawMs} ms) | ` +
          `ingest/raw ${(r.ingestPerSec / r.rawPerSec).toFixed(2)} | ${ok} target ${targets[dialect].toLocaleString('en')} msg/s | ` +
          `${r.inserted} stored, ${r.contacts} contacts, ${r.events} events, duplicate batch no-op: ${r.duplicateCheck}\n` +
          `${''.padEnd(8)} CPU of this process: ingest ${r.ingestCpuMs} ms, raw insert ${r.rawCpuMs} ms, raw/ingest ${(r.rawCpuMs / r.ingestCpuMs).toFixed(2)} | ` +
          `load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
      );
    } catch (error) {
      console.log(`${dialect.padEnd(8)} skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
