import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/contracts/events.js';
import type { InboxConversationDtoT } from '../../src/contracts/inbox.js';
import type { DashboardDtoT, NotificationPageT, SlaChannelsDtoT, SlaPolicyDtoT, SlaReportDtoT } from '../../src/contracts/sla.js';
import { openDatabase } from '../../src/server/db/database.js';
import { createSlaEvaluator } from '../../src/server/jobs/sla-evaluator.js';
import { createDeliveryWorker, RETRY_DELAYS_MS } from '../../src/server/modules/sla/delivery.js';
import { createMemoryEmailSender } from '../../src/server/modules/sla/smtp.js';
import { createInProcessBus } from '../../src/server/realtime/bus.js';
import type { InboundMessage } from '../../src/server/whatsapp/provider.js';
import { fakeClock } from '../support/clock.js';
import { firstOwner, memberOf } from '../support/factories.js';
import { as, call, errorFields, expectError } from '../support/http.js';
import { customer, inbound } from '../support/inbound.js';
import { freshAppPerTest } from '../support/lifecycle.js';
import { insertTestNumber } from '../support/numbers.js';

const MIN = 60_000;
const T0 = Date.parse('2026-06-01T09:00:00Z'); // a Monday

describe('SLA', () => {
  const clock = fakeClock(T0);
  const t = freshAppPerTest(() => {
    clock.set(T0);
    // The webhook receiver below listens on loopback, which an install posts to only when told.
    return { clock, env: { WASPHERE_WEBHOOKS_ALLOW_PRIVATE: 'true' } };
  });

  async function setup() {
    const owner = await firstOwner(t().app, 'Olive Owner');
    const ws = owner.workspaceId;
    const agent = await memberOf(t().app, owner.cookie, ws, 'agent', 'Aggie Agent');
    const agent2 = await memberOf(t().app, owner.cookie, ws, 'agent', 'Bert Agent');
    const number = await insertTestNumber(t().database.db, ws, { name: 'Sales line', created_at: T0 });
    const events: DomainEvent[] = [];
    t().services.bus.subscribe(ws, (e) => events.push(e));
    const base = `/api/v1/workspaces/${ws}`;
    const { sla } = t().services;
    const ingest = async (messages: InboundMessage[]) => {
      await t().services.ingest.messages({ id: number.id, workspaceId: ws }, messages, { isHistory: false, upsertType: 'notify' });
      await sla.tracker.idle();
    };
    const say = async (phone: string, text = 'hello?') => ingest([inbound({ chat: customer(phone), timestamp: clock.now(), text })]);
    const o = as(t().app, owner.cookie);
    const a = as(t().app, agent.cookie);
    const put = (cookie: string, url: string, payload: unknown) => call(t().app, 'PUT', url, { cookie, payload });
    const conversation = async (phone: string): Promise<InboxConversationDtoT> => {
      const r = await o.get(`${base}/conversations?limit=200`);
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json() as { items: InboxConversationDtoT[] };
      const found = page.items.find((c) => c.contact.phone === phone);
      if (!found) throw new Error(`no conversation with ${phone}`);
      return found;
    };
    const row = async (conversationId: string) =>
      t().database.db.selectFrom('sla_conversations').selectAll().where('conversation_id', '=', conversationId).executeTakeFirstOrThrow();
    const advance = async (ms: number) => {
      clock.advance(ms);
      await sla.evaluator.runOnce();
      await sla.tracker.idle();
    };
    const reply = async (conversationId: string, text = 'On it!') => {
      const r = await a.post(`${base}/conversations/${conversationId}/messages`, { text });
      expect(r.statusCode, r.body).toBe(202);
      await sla.tracker.idle();
    };
    const patch = async (conversationId: string, body: unknown) => {
      const r = await a.patch(`${base}/conversations/${conversationId}`, body);
      expect(r.statusCode, r.body).toBe(200);
      await sla.tracker.idle();
    };
    const slaEvents = () => t().database.db.selectFrom('sla_events').selectAll().orderBy('detected_at').orderBy('kind').execute();
    const notificationsOf = async (cookie: string) => (await as(t().app, cookie).get(`${base}/notifications`)).json() as NotificationPageT;
    return {
      owner,
      agent,
      agent2,
      ws,
      number,
      events,
      base,
      ingest,
      say,
      o,
      a,
      put,
      conversation,
      row,
      advance,
      reply,
      patch,
      slaEvents,
      notificationsOf,
    };
  }

  it('has a default policy that owners and admins change, and agents only read', async () => {
    const s = await setup();
    const policy = (await s.a.get(`${s.base}/sla/policy`)).json() as SlaPolicyDtoT;
    expect(policy).toMatchObject({
      enabled: true,
      firstResponseMinutes: 15,
      nextResponseMinutes: 30,
      resolutionMinutes: null,
      businessHours: { enabled: false, holidays: [] },
      timeZone: 'UTC',
      scope: { numberIds: [], labelIds: [] },
      atRiskPercent: 80,
      pauseWhenPending: false,
      updatedAt: null,
    });
    expectError(await s.put(s.agent.cookie, `${s.base}/sla/policy`, { firstResponseMinutes: 5 }), 403, 'forbidden');
    const r = await s.put(s.owner.cookie, `${s.base}/sla/policy`, {
      firstResponseMinutes: 10,
      resolutionMinutes: 240,
      businessHours: { enabled: true, week: [[], [{ start: '09:00', end: '17:00' }], [], [], [], [], []], holidays: ['2026-12-25'] },
      scope: { numberIds: [s.number.id] },
      pauseWhenPending: true,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      firstResponseMinutes: 10,
      resolutionMinutes: 240,
      businessHours: { enabled: true, holidays: ['2026-12-25'] },
    });

    expect(
      errorFields(
        await s.put(s.owner.cookie, `${s.base}/sla/policy`, { businessHours: { enabled: true, week: [[], [], [], [], [], [], []] } }),
      ),
    ).toEqual({ 'businessHours.week': 'business hours need at least one time range' });
    expect(errorFields(await s.put(s.owner.cookie, `${s.base}/sla/policy`, { scope: { numberIds: ['nope'] } }))).toHaveProperty([
      'scope.numberIds',
    ]);
    expect(errorFields(await s.put(s.owner.cookie, `${s.base}/sla/policy`, { firstResponseMinutes: 0 }))).toBeTypeOf('object');
    expectError(await s.put(s.owner.cookie, `${s.base}/sla/policy`, { nope: 1 }), 400, 'validation_failed');
  });

  it('alerts at risk and at breach once, to admins and every agent while unassigned; a reply stops the clock', async () => {
    const s = await setup();
    await s.say('447700900101');
    const conv = await s.conversation('447700900101');
    expect(conv).toMatchObject({ sla: { state: 'on_track', target: 'first_response', dueAt: new Date(T0 + 15 * MIN).toISOString() } });
    expect((await s.row(conv.id)).due_at).toBe(T0 + 12 * MIN);

    await s.advance(11 * MIN);
    expect(await s.slaEvents()).toHaveLength(0);
    await s.advance(1 * MIN);
    expect((await s.slaEvents()).map((e) => [e.kind, e.target])).toEqual([['at_risk', 'first_response']]);
    expect((await s.conversation('447700900101')).sla).toMatchObject({ state: 'at_risk' });
    // Unassigned: the owner and both agents hear about it.
    for (const person of [s.owner, s.agent, s.agent2]) {
      const n = await s.notificationsOf(person.cookie);
      expect(n.unreadCount).toBe(1);
      expect(n.items[0]).toMatchObject({ kind: 'sla.at_risk', title: 'SLA at risk: first response', conversationId: conv.id });
    }
    expect(s.events.filter((e) => e.type === 'sla.alert')).toHaveLength(1);
    expect(s.events.filter((e) => e.type === 'notification.created')).toHaveLength(3);

    // Assigned now: the breach goes to the assignee and the owner only.
    await s.patch(conv.id, { assigneeId: s.agent.me.user.id });
    await s.advance(3 * MIN);
    await s.advance(MIN);
    expect((await s.slaEvents()).map((e) => e.kind)).toEqual(['at_risk', 'breached']);
    expect((await s.notificationsOf(s.agent.cookie)).unreadCount).toBe(2);
    expect((await s.notificationsOf(s.agent2.cookie)).unreadCount).toBe(1);
    expect((await s.notificationsOf(s.owner.cookie)).items[0]).toMatchObject({ title: 'SLA breached: first response' });
    expect((await s.conversation('447700900101')).sla).toMatchObject({ state: 'breached' });

    // A private note does not answer the customer.
    expect((await s.a.post(`${s.base}/conversations/${conv.id}/notes`, { text: 'looking' })).statusCode).toBe(201);
    await t().services.sla.tracker.idle();
    expect((await s.conversation('447700900101')).sla).toMatchObject({ state: 'breached' });

    await s.reply(conv.id);
    expect((await s.conversation('447700900101')).sla).toBeNull();
    const metrics = await t().database.db.selectFrom('sla_metrics').selectAll().execute();
    expect(metrics).toMatchObject([
      { metric: 'first_response', raw_ms: 16 * MIN, business_ms: 16 * MIN, target_ms: 15 * MIN, hit: 0, agent_user_id: s.agent.me.user.id },
    ]);

    // The next customer message starts the next-response clock (30 minutes).
    await s.advance(5 * MIN);
    await s.say('447700900101', 'and?');
    expect((await s.conversation('447700900101')).sla).toMatchObject({
      target: 'next_response',
      dueAt: new Date(clock.now() + 30 * MIN).toISOString(),
    });

    // Marking read and reading notifications.
    const n = await s.notificationsOf(s.agent.cookie);
    const read = await s.a.post(`${s.base}/notifications/read`, { ids: [n.items[0]!.id] });
    expect(read.json()).toEqual({ unreadCount: 1 });
    expect((await s.a.post(`${s.base}/notifications/read`, { all: true })).json()).toEqual({ unreadCount: 0 });
    expect(errorFields(await s.a.post(`${s.base}/notifications/read`, {}))).toHaveProperty('ids');
  });

  it('pauses while pending when the policy says so, stops on resolve and starts again when the customer writes', async () => {
    const s = await setup();
    expect((await s.put(s.owner.cookie, `${s.base}/sla/policy`, { pauseWhenPending: true, resolutionMinutes: 120 })).statusCode).toBe(200);
    await s.say('447700900102');
    const conv = await s.conversation('447700900102');
    await s.advance(5 * MIN);
    await s.patch(conv.id, { status: 'pending' });
    expect((await s.row(conv.id)).due_at).toBeNull();
    expect((await s.conversation('447700900102')).sla).toBeNull();
    await s.advance(60 * MIN);
    expect(await s.slaEvents()).toHaveLength(0);
    // Open again: 5 minutes used, 10 left.
    await s.patch(conv.id, { status: 'open' });
    expect((await s.conversation('447700900102')).sla).toMatchObject({ dueAt: new Date(clock.now() + 10 * MIN).toISOString() });

    // A phone reply counts; an automatic opt-out confirmation would not (payload.automated).
    await s.ingest([inbound({ chat: customer('447700900102'), fromMe: true, timestamp: clock.now() + MIN, text: 'from the phone' })]);
    expect((await s.row(conv.id)).resp_start).toBeNull();

    await s.advance(10 * MIN);
    await s.patch(conv.id, { status: 'resolved' });
    const resolution = await t().database.db.selectFrom('sla_metrics').selectAll().where('metric', '=', 'resolution').execute();
    // 75 minutes passed; 60 of them pending (paused).
    expect(resolution).toMatchObject([{ raw_ms: 75 * MIN, business_ms: 15 * MIN, target_ms: 120 * MIN, hit: 1 }]);
    expect(await s.row(conv.id)).toMatchObject({ session_start: null, resp_start: null, due_at: null });

    // The customer writes again: a new period with a first-response target again.
    await s.advance(MIN);
    await s.say('447700900102', 'one more thing');
    const again = await s.conversation('447700900102');
    expect(again.status).toBe('open');
    expect(again.sla).toMatchObject({ target: 'first_response', state: 'on_track' });
  });

  it('re-evaluates open conversations when the policy changes mid-flight', async () => {
    const s = await setup();
    await s.say('447700900103');
    const conv = await s.conversation('447700900103');
    await s.advance(10 * MIN);
    await s.put(s.owner.cookie, `${s.base}/sla/policy`, { firstResponseMinutes: 60 });
    expect((await s.conversation('447700900103')).sla).toMatchObject({ state: 'on_track', dueAt: new Date(T0 + 60 * MIN).toISOString() });
    await s.advance(5 * MIN);
    expect(await s.slaEvents()).toHaveLength(0);
    // Business hours that closed at 09:05 today: the clock stopped counting at 09:05 and resumes tomorrow 09:00.
    await s.put(s.owner.cookie, `${s.base}/sla/policy`, {
      businessHours: { enabled: true, week: [[], [{ start: '08:00', end: '09:05' }], [{ start: '09:00', end: '17:00' }], [], [], [], []] },
    });
    expect((await s.conversation('447700900103')).sla).toMatchObject({ dueAt: '2026-06-02T09:55:00.000Z' });
    // Out of scope (another number only): no clock shown, nothing due.
    const other = await insertTestNumber(t().database.db, s.ws, { name: 'Other', phone: '447700900009' });
    await s.put(s.owner.cookie, `${s.base}/sla/policy`, { scope: { numberIds: [other.id] } });
    expect((await s.conversation('447700900103')).sla).toBeNull();
    expect((await s.row(conv.id)).due_at).toBeNull();
  });

  it('never alerts twice: a rebuilt evaluator on the same database and two evaluators at once', async () => {
    const s = await setup();
    const phones = Array.from({ length: 12 }, (_, i) => `4477009002${String(i).padStart(2, '0')}`);
    await s.ingest(phones.map((p) => inbound({ chat: customer(p), timestamp: clock.now() })));
    clock.advance(20 * MIN);

    // A second process: its own connection pool on the same database, its own bus.
    const second = openDatabase({ databaseUrl: t().database.databaseUrl, dataDir: t().database.dataDir, poolSize: 4 });
    try {
      const other = createSlaEvaluator({ db: second.db, clock, bus: createInProcessBus(), logger: pino({ level: 'silent' }) });
      const [x, y] = await Promise.all([t().services.sla.evaluator.runOnce(), other.runOnce()]);
      expect(x + y).toBe(24);
      // A restart: a new evaluator finds everything already done.
      const rebuilt = createSlaEvaluator({ db: t().database.db, clock, bus: createInProcessBus() });
      expect(await rebuilt.runOnce()).toBe(0);
      expect(await other.runOnce()).toBe(0);
    } finally {
      await second.close();
    }
    const events = await s.slaEvents();
    expect(events).toHaveLength(24);
    expect(new Set(events.map((e) => `${e.conversation_id}:${e.kind}`)).size).toBe(24);
    const notifications = await t().database.db.selectFrom('notifications').select('id').execute();
    expect(notifications).toHaveLength(24 * 3);
  });

  it('catches up after a restart: changes made while stopped are reconciled and due alerts fire', async () => {
    const s = await setup();
    t().services.sla.tracker.unsubscribe(); // the "process" is down: nobody tracks
    await t().services.ingest.messages(
      { id: s.number.id, workspaceId: s.ws },
      [inbound({ chat: customer('447700900301'), timestamp: clock.now() })],
      {
        isHistory: false,
        upsertType: 'notify',
      },
    );
    clock.advance(30 * MIN);
    expect(await t().database.db.selectFrom('sla_conversations').selectAll().execute()).toHaveLength(0);
    const restarted = createSlaEvaluator({ db: t().database.db, clock, bus: t().services.bus, tracker: t().services.sla.tracker });
    await restarted.start();
    await restarted.stop();
    expect((await s.slaEvents()).map((e) => e.kind)).toEqual(['at_risk', 'breached']);
  });

  it('reports response times, hit rate and breaches by day, agent, number and label, as JSON and CSV', async () => {
    const s = await setup();
    const label = (await s.o.post(`${s.base}/labels`, { name: 'VIP', color: 'red' })).json() as { id: string };
    // Three customers answered after 5, 10 and 20 minutes.
    for (const [i, wait] of [5, 10, 20].entries()) {
      const phone = `44770090040${i}`;
      await s.say(phone);
      const conv = await s.conversation(phone);
      if (i === 0) await s.patch(conv.id, { labelIds: [label.id] });
      await s.advance(wait * MIN);
      await s.reply(conv.id);
    }
    const url = `${s.base}/sla/reports?from=2026-06-01T00:00:00Z&to=2026-06-03T00:00:00Z`;
    const byDay = (await s.a.get(`${url}&groupBy=day`)).json() as SlaReportDtoT;
    expect(byDay.rows.map((r) => r.label)).toEqual(['2026-06-01', '2026-06-02']);
    expect(byDay.rows[0]).toMatchObject({
      firstResponse: { count: 3, medianMs: 10 * MIN, p90Ms: 20 * MIN },
      hitRate: 2 / 3,
      hits: 2,
      misses: 1,
      breaches: 1,
    });
    expect(byDay.totals).toMatchObject({ label: 'All', hits: 2, misses: 1 });
    const byAgent = (await s.a.get(`${url}&groupBy=agent`)).json() as SlaReportDtoT;
    // Responses count for who replied; the breach for the assignee at the time (nobody).
    expect(byAgent.rows).toMatchObject([
      { label: 'Aggie Agent', firstResponse: { count: 3 }, breaches: 0 },
      { label: 'From the phone / unassigned', key: null, breaches: 1 },
    ]);
    const byNumber = (await s.a.get(`${url}&groupBy=number&mode=raw`)).json() as SlaReportDtoT;
    expect(byNumber.rows).toMatchObject([{ label: 'Sales line', key: s.number.id }]);
    const byLabel = (await s.a.get(`${url}&groupBy=label`)).json() as SlaReportDtoT;
    expect(byLabel.rows).toMatchObject([{ label: 'VIP', firstResponse: { count: 1, medianMs: 5 * MIN } }]);
    expect(byLabel.totals.firstResponse.count).toBe(3);

    const csv = await s.a.get(`${url}&groupBy=day&format=csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^day,first responses,first response median \(min\)/);
    expect(lines[1]).toMatch(/^2026-06-01,3,10\.0,20\.0,/);
    expect(lines).toHaveLength(4);

    expect(errorFields(await s.a.get(`${s.base}/sla/reports?from=2026-06-03T00:00:00Z&to=2026-06-01T00:00:00Z`))).toHaveProperty('from');
    expectError(await s.a.get(`${s.base}/sla/reports?groupBy=week`), 400, 'validation_failed');
  });

  it('shows the workspace at a glance on the dashboard', async () => {
    const s = await setup();
    await s.say('447700900501');
    await s.say('447700900502');
    await s.advance(13 * MIN);
    await s.say('447700900503');
    await s.reply((await s.conversation('447700900502')).id);
    const d = (await s.a.get(`${s.base}/dashboard`)).json() as DashboardDtoT;
    expect(d.numbers).toMatchObject([{ id: s.number.id, name: 'Sales line', state: 'connected' }]);
    expect(d.conversations).toEqual({ open: 3, pending: 0, waiting: 2, unassigned: 3, atRisk: 1, breached: 0 });
    expect(d.messagesToday).toEqual({ in: 3, out: 1 });
    expect(d.responseTimes).toHaveLength(14);
    expect(d.responseTimes[13]).toMatchObject({ date: '2026-06-01', responses: 1, firstResponseMedianMs: 13 * MIN, messagesIn: 3 });
    expect(d.responseTimes[0]!.date).toBe('2026-05-19');
    expect(d.sla).toEqual({ enabled: true, hitRate14d: 1 });
    expect((await as(t().app).get(`${s.base}/dashboard`)).statusCode).toBe(401);
  });

  describe('email and webhook alerts', () => {
    let server: http.Server | null = null;
    afterEach(async () => {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
      server = null;
    });

    it('signs webhooks, retries with backoff, logs deliveries and sends email through the configured server', async () => {
      const s = await setup();
      const received: Array<{ body: string; signature: string }> = [];
      let answer = 500;
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ body, signature: String(req.headers['x-wasphere-signature']) });
          res.statusCode = answer;
          res.end();
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

      expectError(await s.a.get(`${s.base}/sla/channels`), 403, 'forbidden');
      const channels = (
        await s.put(s.owner.cookie, `${s.base}/sla/channels`, {
          webhookUrl: url,
          emailTo: ['ops@example.test'],
          smtp: {
            host: 'mail.example.test',
            port: 587,
            security: 'starttls',
            username: 'ops',
            password: 's3cret',
            from: 'WaSphere <alerts@example.test>',
          },
        })
      ).json() as SlaChannelsDtoT;
      expect(channels).toMatchObject({
        webhookUrl: url,
        emailTo: ['ops@example.test'],
        smtp: { host: 'mail.example.test', passwordSet: true },
      });
      expect(channels.webhookSecret).toMatch(/^whsec_/);
      expect(JSON.stringify(channels)).not.toContain('s3cret');

      await s.say('447700900601');
      clock.advance(12 * MIN); // at risk → one webhook and one email queued
      // An evaluator without its own sender, so this test's worker (with a fake mail server) sends.
      expect(await createSlaEvaluator({ db: t().database.db, clock, bus: t().services.bus }).runOnce()).toBe(1);
      const email = createMemoryEmailSender();
      const worker = createDeliveryWorker({
        db: t().database.db,
        clock,
        box: t().services.box,
        holderId: 'test',
        email,
        allowPrivateTargets: true,
      });
      await worker.runOnce();
      expect(email.sent).toMatchObject([
        { to: 'ops@example.test', subject: '[WaSphere] SLA at risk: first response', host: 'mail.example.test' },
      ]);

      // The webhook answered 500: the retry waits for its backoff.
      expect(received).toHaveLength(1);
      const [t1, v1] = received[0]!.signature.split(',');
      const ts = t1!.slice(2);
      expect(v1).toBe(`v1=${createHmac('sha256', channels.webhookSecret!).update(`${ts}.${received[0]!.body}`).digest('hex')}`);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'sla.alert', kind: 'at_risk', target: 'first_response' });
      const before = received.length;
      await worker.runOnce();
      expect(received.length).toBe(before);
      answer = 204;
      clock.advance(RETRY_DELAYS_MS[0]!);
      await worker.runOnce();
      expect(received.length).toBe(before + 1);

      const log = (await s.o.get(`${s.base}/sla/deliveries`)).json() as {
        items: Array<{ channel: string; status: string; attempts: number }>;
      };
      expect(log.items.map((d) => [d.channel, d.status, d.attempts]).sort()).toEqual([
        ['email', 'delivered', 1],
        ['webhook', 'delivered', 2],
      ]);
    });
  });
});
