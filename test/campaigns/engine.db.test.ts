import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignDtoT } from '../../src/contracts/campaigns.js';
import { startCampaignSender, type CampaignSender } from '../../src/server/jobs/campaign-sender.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { insertContacts, setOptedOut, ukPhone } from '../support/campaigns.js';
import { fakeClock, type FakeClock } from '../support/clock.js';
import { firstOwner, type Person } from '../support/factories.js';
import { as } from '../support/http.js';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';

/**
 * The engine and the sender job on a real database with a fake clock. The send
 * queue is drained by hand, standing in for the number manager's worker: each
 * provider send is counted per phone, so a second message to anyone shows.
 */
describe('campaign sending', () => {
  let clock: FakeClock;
  let t: TestApp;
  let owner: Person & { workspaceId: string };
  let numberId: string;
  let sender: CampaignSender;
  let sends: Map<string, number>;
  let url: string;

  beforeEach(async () => {
    clock = fakeClock(Date.parse('2026-06-01T10:00:00Z'));
    t = await createTestApp({ clock });
    owner = await firstOwner(t.app);
    numberId = (
      await insertTestNumber(t.database.db, owner.workspaceId, { created_at: clock.now(), linked_at: clock.now() - 60 * 86_400_000 })
    ).id;
    sender = startCampaignSender(
      {
        db: t.database.db,
        clock,
        bus: t.services.bus,
        engine: t.services.campaignEngine,
        logger: pino({ level: 'silent' }),
        typingMs: [0, 0],
      },
      false,
    );
    sends = new Map();
    url = `/api/v1/workspaces/${owner.workspaceId}/campaigns`;
  });
  afterEach(async () => {
    await sender.stop();
    await t.close();
  });

  /** The number manager's worker, by hand: claim, "send" (count it), settle. */
  async function drain(outcome: (to: string) => 'sent' | 'failed' | 'crash' = () => 'sent'): Promise<number> {
    let n = 0;
    for (;;) {
      const job = await t.services.sendQueue.claimNext(numberId, 'worker', 60_000);
      if (!job) return n;
      n += 1;
      const result = outcome(job.to);
      if (result !== 'failed') sends.set(job.to, (sends.get(job.to) ?? 0) + 1);
      if (result === 'sent') await t.services.sendQueue.markSent(job.messageId, 'worker', `WA${job.messageId}`, clock.now());
      if (result === 'failed') await t.services.sendQueue.markFailed(job.messageId, 'worker', 'recipient not on WhatsApp', null);
    }
  }

  async function campaign(phones: string[], settings: Record<string, unknown> = {}): Promise<CampaignDtoT> {
    const a = as(t.app, owner.cookie);
    const c = (
      await a.post(url, {
        name: 'Test',
        text: 'Hello {{name|there}}',
        numberIds: [numberId],
        settings: { minDelaySeconds: 10, maxDelaySeconds: 10, windowStart: '00:00', windowEnd: '24:00', ...settings },
      })
    ).json() as CampaignDtoT;
    const added = await a.post(`${url}/${c.id}/audience`, { phones: phones.map((p) => `+${p}`).join('\n') });
    expect(added.statusCode, added.body).toBe(200);
    const started = await a.post(`${url}/${c.id}/start`, {});
    expect(started.statusCode, started.body).toBe(200);
    return started.json();
  }

  const get = async (id: string) => (await as(t.app, owner.cookie).get(`${url}/${id}`)).json() as CampaignDtoT;

  /** Ticks the sender every second for `seconds`, draining the queue as the worker would. */
  async function run(seconds: number, outcome?: Parameters<typeof drain>[0]): Promise<void> {
    for (let i = 0; i < seconds; i++) {
      await sender.tickNow();
      await drain(outcome);
      clock.advance(1000);
    }
    await sender.tickNow();
  }

  it('sends each recipient once, 10 s apart, follows receipts and replies, and completes', async () => {
    const phones = [1, 2, 3, 4, 5].map(ukPhone);
    const c = await campaign(phones);
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      await sender.tickNow();
      if ((await drain()) > 0) times.push(clock.now());
      clock.advance(1000);
    }
    await sender.tickNow();
    expect([...sends.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(times.slice(1).map((x, i) => x - times[i]!)).toEqual([10_000, 10_000, 10_000, 10_000]);
    // Each new customer got a conversation showing the campaign message as its last.
    const conversations = await t.database.db
      .selectFrom('conversations')
      .select(['last_message_preview', 'last_message_direction', 'last_message_at'])
      .where('number_id', '=', numberId)
      .execute();
    expect(conversations).toHaveLength(5);
    for (const cv of conversations) expect(cv).toMatchObject({ last_message_preview: 'Hello there', last_message_direction: 'out' });
    expect(conversations.map((cv) => cv.last_message_at).sort()).toEqual(times);
    const done = await get(c.id);
    expect(done).toMatchObject({ status: 'completed', counts: { sent: 5, queued: 0, sending: 0 } });

    // A reply from the first recipient after the send.
    await t.services.ingest.messages(
      { id: numberId, workspaceId: owner.workspaceId },
      [inbound({ chat: customer(phones[0]!), text: 'thanks!' })],
      {
        isHistory: false,
        upsertType: 'notify',
      },
    );
    clock.advance(31_000);
    await sender.tickNow();
    const after = await get(c.id);
    expect(after.counts).toMatchObject({ replied: 1, sent: 4 });
  });

  it('an opt-out arriving mid-campaign takes effect for the recipients not yet sent', async () => {
    const phones = [1, 2, 3, 4].map(ukPhone);
    await insertContacts(
      t.database.db,
      owner.workspaceId,
      phones.map((phone) => ({ phone })),
      { now: clock.now() },
    );
    const c = await campaign(phones);
    await run(12);
    expect(sends.size).toBe(2);
    await setOptedOut(t.database.db, owner.workspaceId, phones[3]!, true, clock.now());
    await run(40);
    expect(sends.has(phones[3]!)).toBe(false);
    expect(await get(c.id)).toMatchObject({ status: 'completed', counts: { sent: 3 }, skipped: { opted_out: 1 } });
  });

  it('pauses itself with the reason when the number is logged out, and sends nothing more', async () => {
    const c = await campaign([1, 2, 3, 4].map(ukPhone));
    await run(3);
    expect(sends.size).toBe(1);
    await t.database.db
      .updateTable('numbers')
      .set({ state: 'logged_out', state_reason: 'Logged out from the phone', state_since: clock.now() })
      .where('id', '=', numberId)
      .execute();
    t.services.bus.publish(owner.workspaceId, 'number.status', {
      numberId,
      state: 'logged_out',
      reason: 'Logged out from the phone',
      since: new Date(clock.now()).toISOString(),
    });
    await run(30);
    expect(sends.size).toBe(1);
    const paused = await get(c.id);
    expect(paused).toMatchObject({ status: 'paused', autoPaused: true, counts: { queued: 3 } });
    expect(paused.pauseReason).toMatch(/logged out/);
    const log = (
      await as(t.app, owner.cookie).get(`/api/v1/workspaces/${owner.workspaceId}/activity?action=campaign.auto_paused`)
    ).json() as { items: unknown[] };
    expect(log.items).toHaveLength(1);
  });

  it('holds the daily cap, and a send taken back by a pause does not count against it', async () => {
    const c = await campaign([1, 2, 3, 4, 5].map(ukPhone), { dailyCap: 3, warmup: false, minDelaySeconds: 1, maxDelaySeconds: 1 });
    const a = as(t.app, owner.cookie);
    // The first message is queued, then taken back by a pause before any worker sends it.
    await sender.tickNow();
    expect((await a.post(`${url}/${c.id}/pause`)).statusCode).toBe(200);
    expect(await get(c.id)).toMatchObject({ counts: { queued: 5 } });
    expect((await a.post(`${url}/${c.id}/resume`)).statusCode).toBe(200);
    await run(20);
    expect(sends.size).toBe(3);
    expect(await get(c.id)).toMatchObject({ status: 'sending', counts: { sent: 3, queued: 2 } });
    // The next local day (UTC here) the rest go.
    clock.set(Date.parse('2026-06-02T00:00:01Z'));
    await run(5);
    expect(sends.size).toBe(5);
    expect(await get(c.id)).toMatchObject({ status: 'completed', counts: { sent: 5 } });
  });

  it('pauses itself when failures pass the threshold', async () => {
    const c = await campaign(
      Array.from({ length: 8 }, (_, i) => ukPhone(i + 1)),
      { failureThreshold: 3, failureWindow: 5, minDelaySeconds: 1, maxDelaySeconds: 1 },
    );
    await run(20, () => 'failed');
    const paused = await get(c.id);
    expect(paused).toMatchObject({ status: 'paused', autoPaused: true, counts: { failed: 3 } });
    expect(paused.pauseReason).toMatch(/3 of the last 3 messages failed/);
  });

  it('a send cut off by a crash ends as needs_review, never sent again', async () => {
    const c = await campaign([1, 2].map(ukPhone), { minDelaySeconds: 1, maxDelaySeconds: 1 });
    await sender.tickNow();
    // The worker claims and hands it to WhatsApp, then the process dies before the ack.
    await drain(() => 'crash');
    clock.advance(61_000);
    await t.services.sendQueue.recoverExpiredClaims();
    await run(10);
    const done = await get(c.id);
    expect(done).toMatchObject({ status: 'completed', counts: { needs_review: 1, sent: 1 } });
    expect([...sends.values()]).toEqual([1, 1]);
  });

  it('never sends twice under any interleaving of pause, resume, cancel, worker crashes and lapsed claims (seeded)', async () => {
    let seed = 20260601;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 4; round++) {
      sends.clear();
      const phones = Array.from({ length: 12 }, (_, i) => ukPhone(round * 100 + i));
      const c = await campaign(phones, { minDelaySeconds: 1, maxDelaySeconds: 3 });
      const a = as(t.app, owner.cookie);
      for (let step = 0; step < 150; step++) {
        const r = random();
        if (r < 0.35) await sender.tickNow();
        else if (r < 0.6) await drain(() => (random() < 0.1 ? 'crash' : 'sent'));
        else if (r < 0.68) await a.post(`${url}/${c.id}/pause`);
        else if (r < 0.8) await a.post(`${url}/${c.id}/resume`);
        else if (r < 0.82 && step > 100) await a.post(`${url}/${c.id}/cancel`);
        else if (r < 0.9) await t.services.sendQueue.recoverExpiredClaims();
        clock.advance(Math.floor(random() * 70_000));
      }
      await a.post(`${url}/${c.id}/resume`);
      for (let i = 0; i < 40; i++) {
        await sender.tickNow();
        await drain();
        clock.advance(61_000);
        await t.services.sendQueue.recoverExpiredClaims();
      }
      await sender.tickNow();
      for (const n of sends.values()) expect(n).toBe(1);
      const end = await get(c.id);
      expect(['completed', 'cancelled']).toContain(end.status);
      expect(end.counts.queued + end.counts.sending).toBe(0);
      const sentOrReview = end.counts.sent + end.counts.needs_review + end.counts.delivered + end.counts.read + end.counts.replied;
      expect(sends.size).toBe(sentOrReview);
    }
  }, 120_000);
});
