import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceSummaryT, CampaignDtoT, PreviewDtoT, RecipientDtoT } from '../../src/contracts/campaigns.js';
import type { PageOf } from '../../src/contracts/common.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { insertContacts, ukPhone } from '../support/campaigns.js';
import { fakeClock } from '../support/clock.js';
import { multipartFile } from '../support/contacts.js';
import { firstOwner, memberOf, ownerOfNewWorkspace, type Person } from '../support/factories.js';
import { as, call, expectError, errorFields } from '../support/http.js';
import { insertTestNumber } from '../support/numbers.js';
import { TINY_PNG } from '../support/files.js';

describe('campaigns API', () => {
  const clock = fakeClock(Date.parse('2026-06-01T10:00:00Z'));
  let t: TestApp;
  let owner: Person & { workspaceId: string };
  let agent: Person;
  let other: Person & { workspaceId: string };
  let numberId: string;
  let labelId: string;
  let url: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    owner = await firstOwner(t.app);
    agent = await memberOf(t.app, owner.cookie, owner.workspaceId, 'agent');
    other = await ownerOfNewWorkspace(t.app, owner);
    numberId = (
      await insertTestNumber(t.database.db, owner.workspaceId, { created_at: clock.now(), linked_at: clock.now() - 30 * 86_400_000 })
    ).id;
    const { labelId: id } = await insertContacts(
      t.database.db,
      owner.workspaceId,
      [
        { phone: ukPhone(1), name: 'Ada Lovelace', fields: { city: 'London' } },
        { phone: ukPhone(2), name: 'Grace Hopper' },
        { phone: ukPhone(3), name: null },
        { phone: ukPhone(4), name: 'Opted Out', optedOut: true },
      ],
      { label: 'VIP', now: clock.now() },
    );
    labelId = id!;
    url = `/api/v1/workspaces/${owner.workspaceId}/campaigns`;
  });
  afterAll(() => t.close());

  async function draft(body: Record<string, unknown> = {}): Promise<CampaignDtoT> {
    const res = await as(t.app, owner.cookie).post(url, { name: 'June offer', text: 'Hi {{name|there}}!', numberIds: [numberId], ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  it('creates a draft with default pacing and lists it; agents read but may not create', async () => {
    const c = await draft();
    expect(c).toMatchObject({
      status: 'draft',
      numberIds: [numberId],
      settings: { minDelaySeconds: 8, maxDelaySeconds: 20, dailyCap: 500, warmup: true },
    });
    expect(c.settings).toMatchObject({ windowStart: '09:00', windowEnd: '20:00', windowDays: [1, 2, 3, 4, 5, 6, 7] });
    const list = await as(t.app, agent.cookie).get(url);
    expect(list.statusCode).toBe(200);
    expect((list.json() as PageOf<CampaignDtoT>).items.map((i) => i.id)).toContain(c.id);
    expectError(await as(t.app, agent.cookie).post(url, { name: 'x' }), 403, 'forbidden');
    expectError(await as(t.app, agent.cookie).post(`${url}/${c.id}/pause`), 403, 'forbidden');
  });

  it('attaches an uploaded image as the campaign media; audio, unknown and foreign media are refused', async () => {
    const upload = (cookie: string, ws: string, bytes: Buffer, name: string, type: string) =>
      call(t.app, 'POST', `/api/v1/workspaces/${ws}/media`, { cookie, ...multipartFile(bytes, name, type) });
    const image = (await upload(owner.cookie, owner.workspaceId, TINY_PNG, 'offer.png', 'image/png')).json() as { id: string };
    const c = await draft({ mediaId: image.id });
    expect(c.mediaId).toBe(image.id);
    const audio = (
      await upload(owner.cookie, owner.workspaceId, Buffer.concat([Buffer.from('OggS'), Buffer.alloc(40, 1)]), 'a.ogg', 'audio/ogg')
    ).json() as {
      id: string;
    };
    const refuse = async (mediaId: string) =>
      expect(
        errorFields(await as(t.app, owner.cookie).post(url, { name: 'x', text: 'Hi', numberIds: [numberId], mediaId })),
      ).toHaveProperty('mediaId');
    await refuse(audio.id);
    const theirs = (await upload(other.cookie, other.workspaceId, TINY_PNG, 'theirs.png', 'image/png')).json() as { id: string };
    await refuse(theirs.id);
  });

  it('builds an audience from a label, pasted numbers and a CSV, and counts every skip by reason', async () => {
    const c = await draft();
    const a = as(t.app, owner.cookie);
    const fromLabel = await a.post(`${url}/${c.id}/audience`, { labelIds: [labelId] });
    expect(fromLabel.statusCode, fromLabel.body).toBe(200);
    expect(fromLabel.json()).toMatchObject({ added: 4, willSend: 3, skipped: { opted_out: 1 } });
    const pasted = await a.post(`${url}/${c.id}/audience`, { phones: `+${ukPhone(1)}\nnot a number\n+${ukPhone(10)}; +44 7700 900011` });
    expect(pasted.json()).toMatchObject({ added: 4, willSend: 5, skipped: { opted_out: 1, duplicate: 1, invalid_number: 1 } });
    const csv = `Phone,Name,Order no\n+${ukPhone(20)},Linus,1042\n+${ukPhone(20)},Linus again,1043\n+${ukPhone(4)},Opted,1\n`;
    const upload = await t.app.inject({
      method: 'POST',
      url: `${url}/${c.id}/audience/csv`,
      headers: { cookie: owner.cookie, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(upload.statusCode, upload.body).toBe(200);
    const summary = upload.json() as AudienceSummaryT;
    expect(summary).toMatchObject({ added: 3, total: 11, willSend: 6, csvColumns: ['Name', 'Order no'] });
    expect(summary.skipped).toEqual({ opted_out: 2, duplicate: 2, invalid_number: 1 });

    const skipped = await a.get(`${url}/${c.id}/recipients?status=skipped`);
    const reasons = (skipped.json() as PageOf<RecipientDtoT>).items.map((r) => r.reason).sort();
    expect(reasons).toEqual(['duplicate', 'duplicate', 'invalid_number', 'opted_out', 'opted_out']);

    const replaced = await a.post(`${url}/${c.id}/audience`, { phones: `+${ukPhone(30)}`, replace: true });
    expect(replaced.json()).toMatchObject({ added: 1, total: 1, willSend: 1 });
  });

  it('lists a contact in two chosen labels once, across pages of the label walk', async () => {
    const db = t.database.db;
    const now = clock.now();
    const people = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ phone: ukPhone(50_000 + from + i) }));
    // 1,200 in "Spring", 100 only in "Autumn", and the first 600 of "Spring" in both: more than one page of 1,000.
    const spring = await insertContacts(db, owner.workspaceId, people(0, 1200), { label: 'Spring', now });
    const autumn = await insertContacts(db, owner.workspaceId, people(1200, 100), { label: 'Autumn', now });
    await db
      .insertInto('contact_labels')
      .values(spring.contactIds.slice(0, 600).map((id) => ({ contact_id: id, label_id: autumn.labelId!, workspace_id: owner.workspaceId })))
      .execute();
    const c = await draft();
    const added = await as(t.app, owner.cookie).post(`${url}/${c.id}/audience`, { labelIds: [spring.labelId, autumn.labelId] });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ added: 1300, willSend: 1300, skipped: {} });
  });

  it('previews per recipient and refuses to start while a variable has no value, unless told to skip', async () => {
    const c = await draft({ text: 'Hi {{name}}, your order {{order_no|is ready}} from {{city|our shop}}', variants: ['Hello {{name}}!'] });
    const a = as(t.app, owner.cookie);
    await a.post(`${url}/${c.id}/audience`, { labelIds: [labelId] });
    const preview = await a.get(`${url}/${c.id}/preview?sample=3`);
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json() as PreviewDtoT;
    // Label audiences come in contact order; the text rotates by position (main text, then the variant).
    expect(p.samples).toHaveLength(3);
    const expected: Record<string, string[]> = {
      [`+${ukPhone(1)}`]: ['Hi Ada Lovelace, your order is ready from London', 'Hello Ada Lovelace!'],
      [`+${ukPhone(2)}`]: ['Hi Grace Hopper, your order is ready from our shop', 'Hello Grace Hopper!'],
      [`+${ukPhone(3)}`]: ['Hi , your order is ready from our shop', 'Hello !'],
    };
    for (const sample of p.samples) expect(sample.text).toBe(expected[sample.phone!]![sample.variant]);
    const missing = p.samples.filter((x) => x.missing.length > 0);
    expect(missing.map((m) => [m.phone, m.missing])).toEqual([[`+${ukPhone(3)}`, ['name']]]);
    expect(p.unresolved.count).toBe(missing.length);
    expect(p.unresolved.recipients.map((r) => r.recipientId).sort()).toEqual(missing.map((m) => m.recipientId).sort());

    const refused = expectError(await a.post(`${url}/${c.id}/start`, {}), 409, 'campaign_unresolved_variables');
    expect(refused.error.details).toMatchObject({ count: missing.length });
    const started = await a.post(`${url}/${c.id}/start`, { skipUnresolved: true });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({
      status: 'sending',
      counts: { queued: 3 - missing.length },
      skipped: { missing_variable: missing.length, opted_out: 1 },
    });
    expectError(await a.patch(`${url}/${c.id}`, { name: 'renamed' }), 409, 'campaign_not_editable');
    expectError(await a.post(`${url}/${c.id}/audience`, { phones: `+${ukPhone(40)}` }), 409, 'campaign_not_editable');
  });

  it('pauses, resumes and cancels, each in the activity log; cancel skips whoever was left', async () => {
    const c = await draft();
    const a = as(t.app, owner.cookie);
    clock.advance(1000);
    await a.post(`${url}/${c.id}/audience`, { phones: [50, 51, 52].map((i) => `+${ukPhone(i)}`).join('\n') });
    expectError(await a.post(`${url}/${c.id}/pause`), 409, 'campaign_invalid_state');
    clock.advance(1000);
    expect((await a.post(`${url}/${c.id}/start`, {})).json()).toMatchObject({ status: 'sending' });
    clock.advance(1000);
    expect((await a.post(`${url}/${c.id}/pause`)).json()).toMatchObject({
      status: 'paused',
      pauseReason: `Paused by ${owner.me.user.name}`,
      autoPaused: false,
    });
    clock.advance(1000);
    expect((await a.post(`${url}/${c.id}/resume`)).json()).toMatchObject({ status: 'sending', pauseReason: null });
    clock.advance(1000);
    const cancelled = (await a.post(`${url}/${c.id}/cancel`)).json() as CampaignDtoT;
    expect(cancelled).toMatchObject({ status: 'cancelled', counts: { queued: 0, skipped: 3 }, skipped: { cancelled: 3 } });
    expectError(await a.post(`${url}/${c.id}/resume`), 409, 'campaign_invalid_state');
    const log = await a.get(`/api/v1/workspaces/${owner.workspaceId}/activity?limit=200`);
    const actions = (log.json() as PageOf<{ action: string; target: { id: string } | null }>).items
      .filter((e) => e.target?.id === c.id)
      .map((e) => e.action)
      .reverse();
    expect(actions).toEqual([
      'campaign.created',
      'campaign.audience_added',
      'campaign.started',
      'campaign.paused',
      'campaign.resumed',
      'campaign.cancelled',
    ]);
  });

  it('schedules for later and exports results as CSV', async () => {
    const c = await draft({ name: '=cmd' });
    const a = as(t.app, owner.cookie);
    await a.post(`${url}/${c.id}/audience`, { phones: `+${ukPhone(60)}\nbad` });
    const scheduled = await a.post(`${url}/${c.id}/start`, { scheduleAt: '2026-06-02T09:00:00Z' });
    expect(scheduled.json()).toMatchObject({ status: 'scheduled', scheduledAt: '2026-06-02T09:00:00.000Z' });
    const csv = await a.get(`${url}/${c.id}/results.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('phone,name,input,source,status,reason,number,variant,message_id,queued_at,updated_at');
    expect(lines.slice(1).map((l) => l.split(',').slice(3, 6).join(','))).toEqual(['pasted,queued,', 'pasted,skipped,invalid_number']);
  });

  it('refuses bad input with 400 and other workspaces with 404, never 500', async () => {
    const c = await draft();
    const a = as(t.app, owner.cookie);
    expect(errorFields(await a.post(url, { name: 'x', settings: { minDelaySeconds: 30, maxDelaySeconds: 10 } }))).toHaveProperty([
      'settings.minDelaySeconds',
    ]);
    expect(errorFields(await a.post(url, { name: 'x', settings: { windowStart: '20:00', windowEnd: '09:00' } }))).toHaveProperty([
      'settings.windowEnd',
    ]);
    errorFields(await a.post(url, { name: 'x', numberIds: ['nope'] }));
    errorFields(await a.post(url, { name: 'x', extra: 1 }));
    errorFields(await a.get(`${url}/${c.id}/recipients?cursor=%%%`));
    errorFields(await a.get(`${url}/${c.id}/recipients?status=bogus`));
    errorFields(await a.post(`${url}/${c.id}/audience`, { labelIds: ['unknown'] }));
    errorFields(await a.post(`${url}/${c.id}/audience`, {}));
    expectError(
      await t.app.inject({
        method: 'POST',
        url: `${url}/${c.id}/audience/csv`,
        headers: { cookie: owner.cookie, 'content-type': 'text/csv' },
        payload: 'a,b\n1,2\n',
      }),
      400,
      'validation_failed',
    );
    expectError(
      await t.app.inject({
        method: 'POST',
        url: `${url}/${c.id}/audience/csv`,
        headers: { cookie: owner.cookie, 'content-type': 'text/csv' },
        payload: 'phone\n"unclosed',
      }),
      400,
      'invalid_csv',
    );
    const empty = await draft();
    expectError(await a.post(`${url}/${empty.id}/start`, {}), 409, 'campaign_no_recipients');
    const noNumbers = await draft({ numberIds: [] });
    expectError(await a.post(`${url}/${noNumbers.id}/start`, {}), 409, 'campaign_no_numbers');

    const stranger = as(t.app, other.cookie);
    for (const [method, path] of [
      ['get', `${url}/${c.id}`],
      ['get', `${url}/${c.id}/recipients`],
      ['get', `${url}/${c.id}/results.csv`],
      ['post', `${url}/${c.id}/start`],
      ['get', url],
    ] as const) {
      expectError(await stranger[method](path, method === 'post' ? {} : undefined), 404, 'not_found', path);
    }
    expectError(await as(t.app, other.cookie).get(`/api/v1/workspaces/${other.workspaceId}/campaigns/${c.id}`), 404, 'not_found');
    expectError(await a.delete(`${url}/missing`), 404, 'not_found');
    expect((await a.delete(`${url}/${c.id}`)).statusCode).toBe(204);
  });
});
