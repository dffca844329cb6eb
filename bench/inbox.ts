/**
 * Team inbox at scale: 1,000,000 messages in 100,000 conversations (100,000
 * contacts, 3 numbers, labels, assignees), generated in SQL on SQLite (temp
 * file) and PostgreSQL (a fresh schema), then p50/p95 through the inbox
 * service (authorization included) of:
 * - the first inbox page (50) under several filters;
 * - opening a conversation (newest 50 messages): ordinary ones (~9 messages) and
 *   busy ones (~1,000 messages);
 * - search (`q`): a rare order number, a common word, a contact name, a prefix;
 * - last, a common word again after an import of 50,000 contacts (their search
 *   documents are then the newest ones).
 *
 *   npx tsx bench/inbox.ts
 *   BENCH_DIALECTS=sqlite BENCH_MESSAGES=200000 npx tsx bench/inbox.ts   (smaller run)
 *
 * Targets: page p95 ≤ 20 ms (SQLite) / 30 ms (PostgreSQL); open ≤ 10 ms; search ≤ 100 ms.
 *
 * Wall-clock figures move with the machine's load (printed with them). The `cpu` column
 * is this process's CPU time per request (p50): on SQLite that is the whole request, on
 * PostgreSQL only the client's share; it hardly moves with the load.
 */
import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../src/server/db/database.js';
import { systemClock } from '../src/server/lib/clock.js';
import { createActivityService } from '../src/server/modules/activity/service.js';
import type { Caller } from '../src/server/modules/caller.js';
import { createInboxService } from '../src/server/modules/inbox/service.js';
import { createUsageRecorder } from '../src/server/modules/privacy/usage.js';
import { createWorkspaceAccess } from '../src/server/modules/workspaces/access.js';
import { createInProcessBus } from '../src/server/realtime/bus.js';
import { openTestDatabase, type TestDatabase } from '../test/support/db.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
/** Contacts added by the import at the end, whose search documents become the newest. */
const IMPORTED = Number(process.env.BENCH_IMPORTED ?? 50_000);
/** Every 10th message goes to one of these conversations, so some histories are long. */
const BUSY = 100;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const WS = 'wsbench000000000000000000a';
const OWNER = 'usrowner00000000000000000a';
const AGENT = 'usragent00000000000000000a';

const PHRASES = [
  'Hello, is this still in stock?',
  'When will my parcel arrive?',
  'Can I pay on delivery?',
  'Thanks, got it!',
  'I would like to return the blue teapot',
  'Do you ship to Germany?',
  'The invoice is attached',
  'What size should I order?',
  'My order has not arrived yet',
  'Great service, thank you',
  'Is there a discount for two items?',
  'Please call me back tomorrow',
  'The package was damaged',
  'Can I change the delivery address?',
  'How long is the warranty?',
  'Do you have this in red?',
  'I sent the payment yesterday',
  'Where is your shop?',
  'Can I pick it up myself?',
  'Wonderful, see you soon',
];
const NAMES = ['Amira', 'Ben', 'Chen', 'Dara', 'Eva', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kemal', 'Lucia', 'Marguerite', 'Noah'];

const ms = (ns: bigint) => Number(ns) / 1e6;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timeIt(label: string, fn: () => Promise<unknown>) {
  const start = process.hrtime.bigint();
  await fn();
  console.log(`  ${label}: ${(ms(process.hrtime.bigint() - start) / 1000).toFixed(1)} s`);
}

/** Rows generated inside the database (recursive CTE / generate_series): no client round trips. */
async function seed(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const series = (n: number) =>
    pg
      ? sql`select generate_series(1, ${sql.lit(n)}) as i`
      : sql`with recursive r(i) as (select 1 union all select i + 1 from r where i < ${sql.lit(n)}) select i from r`;
  const pad = (expr: string, prefix: string) =>
    sql.raw(pg ? `'${prefix}' || lpad((${expr})::text, 20, '0')` : `printf('${prefix}%020d', ${expr})`);
  const mod = (a: string, b: number) => sql.raw(`(${a}) % ${b}`);

  await sql`insert into workspaces (id, name, time_zone, country, log_retention_days, created_at, updated_at)
    values (${WS}, 'Bench shop', 'UTC', 'GB', 30, ${T0}, ${T0})`.execute(db);
  for (const [id, name] of [
    [OWNER, 'Olive Owner'],
    [AGENT, 'Aggie Agent'],
  ]) {
    await sql`insert into users (id, name, email, password_hash, is_instance_admin, analytics_consent, created_at, updated_at)
      values (${id}, ${name}, ${`${id}@bench.test`}, 'x', 0, 0, ${T0}, ${T0})`.execute(db);
    await sql`insert into memberships (workspace_id, user_id, role, created_at) values (${WS}, ${id}, ${id === OWNER ? 'owner' : 'agent'}, ${T0})`.execute(
      db,
    );
  }
  for (let n = 0; n < 3; n++) {
    await sql`insert into numbers (id, workspace_id, name, provider, phone, state, state_since, linked_at, created_at, updated_at)
      values (${`numbench${n}`}, ${WS}, ${`Line ${n + 1}`}, 'baileys', ${`44770090000${n}`}, 'connected', ${T0}, ${T0}, ${T0}, ${T0})`.execute(
      db,
    );
  }
  for (let l = 0; l < 5; l++) {
    await sql`insert into labels (id, workspace_id, name, color, created_at) values (${`lblbench${l}`}, ${WS}, ${`Label ${l}`}, 'blue', ${T0})`.execute(
      db,
    );
  }
  await sql`create temporary table bench_phrases (n integer primary key, t text not null)`.execute(db);
  for (const [n, t] of PHRASES.entries()) await sql`insert into bench_phrases (n, t) values (${n}, ${t})`.execute(db);
  await sql`create temporary table bench_names (n integer primary key, t text not null)`.execute(db);
  for (const [n, t] of NAMES.entries()) await sql`insert into bench_names (n, t) values (${n}, ${t})`.execute(db);

  if (pg) {
    // Bulk load without per-row index triggers; the search index is built once afterwards.
    await sql`alter table messages disable trigger user`.execute(db);
    await sql`alter table contacts disable trigger user`.execute(db);
  }
  // The full-text indexes are built once afterwards, from their own definitions.
  const fullText = pg
    ? (
        await sql<{ name: string; definition: string }>`
        select indexname as name, indexdef as definition from pg_indexes
        where schemaname = current_schema() and tablename = 'search_docs' and indexdef like '%USING gin%'`.execute(db)
      ).rows
    : [];
  for (const index of fullText) await sql`drop index ${sql.ref(index.name)}`.execute(db);

  await timeIt('contacts', () =>
    sql`insert into contacts (id, workspace_id, phone, push_name, custom_fields, opted_out, created_at, updated_at)
      select ${pad('s.i', 'k')}, ${WS}, ${sql.raw(pg ? `'4477' || lpad(s.i::text, 8, '0')` : `printf('4477%08d', s.i)`)},
        p.t || ' ' || ${sql.raw(pg ? `s.i::text` : `s.i`)}, '{}', 0, ${T0}, ${T0}
      from (${series(CONVERSATIONS)}) s join bench_names p on p.n = ${mod('s.i', NAMES.length)}`.execute(db),
  );

  // Message i (1..M) belongs to conversation c(i); every 10th goes to a busy one.
  const conv = `(case when s.i % 10 = 0 then (s.i / 10) % ${BUSY} + 1 else s.i % ${CONVERSATIONS} + 1 end)`;
  await timeIt('conversations', () =>
    sql`insert into conversations (id, workspace_id, number_id, contact_id, status, assignee_user_id, unread_count,
        last_message_at, last_message_preview, last_message_direction, waiting_since, created_at, updated_at)
      select ${pad('s.i', 'c')}, ${WS}, ${sql.raw(pg ? `'numbench' || (s.i % 3)::text` : `'numbench' || (s.i % 3)`)}, ${pad('s.i', 'k')},
        case when s.i % 10 < 6 then 'open' when s.i % 10 < 8 then 'pending' else 'resolved' end,
        case when s.i % 3 = 0 then ${AGENT} when s.i % 3 = 1 then ${OWNER} else null end,
        s.i % 4, ${sql.lit(T0)} + (${sql.lit(MESSAGES)} - ${sql.lit(CONVERSATIONS)} + s.i) * 1000, 'last words', 'in',
        case when s.i % 2 = 0 then ${sql.lit(T0)} + (${sql.lit(MESSAGES)} - ${sql.lit(CONVERSATIONS)} + s.i) * 1000 else null end, ${sql.lit(T0)}, ${sql.lit(T0)}
      from (${series(CONVERSATIONS)}) s`.execute(db),
  );
  await timeIt('messages', () =>
    sql`insert into messages (id, workspace_id, conversation_id, number_id, provider_message_id, direction, kind, text, payload, status, sent_at, created_at, attempts)
      select ${pad('s.i', 'm')}, ${WS}, ${pad(conv, 'c')}, ${sql.raw(pg ? `'numbench' || (${conv} % 3)::text` : `'numbench' || (${conv} % 3)`)},
        ${pad('s.i', 'w')}, case when s.i % 3 = 0 then 'out' else 'in' end, 'text',
        p.t || ' #' || ${sql.raw(pg ? `(s.i % 500000)::text` : `(s.i % 500000)`)}, '{}',
        case when s.i % 3 = 0 then 'read' else 'received' end, ${sql.lit(T0)} + s.i * 1000, ${sql.lit(T0)} + s.i * 1000, 0
      from (${series(MESSAGES)}) s join bench_phrases p on p.n = ${mod('s.i', PHRASES.length)}`.execute(db),
  );
  await sql`insert into conversation_labels (conversation_id, label_id, workspace_id)
    select ${pad('s.i', 'c')}, ${sql.raw(pg ? `'lblbench' || (s.i % 5)::text` : `'lblbench' || (s.i % 5)`)}, ${WS}
    from (${series(CONVERSATIONS)}) s where s.i % 7 = 0`.execute(db);

  if (pg) {
    await timeIt('search index (bulk)', async () => {
      // Contacts first, then messages in order: the document order the triggers give (and SQLite's seed has).
      await sql`insert into search_docs (workspace_id, contact_id, body)
        select workspace_id, id, trim(coalesce(push_name, '') || ' ' || phone) from contacts order by id`.execute(db);
      await sql`insert into search_docs (workspace_id, conversation_id, message_id, body)
        select workspace_id, conversation_id, id, text from messages where text is not null order by id`.execute(db);
      for (const index of fullText) await sql.raw(index.definition).execute(db);
    });
    await sql`alter table messages enable trigger user`.execute(db);
    await sql`alter table contacts enable trigger user`.execute(db);
    await sql`analyze`.execute(db);
  } else {
    await sql`optimize`.execute(db).catch(() => undefined);
    await sql`insert into search_fts (search_fts) values ('optimize')`.execute(db);
    await sql`analyze`.execute(db);
  }
}

/** New contacts written the way an import writes them (search triggers on), then analyzed as the import does. */
async function importContacts(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const series = pg
    ? sql`select generate_series(1, ${sql.lit(IMPORTED)}) as i`
    : sql`with recursive r(i) as (select 1 union all select i + 1 from r where i < ${sql.lit(IMPORTED)}) select i from r`;
  await sql`insert into contacts (id, workspace_id, phone, name, custom_fields, opted_out, created_at, updated_at)
    select ${sql.raw(pg ? `'imp' || lpad(s.i::text, 20, '0')` : `printf('imp%020d', s.i)`)}, ${WS},
      ${sql.raw(pg ? `'4478' || lpad(s.i::text, 8, '0')` : `printf('4478%08d', s.i)`)}, 'Imported customer ' || ${sql.raw(pg ? 's.i::text' : 's.i')},
      '{}', 0, ${T0}, ${T0}
    from (${series}) s`.execute(db);
  await sql.raw(pg ? 'analyze contacts, search_docs' : 'analyze').execute(db);
}

interface Row {
  what: string;
  p50: number;
  p95: number;
  cpu50: number;
  target: number;
}

const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function measure(what: string, target: number, fn: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < 5; i++) await fn(i);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(ms(process.hrtime.bigint() - start));
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const row = { what, p50: pct(times, 50), p95: pct(times, 95), cpu50: pct(cpu, 50), target };
  console.log(
    `  ${row.what.padEnd(32)} ${row.p50.toFixed(2).padStart(8)} ${row.p95.toFixed(2).padStart(8)} ${row.cpu50.toFixed(2).padStart(8)} ${`≤ ${row.target}`.padStart(8)}  ${row.p95 <= row.target ? 'ok' : 'OVER'}`,
  );
  return row;
}

async function run(dialect: Dialect): Promise<void> {
  console.log(`\n${dialect}: seeding ${MESSAGES.toLocaleString('en')} messages in ${CONVERSATIONS.toLocaleString('en')} conversations`);
  const database: TestDatabase = await openTestDatabase(dialect);
  try {
    const db = database.db;
    await timeIt('seed total', () => seed(db as unknown as Kysely<unknown>, dialect));
    const access = createWorkspaceAccess({ db });
    const activity = createActivityService({ db, clock: systemClock, access });
    const bus = createInProcessBus();
    const inbox = createInboxService({
      db,
      clock: systemClock,
      access,
      activity,
      bus,
      usage: createUsageRecorder({ db, clock: systemClock }),
      messaging: { enqueueReply: () => Promise.reject(new Error('not in this bench')) },
    });
    const agent: Caller = { userId: AGENT, sessionId: null, name: 'Aggie Agent', email: 'a@bench.test', isInstanceAdmin: false, ip: null };
    const pageTarget = dialect === 'sqlite' ? 20 : 30;
    console.log(`\n  load average before measuring: ${loadAverage()}`);
    console.log(
      `  ${'measure'.padEnd(32)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'cpu ms'.padStart(8)} ${'target'.padStart(8)}`,
    );
    const rows: Row[] = [];
    const filters: Array<[string, Parameters<typeof inbox.list>[2]]> = [
      ['page: all', {}],
      ['page: open', { status: 'open' }],
      ['page: mine + open', { assignee: 'me', status: 'open' }],
      ['page: unassigned + open', { assignee: 'unassigned', status: 'open' }],
      ['page: waiting', { waiting: true }],
      ['page: label', { labelId: 'lblbench2' }],
      ['page: number + open', { numberId: 'numbench1', status: 'open' }],
      ['page: resolved', { status: 'resolved' }],
    ];
    for (const [what, query] of filters) rows.push(await measure(what, pageTarget, () => inbox.list(agent, WS, { limit: 50, ...query })));
    // A second page: the keyset cursor keeps it as cheap as the first.
    const first = await inbox.list(agent, WS, { limit: 50, status: 'open' });
    rows.push(
      await measure('page: open, 2nd page', pageTarget, () =>
        inbox.list(agent, WS, { limit: 50, status: 'open', cursor: first.nextCursor! }),
      ),
    );

    const convId = (n: number) => `c${String(n).padStart(20, '0')}`;
    rows.push(
      await measure('open: ordinary (~9 msgs)', 10, (i) =>
        inbox.messages(agent, WS, convId(BUSY + 1 + ((i * 7919) % (CONVERSATIONS - BUSY))), { limit: 50 }),
      ),
    );
    rows.push(
      await measure(`open: busy (~${Math.round(MESSAGES / 10 / BUSY)} msgs)`, 10, (i) =>
        inbox.messages(agent, WS, convId(1 + (i % BUSY)), { limit: 50 }),
      ),
    );

    const searches: Array<[string, string]> = [
      ['search: order number (rare)', '#123457'],
      ['search: common word', 'parcel'],
      ['search: two words', 'blue teapot'],
      ['search: contact name', 'Marguerite 4'],
      ['search: prefix', 'warra'],
      ['search: phone digits', '7700012'],
    ];
    for (const [what, q] of searches) rows.push(await measure(what, 100, () => inbox.list(agent, WS, { limit: 50, q })));

    // Last, as it adds rows: a contact import makes the newest search documents contacts.
    await timeIt(`import of ${IMPORTED.toLocaleString('en')} contacts`, () => importContacts(db as unknown as Kysely<unknown>, dialect));
    rows.push(await measure('search: common word, after import', 100, () => inbox.list(agent, WS, { limit: 50, q: 'parcel' })));

    const over = rows.filter((r) => r.p95 > r.target).map((r) => r.what);
    console.log(over.length === 0 ? '  all within target' : `  over target: ${over.join(', ')}`);
    console.log(`  load average after measuring: ${loadAverage()}`);
  } finally {
    await database.destroy();
  }
}

for (const dialect of DIALECTS) await run(dialect);
