import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudienceSummaryT, CampaignDtoT, RecipientDtoT } from '../../src/contracts/campaigns.js';
import { startCampaignSender, type CampaignSender, type CampaignSenderOptions } from '../../src/server/jobs/campaign-sender.js';
import { DAY_MS } from '../../src/server/lib/clock.js';
import { createMemoryAuthStateStore } from '../../src/server/whatsapp/auth-state-memory.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ukPhone } from '../support/campaigns.js';
import { fakeClock, type FakeClock } from '../support/clock.js';
import { firstOwner, type Person } from '../support/factories.js';
import { FakeSession } from '../support/fake-provider.js';
import { as } from '../support/http.js';
import { insertTestNumber } from '../support/numbers.js';

/**
 * "Not on WhatsApp when checked": the campaign sender asks WhatsApp (a fake
 * session at the provider boundary) about the next recipients in paced batches
 * before sending, skips those without an account, and remembers every answer
 * per phone so nobody is asked about twice within 30 days.
 */
describe('campaigns that check numbers on WhatsApp', () => {
  let clock: FakeClock;
  let t: TestApp;
  let owner: Person & { workspaceId: string };
  let numberId: string;
  let session: FakeSession;
  let sender: CampaignSender;
  let url: string;
  const sent = new Set<string>();
  const absent = new Set([ukPhone(2), ukPhone(5), ukPhone(6)]);

  /** The fake session's answers, as the number manager hands them to the sender. */
  const answers = async (phones: readonly string[]) => new Map((await session.checkOnWhatsApp(phones)).map((a) => [a.phone, a.onWhatsApp]));
  /** A sender on this test's app, not polling on its own: the tests drive its passes. */
  const startSender = (check: Pick<CampaignSenderOptions, 'checkOnWhatsApp' | 'whatsappCheck'>) =>
    startCampaignSender(
      {
        db: t.database.db,
        clock,
        bus: t.services.bus,
        engine: t.services.campaignEngine,
        logger: pino({ level: 'silent' }),
        typingMs: [0, 0],
        ...check,
      },
      false,
    );

  beforeEach(async () => {
    clock = fakeClock(Date.parse('2026-06-01T10:00:00Z'));
    t = await createTestApp({ clock });
    owner = await firstOwner(t.app);
    numberId = (await insertTestNumber(t.database.db, owner.workspaceId, { created_at: clock.now(), linked_at: clock.now() - 60 * DAY_MS }))
      .id;
    session = new FakeSession({ id: numberId, workspaceId: owner.workspaceId }, createMemoryAuthStateStore(), { notOnWhatsApp: absent });
    await session.emitState('connected');
    // What the number manager does in the process holding the number.
    sender = startSender({
      checkOnWhatsApp: async (id, phones) => (id === numberId ? answers(phones) : null),
      whatsappCheck: { batch: 4, intervalMs: 30_000 },
    });
    sent.clear();
    url = `/api/v1/workspaces/${owner.workspaceId}/campaigns`;
  });
  afterEach(async () => {
    await sender.stop();
    await t.close();
  });

  async function campaign(phones: string[], checkWhatsApp = true): Promise<{ c: CampaignDtoT; added: AudienceSummaryT }> {
    const a = as(t.app, owner.cookie);
    const created = await a.post(url, {
      name: 'Check',
      text: 'Hello {{name|there}}',
      numberIds: [numberId],
      settings: { minDelaySeconds: 5, maxDelaySeconds: 5, windowStart: '00:00', windowEnd: '24:00', checkWhatsApp },
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json() as CampaignDtoT;
    expect(c.settings.checkWhatsApp).toBe(checkWhatsApp);
    const res = await a.post(`${url}/${c.id}/audience`, { phones: phones.map((p) => `+${p}`).join('\n') });
    expect(res.statusCode, res.body).toBe(200);
    const started = await a.post(`${url}/${c.id}/start`, {});
    expect(started.statusCode, started.body).toBe(200);
    return { c: started.json(), added: res.json() };
  }

  /** Ticks the sender each second, handing queued messages to "WhatsApp" as the number's worker would. */
  async function run(seconds: number): Promise<void> {
    for (let i = 0; i < seconds; i++) {
      await sender.tickNow();
      for (;;) {
        const job = await t.services.sendQueue.claimNext(numberId, 'worker', 60_000);
        if (!job) break;
        expect(sent.has(job.to)).toBe(false);
        sent.add(job.to);
        await t.services.sendQueue.markSent(job.messageId, 'worker', `WA${job.messageId}`, clock.now());
      }
      clock.advance(1000);
    }
    await sender.tickNow();
  }

  const get = async (id: string) => (await as(t.app, owner.cookie).get(`${url}/${id}`)).json() as CampaignDtoT;
  const recipients = async (id: string) =>
    ((await as(t.app, owner.cookie).get(`${url}/${id}/recipients?limit=200`)).json() as { items: RecipientDtoT[] }).items;

  it('asks in paced batches before sending, skips numbers without WhatsApp, and counts them', async () => {
    const phones = [1, 2, 3, 4, 5, 6, 7].map(ukPhone);
    const { c, added } = await campaign(phones);
    expect(added).toMatchObject({ willSend: 7, whatsappChecked: true });

    await run(1);
    // The first batch: the next four recipients, in one question, before the first send.
    expect(session.checks).toEqual([phones.slice(0, 4)]);
    expect([...sent]).toEqual([phones[0]]);

    await run(60);
    // The next batch waited for the pacing of questions and covered the rest.
    expect(session.checks).toEqual([phones.slice(0, 4), phones.slice(4)]);
    expect([...sent].sort()).toEqual([1, 3, 4, 7].map(ukPhone));
    const done = await get(c.id);
    expect(done).toMatchObject({ status: 'completed', counts: { sent: 4, skipped: 3 }, skipped: { not_on_whatsapp: 3 } });
    const skipped = (await recipients(c.id)).filter((r) => r.status === 'skipped');
    expect(skipped.map((r) => [r.phone, r.reason])).toEqual([...absent].map((p) => [`+${p}`, 'not_on_whatsapp']));

    // Every answer is kept with its time.
    const checks = await t.database.db
      .selectFrom('whatsapp_checks')
      .selectAll()
      .where('workspace_id', '=', owner.workspaceId)
      .orderBy('phone')
      .execute();
    expect(checks.map((r) => [r.phone, r.on_whatsapp])).toEqual(phones.map((p) => [p, absent.has(p) ? 0 : 1]));
    expect(checks.every((r) => Number(r.checked_at) > 0)).toBe(true);
  });

  it('does not ask again about a number checked recently; a known "not on WhatsApp" is skipped at planning', async () => {
    const first = [1, 2, 3].map(ukPhone);
    await campaign(first);
    await run(30);
    expect(session.checks).toHaveLength(1);

    clock.advance(2 * DAY_MS);
    sent.clear();
    const again = [1, 2, 3, 8].map(ukPhone);
    const { c, added } = await campaign(again);
    // Known from the first campaign: skipped in the summary before anything is sent.
    expect(added).toMatchObject({ willSend: 3, skipped: { not_on_whatsapp: 1 }, whatsappChecked: true });
    await run(30);
    // Only the number never asked about is asked about.
    expect(session.checks).toEqual([first, [ukPhone(8)]]);
    expect([...sent].sort()).toEqual([1, 3, 8].map(ukPhone));
    expect(await get(c.id)).toMatchObject({ status: 'completed', counts: { sent: 3 }, skipped: { not_on_whatsapp: 1 } });

    // After 30 days an answer is stale: asked again.
    await t.database.db
      .updateTable('whatsapp_checks')
      .set({ checked_at: clock.now() - 31 * DAY_MS })
      .where('phone', '=', ukPhone(1))
      .execute();
    sent.clear();
    await campaign([ukPhone(1)]);
    await run(40);
    expect(session.checks.at(-1)).toEqual([ukPhone(1)]);
    expect([...sent]).toEqual([ukPhone(1)]);
  });

  it('sends nothing unchecked while the number cannot be asked, and asks nobody when the setting is off', async () => {
    const ask = { fail: true };
    await sender.stop();
    sender = startSender({ checkOnWhatsApp: async (_id, phones) => (ask.fail ? null : answers(phones)) });
    const { c } = await campaign([1, 2].map(ukPhone));
    await run(20);
    expect(sent.size).toBe(0);
    expect((await get(c.id)).counts.queued).toBe(2);
    ask.fail = false;
    await run(40);
    expect([...sent]).toEqual([ukPhone(1)]);
    expect(await get(c.id)).toMatchObject({ status: 'completed', skipped: { not_on_whatsapp: 1 } });

    const checksBefore = session.checks.length;
    sent.clear();
    await campaign([5, 6].map(ukPhone), false);
    await run(20);
    expect(session.checks).toHaveLength(checksBefore);
    expect(sent.size).toBe(2);
  });
});
