/**
 * SLA at scale, on SQLite (temp file) and PostgreSQL (a fresh schema):
 *
 * 1. Evaluator: 100,000 open conversations whose first-response clocks come due
 *    evenly over a day. One simulated hour is played through the real evaluator
 *    with a virtual clock and virtual timers (its 10 s sweep and its wake-ups for
 *    the earliest due moment fire as they would). Figures: alerts fired, the
 *    worst delay between an alert's moment and its detection (simulated time,
 *    plus the longest real time a pass took), and this process's CPU time over
 *    the simulated hour as a share of one core (the SQLite engine runs in this
 *    process; PostgreSQL's own work is in its server and not counted).
 *    Targets: every alert within 30 s; ≤ 5 % of one core on average.
 *
 * 2. Reports over 90 days for a workspace with 1,000,000 messages: 350,000 SLA
 *    metrics (one per stopped clock) and their breach events, summed into daily
 *    rollups as they are recorded; reports read the rollups.
 *    Every grouping (day, agent, number, label) × (business, raw) through the SLA
 *    service, authorization included. Target: ≤ 500 ms each.
 *
 *   npx tsx bench/sla.ts
 *   BENCH_DIALECTS=sqlite BENCH_CONVERSATIONS=20000 BENCH_MESSAGES=200000 npx tsx bench/sla.ts   (smaller run)
 */
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import type { Dialect } from '../src/server/db/database.js';
import { createSlaEvaluator } from '../src/server/jobs/sla-evaluator.js';
import { createSecretBox } from '../src/server/lib/secrets.js';
import { createActivityService } from '../src/server/modules/activity/service.js';
import type { Caller } from '../src/server/modules/caller.js';
import { rebuildRollups } from '../src/server/modules/sla/rollups.js';
import { createSlaService } from '../src/server/modules/sla/service.js';
import { createWorkspaceAccess } from '../src/server/modules/workspaces/access.js';
import { createInProcessBus } from '../src/server/realtime/bus.js';
import type { Timers } from '../src/server/whatsapp/timers.js';
import { openTestDatabase, type TestDatabase } from '../test/support/db.js';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
/**
 * One metric row per stopped clock. Customers write a few messages per wait, so
 * 10 messages of a conversation make about 2.5 answered waits and a resolution.
 */
const METRICS = Math.round(MESSAGES * 0.35);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const SIMULATED_MS = Number(process.env.BENCH_SIMULATED_MINUTES ?? 60) * 60_000;
const DAY = 86_400_000;
const MIN = 60_000;
/** Reports cover the 90 days before T0; the evaluator's simulated hour starts at T0. */
const T0 = Date.parse('2026-03-01T00:00:00Z');
const FROM = T0 - 90 * DAY;
const WS = 'wsbench000000000000000000a';
const USERS = ['usrowner00000000000000000a', 'usragent00000000000000000a', 'usragent00000000000000000b'];

function ms(n: number): string {
  return `${n.toFixed(n < 10 ? 1 : 0)} ms`;
}

async function timeIt<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const result = await fn();
  console.log(`  seeded ${label} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return result;
}

async function seed(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const series = (n: number) =>
    pg
      ? sql`select generate_series(1::bigint, ${sql.lit(n)}) as i`
      : sql`with recursive r(i) as (select 1 union all select i + 1 from r where i < ${sql.lit(n)}) select i from r`;
  const pad = (expr: string, prefix: string) =>
    sql.raw(pg ? `'${prefix}' || lpad((${expr})::text, 20, '0')` : `printf('${prefix}%020d', ${expr})`);
  const idx = (expr: string, prefix: string) => sql.raw(pg ? `'${prefix}' || (${expr})::text` : `'${prefix}' || (${expr})`);
  const div = (a: string, b: number) => sql.raw(pg ? `((${a}) / ${b})` : `((${a}) / ${b})`);

  await sql`insert into workspaces (id, name, time_zone, country, log_retention_days, created_at, updated_at)
    values (${WS}, 'Bench shop', 'Europe/London', 'GB', 30, ${sql.lit(FROM)}, ${sql.lit(FROM)})`.execute(db);
  for (const [i, id] of USERS.entries()) {
    await sql`insert into users (id, name, email, password_hash, is_instance_admin, analytics_consent, created_at, updated_at)
      values (${id}, ${`Person ${i}`}, ${`${id}@bench.test`}, 'x', 0, 0, ${sql.lit(FROM)}, ${sql.lit(FROM)})`.execute(db);
    await sql`insert into memberships (workspace_id, user_id, role, created_at) values (${WS}, ${id}, ${i === 0 ? 'owner' : 'agent'}, ${sql.lit(FROM)})`.execute(
      db,
    );
  }
  for (let n = 0; n < 3; n++) {
    await sql`insert into numbers (id, workspace_id, name, provider, phone, state, state_since, linked_at, created_at, updated_at)
      values (${`numbench${n}`}, ${WS}, ${`Line ${n + 1}`}, 'baileys', ${`44770090000${n}`}, 'connected', ${sql.lit(FROM)}, ${sql.lit(FROM)}, ${sql.lit(FROM)}, ${sql.lit(FROM)})`.execute(
      db,
    );
    await sql`insert into labels (id, workspace_id, name, color, created_at) values (${`lblbench${n}`}, ${WS}, ${`Label ${n}`}, 'blue', ${sql.lit(FROM)})`.execute(
      db,
    );
  }
  const N = CONVERSATIONS;
  await timeIt(`${N} contacts`, () =>
    sql`insert into contacts (id, workspace_id, phone, custom_fields, opted_out, created_at, updated_at)
      select ${pad('s.i', 'k')}, ${WS}, ${sql.raw(pg ? `'4477' || lpad(s.i::text, 8, '0')` : `printf('4477%08d', s.i)`)}, '{}', 0, ${sql.lit(FROM)}, ${sql.lit(FROM)}
      from (${series(N)}) s`.execute(db),
  );
  await timeIt(`${N} open conversations`, () =>
    sql`insert into conversations (id, workspace_id, number_id, contact_id, status, assignee_user_id, unread_count,
        last_message_at, last_message_direction, waiting_since, created_at, updated_at)
      select ${pad('s.i', 'c')}, ${WS}, ${idx('s.i % 3', 'numbench')}, ${pad('s.i', 'k')}, 'open',
        case when s.i % 3 = 0 then null else ${sql.raw(pg ? `'usragent00000000000000000' || (case when s.i % 3 = 1 then 'a' else 'b' end)` : `'usragent00000000000000000' || (case when s.i % 3 = 1 then 'a' else 'b' end)`)} end,
        1, ${sql.lit(T0)}, 'in', ${sql.lit(T0)}, ${sql.lit(FROM)}, ${sql.lit(FROM)}
      from (${series(N)}) s`.execute(db),
  );
  await timeIt(`${MESSAGES} messages over 90 days`, () =>
    sql`insert into messages (id, workspace_id, conversation_id, number_id, provider_message_id, direction, kind, payload, status, sent_at, created_at, attempts)
      select ${pad('s.i', 'm')}, ${WS}, ${pad(`s.i % ${N} + 1`, 'c')}, ${idx(`(s.i % ${N} + 1) % 3`, 'numbench')}, ${pad('s.i', 'W')},
        case when s.i % 2 = 0 then 'in' else 'out' end, 'text', '{}', case when s.i % 2 = 0 then 'received' else 'read' end,
        ${sql.lit(FROM)} + ${div(`s.i * ${90 * DAY}`, MESSAGES)}, ${sql.lit(FROM)}, 0
      from (${series(MESSAGES)}) s`.execute(db),
  );
  // Per stopped clock: metric j belongs to conversation j % N + 1; of every 7: 2 first responses, 3 next responses, 2 resolutions.
  const raw = `((s.i * 7919) % 3600) * 1000 + 30000`;
  await timeIt(`${METRICS} SLA metrics`, () =>
    sql`insert into sla_metrics (id, workspace_id, conversation_id, number_id, agent_user_id, metric, cycle, ended_at, raw_ms, business_ms, target_ms, hit)
      select ${pad('s.i', 'x')}, ${WS}, ${pad(`s.i % ${N} + 1`, 'c')}, ${idx(`(s.i % ${N} + 1) % 3`, 'numbench')},
        ${sql.raw(`'usragent00000000000000000' || (case when s.i % 2 = 0 then 'a' else 'b' end)`)},
        case when s.i % 7 < 2 then 'first_response' when s.i % 7 >= 5 then 'resolution' else 'next_response' end,
        s.i, ${sql.lit(FROM)} + ${div(`s.i * ${90 * DAY}`, METRICS)}, ${sql.raw(raw)}, (${sql.raw(raw)}) * 4 / 5,
        case when s.i % 7 < 2 then ${sql.lit(15 * MIN)} when s.i % 7 >= 5 then null else ${sql.lit(30 * MIN)} end,
        case when s.i % 7 >= 5 then null when (${sql.raw(raw)}) * 4 / 5 <= (case when s.i % 7 < 2 then ${sql.lit(15 * MIN)} else ${sql.lit(30 * MIN)} end) then 1 else 0 end
      from (${series(METRICS)}) s`.execute(db),
  );
  await timeIt('breach events', () =>
    sql`insert into sla_events (id, workspace_id, conversation_id, target, kind, cycle, due_at, detected_at, assignee_user_id, number_id)
      select 'e' || id, workspace_id, conversation_id, metric, 'breached', cycle, ended_at - 60000, ended_at - 60000, agent_user_id, number_id
      from sla_metrics where hit = 0`.execute(db),
  );
  await timeIt('labels', () =>
    sql`insert into conversation_labels (conversation_id, label_id, workspace_id)
      select ${pad('s.i', 'c')}, ${idx('s.i % 3', 'lblbench')}, ${WS} from (${series(N)}) s where s.i % 5 < 3`.execute(db),
  );
  // Applied SLAs: every conversation waits; first-response clocks reach risk (12 of 15 min) evenly over the day from T0.
  await timeIt(`${N} applied SLAs`, () =>
    sql`insert into sla_conversations (conversation_id, workspace_id, policy_version, status, in_scope, session_start, resp_target, resp_start,
        resp_credit, resp_segment, resp_target_ms, resp_risk_at, resp_breach_at, resp_fired, res_credit, res_fired, due_at,
        urgent_target, urgent_risk_at, urgent_breach_at, version, updated_at)
      select ${pad('s.i', 'c')}, ${WS}, 0, 'open', 1, t.st, 'first_response', t.st, 0, t.st, ${sql.lit(15 * MIN)}, t.st + ${sql.lit(12 * MIN)}, t.st + ${sql.lit(15 * MIN)}, 0, 0, 0,
        t.st + ${sql.lit(12 * MIN)}, 'first_response', t.st + ${sql.lit(12 * MIN)}, t.st + ${sql.lit(15 * MIN)}, 1, ${sql.lit(T0)}
      from (${series(N)}) s join (select i, ${sql.lit(T0 - 12 * MIN)} + ${div(`i * ${DAY}`, N)} as st from (${series(N)}) q) t on t.i = s.i`.execute(
      db,
    ),
  );
  // Metrics were generated in SQL, not recorded one by one: build the daily rollups reports read, once.
  const t = performance.now();
  const rollups = await rebuildRollups(db as never, WS, 'Europe/London');
  console.log(`  built ${rollups} rollup rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await sql`analyze`.execute(db);
}

/** Virtual timers on a virtual clock: the simulation fires them in time order. */
function virtualTime(startAt: number) {
  let now = startAt;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void; every: number | null }>();
  const timers: Timers = {
    setTimeout: (fn, delay) => {
      pending.set(++seq, { at: now + Math.max(0, delay), fn, every: null });
      return seq;
    },
    clearTimeout: (h) => void pending.delete(h as number),
    setInterval: (fn, every) => {
      pending.set(++seq, { at: now + every, fn, every });
      return seq;
    },
    clearInterval: (h) => void pending.delete(h as number),
  };
  return {
    clock: { now: () => now },
    timers,
    /** The next timer due by `until`, fired (clock moved to it); false when none. */
    fireNext(until: number): boolean {
      let next: [number, { at: number; fn: () => void; every: number | null }] | null = null;
      for (const entry of pending) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > until) return false;
      const [id, t] = next;
      now = Math.max(now, t.at);
      if (t.every !== null) t.at += t.every;
      else pending.delete(id);
      t.fn();
      return true;
    },
    set(at: number) {
      now = at;
    },
  };
}

async function evaluatorBench(database: TestDatabase): Promise<void> {
  const db = database.db;
  const sim = virtualTime(T0);
  const bus = createInProcessBus({ now: sim.clock.now });
  let published = 0;
  bus.subscribe('*', () => (published += 1));
  const evaluator = createSlaEvaluator({ db, clock: sim.clock, bus, timers: sim.timers, logger: pino({ level: 'silent' }) });
  const passes: number[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await evaluator.start();
  await evaluator.idle();
  const end = T0 + SIMULATED_MS;
  while (sim.fireNext(end)) {
    const t = performance.now();
    await evaluator.idle();
    passes.push(performance.now() - t);
  }
  sim.set(end);
  await evaluator.stop();
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const lag = await sql<{ n: number | string; worst: number | string | null; avg: number | string | null }>`
    select count(*) as n, max(detected_at - due_at) as worst, avg(detected_at - due_at) as avg from sla_events where id not like 'e%'`.execute(
    db,
  );
  const due = await sql<{ n: number | string }>`
    select count(*) as n from sla_conversations where (resp_risk_at <= ${end} and resp_fired < 1) or (resp_breach_at <= ${end} and resp_fired < 2)`.execute(
    db,
  );
  const expected = await sql<{ n: number | string }>`
    select (select count(*) from sla_conversations where resp_risk_at <= ${end}) + (select count(*) from sla_conversations where resp_breach_at <= ${end}) as n`.execute(
    db,
  );
  const notifications = await sql<{ n: number | string }>`select count(*) as n from notifications`.execute(db);
  const r = lag.rows[0]!;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const sorted = [...passes].sort((a, b) => a - b);
  const longest = sorted[sorted.length - 1] ?? 0;
  const worstLag = Number(r.worst ?? 0) + longest;
  console.log(`  evaluator: ${CONVERSATIONS} open conversations, ${SIMULATED_MS / MIN} simulated minutes, ${passes.length} timer firings`);
  console.log(
    `    alerts fired ${Number(r.n)} of ${Number(expected.rows[0]!.n)} due (${Number(due.rows[0]!.n)} left unfired), ${Number(notifications.rows[0]!.n)} notifications, ${published} events`,
  );
  console.log(
    `    detection delay: worst ${(Number(r.worst ?? 0) / 1000).toFixed(1)} s simulated (avg ${(Number(r.avg ?? 0) / 1000).toFixed(2)} s) + longest pass ${ms(longest)} real = ${(worstLag / 1000).toFixed(2)} s  (target ≤ 30 s) ${worstLag <= 30_000 && Number(due.rows[0]!.n) === 0 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `    pass time: p50 ${ms(sorted[Math.floor(sorted.length / 2)] ?? 0)}, p99 ${ms(sorted[Math.floor(sorted.length * 0.99)] ?? 0)}, max ${ms(longest)}`,
  );
  const share = (cpuMs / SIMULATED_MS) * 100;
  console.log(
    `    CPU: ${cpuMs.toFixed(0)} ms over ${(SIMULATED_MS / 1000).toFixed(0)} s simulated = ${share.toFixed(2)} % of one core (target ≤ 5 %) ${share <= 5 ? 'OK' : 'OVER'}; wall ${(wall / 1000).toFixed(1)} s`,
  );
}

async function reportBench(database: TestDatabase): Promise<void> {
  const db = database.db;
  const clock = { now: () => T0 };
  const access = createWorkspaceAccess({ db });
  const activity = createActivityService({ db, clock, access });
  const service = createSlaService({
    db,
    clock,
    access,
    activity,
    bus: createInProcessBus(),
    box: createSecretBox(Buffer.alloc(32, 7)),
    tracker: { resyncWorkspace: async () => 0 },
    allowPrivateWebhooks: false,
  });
  const caller: Caller = { userId: USERS[0]!, sessionId: null, name: 'Owner', email: 'o@bench.test', isInstanceAdmin: false, ip: null };
  const from = new Date(FROM).toISOString();
  const to = new Date(T0).toISOString();
  console.log(`  reports over 90 days (${MESSAGES} messages, ${METRICS} metric rows), 5 runs each:`);
  for (const groupBy of ['day', 'agent', 'number', 'label'] as const) {
    for (const mode of ['business', 'raw'] as const) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const report = await service.report(caller, WS, { from, to, groupBy, mode });
        times.push(performance.now() - t);
        rows = report.rows.length;
      }
      times.sort((a, b) => a - b);
      const worst = times[times.length - 1]!;
      console.log(
        `    ${groupBy.padEnd(6)} ${mode.padEnd(8)} median ${ms(times[2]!).padStart(7)}, max ${ms(worst).padStart(7)}  (${rows} rows)  ${worst <= 500 ? 'OK' : 'OVER'}`,
      );
    }
  }
}

async function main(): Promise<void> {
  console.log(`SLA bench: ${CONVERSATIONS} open conversations, ${MESSAGES} messages, Node ${process.version}`);
  for (const dialect of DIALECTS) {
    console.log(`\n[${dialect}]`);
    const database = await openTestDatabase(dialect);
    try {
      await seed(database.db as unknown as Kysely<unknown>, dialect);
      await reportBench(database);
      await evaluatorBench(database);
    } finally {
      await database.destroy();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
