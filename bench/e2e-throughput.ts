/**
 * End-to-end inbound throughput through the real protocol: customers on the local
 * WhatsApp peer (test/wa-sim) send texts → the peer encrypts them for the linked
 * companion → Baileys decrypts → WaSphere ingests and stores them → the event
 * reaches every connected dashboard WebSocket client (20 by default, as a shop's team
 * would have open). Measured for 1 and for 10 linked numbers:
 *
 * - messages/s the whole path sustains (first send → last WebSocket event), for a
 *   paced run and for a flood (every customer sending as fast as the peer can);
 * - latency per message, p50/p95: customer send → row stored, and customer send →
 *   WebSocket event at a client (over every client's copy of every event).
 *
 *   npx tsx bench/e2e-throughput.ts
 *   BENCH_DIALECT=postgres npx tsx bench/e2e-throughput.ts
 *   BENCH_CUSTOMERS=10 BENCH_MESSAGES=20 BENCH_RATE=100 BENCH_CLIENTS=5 npx tsx bench/e2e-throughput.ts
 *
 * BENCH_CUSTOMERS customers per number each send BENCH_MESSAGES texts; BENCH_RATE is
 * the paced run's total rate (messages/s across all numbers; 50 by default, the
 * rate the inbox target is set at); BENCH_CLIENTS dashboard clients are connected.
 * Target: send → WebSocket p95 ≤ 100 ms at 50 msg/s with 20 clients.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Dialect } from '../src/server/db/database.js';
import { startTestServer } from '../test/support/server.js';
import { startWaPeer, type WaPeer } from '../test/support/wa-peer.js';
import { runLoad } from '../test/wa-sim/index.js';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const DIALECT: Dialect = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const NUMBER_COUNTS = (process.env.BENCH_NUMBERS ?? '1,10').split(',').map(Number);

/**
 * The dashboard clients run on their own thread, so their arrival times are not held
 * up by the server and the peer sharing this process's event loop. They use `ws` (a
 * dependency of @fastify/websocket): Node 20 has no WebSocket client of its own.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.ws);
let ready = 0;
const sockets = Array.from({ length: workerData.count }, (_, client) => {
  const socket = new WebSocket(workerData.url, { headers: { cookie: workerData.cookie } });
  socket.on('message', (data) => {
    const at = Date.now();
    const frame = JSON.parse(String(data));
    if (frame.type === 'ready') {
      ready += 1;
      if (ready === workerData.count) parentPort.postMessage({ ready: true });
    } else if (frame.type === 'message.created' && frame.payload && frame.payload.direction === 'in') {
      parentPort.postMessage({ at, messageId: frame.payload.messageId, client });
    }
  });
  socket.on('error', (error) => parentPort.postMessage({ error: String(error) }));
  socket.on('close', (code, reason) => parentPort.postMessage({ closed: code, reason: String(reason) }));
  return socket;
});
parentPort.on('message', () => sockets.forEach((s) => s.close()));
`;
const WS_MODULE = createRequire(import.meta.url).resolve('ws');

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(0)} ms`;

async function http(base: string, cookie: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { json: (text ? JSON.parse(text) : null) as Record<string, unknown> & { id?: string }, setCookie: res.headers.get('set-cookie') };
}

interface Arrival {
  at: number;
  messageId: string;
  client: number;
}

async function runScenario(numbers: number): Promise<void> {
  const peer: WaPeer = await startWaPeer();
  const server = await startTestServer({ dialect: DIALECT, env: peer.env, startNumbers: true });
  const { sim } = peer;
  let client: Worker | null = null;
  let closedBy: string | null = null;
  try {
    const signup = await http(server.url, '', 'POST', '/auth/signup', {
      name: 'Bench Owner',
      email: 'bench@example.com',
      password: 'correct horse battery staple',
      analyticsConsent: false,
    });
    const cookie = signup.setCookie!.split(';')[0]!;
    const ws = (signup.json.workspaces as Array<{ id: string }>)[0]!.id;

    // Link the numbers through the API, scanning each QR with its own business phone.
    const businesses: string[] = [];
    for (let i = 0; i < numbers; i++) {
      const created = await http(server.url, cookie, 'POST', `/workspaces/${ws}/numbers`, { name: `Line ${i + 1}` });
      const linked = await http(server.url, cookie, 'POST', `/workspaces/${ws}/numbers/${created.json.id}/link`, { method: 'qr' });
      const qr = (linked.json.link as { qr: string | null } | null)?.qr;
      if (!qr) throw new Error('no QR from the link call');
      const phone = `1555100${String(i).padStart(4, '0')}`;
      await sim.scanQr(qr, { phone, pushName: `Bench ${i + 1}` });
      businesses.push(phone);
    }
    for (let tries = 0; ; tries++) {
      const list = await http(server.url, cookie, 'GET', `/workspaces/${ws}/numbers?limit=200`);
      const states = (list.json.items as Array<{ state: string }>).map((n) => n.state);
      if (states.every((s) => s === 'connected')) break;
      if (tries > 300) throw new Error(`numbers did not connect: ${states.join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The dashboard clients: every inbound message.created at each, with the time it arrived.
    const arrivals: Arrival[] = [];
    client = new Worker(CLIENT, {
      eval: true,
      workerData: { ws: WS_MODULE, url: `${server.url.replace('http', 'ws')}/api/v1/workspaces/${ws}/events`, cookie, count: CLIENTS },
    });
    await new Promise<void>((resolve, reject) => {
      client!.on('message', (m: { ready?: boolean; error?: string; closed?: number; reason?: string } & Partial<Arrival>) => {
        if (m.closed !== undefined) {
          // The hub drops a client that cannot keep up (1013); a dashboard would reconnect and refetch.
          closedBy = `${m.closed}${m.reason ? ` ${m.reason}` : ''}`;
          console.log(`  (the server closed the dashboard client's WebSocket: ${closedBy})`);
        }
        if (m.ready) resolve();
        else if (m.error) reject(new Error(m.error));
        else if (m.messageId && m.at) arrivals.push({ at: m.at, messageId: m.messageId, client: m.client ?? 0 });
      });
      client!.on('error', reject);
    });

    const load = (ratePerSecond: number, messagesPerCustomer: number, tag: string) =>
      Promise.all(
        businesses.map((business, b) =>
          runLoad(sim, {
            customers: CUSTOMERS,
            messagesPerCustomer,
            ratePerSecond: ratePerSecond / numbers,
            business,
            phonePrefix: `44770${String(b).padStart(2, '0')}`,
            text: (c, m) => `${tag} ${b}/${c}/${m}`,
          }),
        ),
      );

    /** Waits for `count` events, or until none has come for `quietMs` (some may be lost; they are counted). */
    const waitForArrivals = async (count: number, quietMs = 15_000) => {
      let seen = arrivals.length;
      let lastChange = Date.now();
      while (arrivals.length < count) {
        if (arrivals.length !== seen) {
          seen = arrivals.length;
          lastChange = Date.now();
        } else if (closedBy || Date.now() - lastChange > quietMs) {
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // Warm-up: every customer's first message sets up a Signal session (pkmsg); not measured.
    await load(0, 1, 'warm');
    // (Baileys holds events up to 20 s after a first link, waiting for a history sync the peer does not send.)
    await waitForArrivals(numbers * CUSTOMERS * CLIENTS, 30_000);

    /** WhatsApp ids among `ids` with no stored message. */
    const notStored = async (ids: string[]) => {
      const found = new Set<string>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await server.database.db
          .selectFrom('messages')
          .select('provider_message_id')
          .where('provider_message_id', 'in', ids.slice(i, i + 500))
          .execute();
        for (const r of rows) if (r.provider_message_id) found.add(r.provider_message_id);
      }
      return ids.filter((id) => !found.has(id));
    };

    const measure = async (name: string, rate: number) => {
      arrivals.length = 0;
      const t0 = Date.now();
      const sends = (await load(rate, MESSAGES, name)).flatMap((r) => r.sent);
      const total = sends.length;
      await waitForArrivals(total * CLIENTS);
      if (arrivals.length === 0) {
        console.log(`  ${name.padEnd(6)} ${String(total).padStart(5)} msgs sent, no event reached the client`);
        return;
      }
      const end = Math.max(...arrivals.map((a) => a.at));
      const lost = total * CLIENTS - arrivals.length;
      // Join each event with the customer's send through the stored row's WhatsApp id.
      const rows = await server.database.db
        .selectFrom('messages')
        .select(['id', 'provider_message_id', 'created_at'])
        .where('id', 'in', [...new Set(arrivals.map((a) => a.messageId))])
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      // `sent.at` is taken right after the peer sent the stanza; the send started a moment earlier.
      const sentAt = new Map(sends.map((s) => [s.id, s.at]));
      const stored: number[] = [];
      const delivered: number[] = [];
      for (const a of arrivals) {
        const row = byId.get(a.messageId);
        const at = row?.provider_message_id ? sentAt.get(row.provider_message_id) : undefined;
        if (!row || at === undefined) continue;
        stored.push(Number(row.created_at) - at);
        delivered.push(a.at - at);
      }
      stored.sort((x, y) => x - y);
      delivered.sort((x, y) => x - y);
      const seconds = (end - t0) / 1000;
      console.log(
        `  ${name.padEnd(6)} ${String(total).padStart(5)} msgs in ${seconds.toFixed(2).padStart(6)} s = ${(byId.size / seconds).toFixed(0).padStart(5)} msg/s` +
          ` | send→stored p50 ${ms(pct(stored, 50))}, p95 ${ms(pct(stored, 95))}` +
          ` | send→WebSocket p50 ${ms(pct(delivered, 50))}, p95 ${ms(pct(delivered, 95))}` +
          (lost > 0 ? ` | LOST ${lost} client events (${(await notStored(sends.map((x) => x.id))).length} messages never stored)` : ''),
      );
    };

    console.log(
      `${numbers} linked number${numbers === 1 ? '' : 's'}, ${CUSTOMERS} customers each, ${MESSAGES} messages per customer, ${CLIENTS} dashboard clients (${DIALECT}):`,
    );
    await measure('paced', RATE);
    await measure('flood', 0);
  } finally {
    client?.postMessage('close');
    await client?.terminate();
    await server.close();
    await peer.close();
  }
}

async function main(): Promise<void> {
  for (const n of NUMBER_COUNTS) await runScenario(n);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
