import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageReportDtoT } from '../../src/contracts/privacy.js';
import { FEATURES } from '../../src/server/modules/privacy/usage.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { fakeClock } from '../support/clock.js';
import { dumpDatabase } from '../support/erasure.js';
import { firstOwner, memberOf, type Person } from '../support/factories.js';
import { as } from '../support/http.js';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';

const marker = (what: string) => `${what}${randomBytes(5).toString('hex')}`;

describe('privacy: feature use is recorded on the server, only for people who consented', () => {
  let t: TestApp;
  let clock: ReturnType<typeof fakeClock>;
  let owner: Person & { workspaceId: string };
  let base: string;
  let conversationId: string;

  beforeEach(async () => {
    clock = fakeClock(Date.now());
    t = await createTestApp({ clock });
    owner = await firstOwner(t.app, 'Olga Owner');
    base = `/api/v1/workspaces/${owner.workspaceId}`;
    const number = await insertTestNumber(t.database.db, owner.workspaceId);
    await t.services.ingest.messages(
      { id: number.id, workspaceId: owner.workspaceId },
      [inbound({ chat: customer('447700900123'), pushName: 'Carla Customer', text: 'Where is my order?' })],
      { isHistory: false, upsertType: 'notify' },
    );
    conversationId = (
      await t.database.db.selectFrom('conversations').select('id').where('workspace_id', '=', owner.workspaceId).executeTakeFirstOrThrow()
    ).id;
  });
  afterEach(() => t.close());

  const stored = (userId: string) =>
    t.database.db.selectFrom('usage_events').select(['kind', 'name', 'workspace_id']).where('user_id', '=', userId).orderBy('id').execute();

  /** Uses each counted feature once, with customer text in every request. Returns the texts sent. */
  async function useFeatures(who: Person, options: { assign: boolean }) {
    const texts = { reply: marker('reply'), note: marker('note'), search: marker('search'), contact: marker('contact') };
    const a = as(t.app, who.cookie);
    const ok = (r: { statusCode: number; body: string }, status: number) => expect(r.statusCode, r.body).toBe(status);
    ok(await a.post(`${base}/conversations/${conversationId}/messages`, { text: texts.reply }), 202);
    ok(await a.post(`${base}/conversations/${conversationId}/notes`, { text: texts.note }), 201);
    ok(await a.get(`${base}/conversations?q=${texts.search}`), 200);
    ok(await a.get(`${base}/conversations`), 200); // a plain list is not a search
    if (options.assign) ok(await a.patch(`${base}/conversations/${conversationId}`, { assigneeId: who.me.user.id }), 200);
    ok(await a.post(`${base}/contacts`, { phone: `+4477009${String(Date.now()).slice(-5)}`, name: texts.contact }), 201);
    ok(await a.get(`${base}/contacts?q=${texts.contact}`), 200);
    return texts;
  }

  it('records nothing for a person without consent, each feature for one who opts in, stops at withdrawal, and deletes on request', async () => {
    const refusing = await memberOf(t.app, owner.cookie, owner.workspaceId, 'agent', 'Rex Refuser');
    await useFeatures(refusing, { assign: true });
    expect(await stored(refusing.me.user.id)).toEqual([]);
    expect(await stored(owner.me.user.id)).toEqual([]);

    // Opting in later, in Settings: from now on the owner's feature use is counted.
    expect((await as(t.app, owner.cookie).patch('/api/v1/me', { analyticsConsent: true })).statusCode).toBe(200);
    const texts = await useFeatures(owner, { assign: true });
    const campaign = await as(t.app, owner.cookie).post(`${base}/campaigns`, { name: marker('camp'), text: 'Hello' });
    expect(campaign.statusCode, campaign.body).toBe(201);

    const rows = await stored(owner.me.user.id);
    expect(rows.map((r) => r.name).sort()).toEqual(
      [
        'campaign.created',
        'contacts.created',
        'contacts.search',
        'inbox.conversation_assigned',
        'inbox.note_added',
        'inbox.reply_sent',
        'inbox.search',
      ].sort(),
    );
    for (const r of rows) {
      expect(r).toMatchObject({ kind: 'feature', workspace_id: owner.workspaceId });
      expect(FEATURES).toContain(r.name);
    }
    // Still nothing for the person who did not consent, and no customer text in any event.
    expect(await stored(refusing.me.user.id)).toEqual([]);
    const events = (await dumpDatabase(t.database)).split('\n').filter((l) => l.startsWith('usage_events:'));
    expect(events).toHaveLength(rows.length);
    for (const text of Object.values(texts)) expect(events.join('\n')).not.toContain(text);

    // The admin usage page shows the features.
    const report = (await as(t.app, owner.cookie).get('/api/v1/instance/usage')).json<UsageReportDtoT>();
    expect(report.people).toBe(1);
    expect(report.features).toEqual(
      expect.arrayContaining([
        { name: 'inbox.reply_sent', count: 1 },
        { name: 'inbox.search', count: 1 },
      ]),
    );

    // Withdrawal stops it at once: the very next action records nothing.
    expect((await as(t.app, owner.cookie).patch('/api/v1/me', { analyticsConsent: false })).statusCode).toBe(200);
    await useFeatures(owner, { assign: false });
    expect(await stored(owner.me.user.id)).toHaveLength(rows.length);

    // "Delete collected events" deletes them.
    const deleted = await as(t.app, owner.cookie).delete('/api/v1/me/usage-events');
    expect(deleted.json()).toEqual({ deleted: rows.length });
    expect(await stored(owner.me.user.id)).toEqual([]);
  });

  it('counts a search once per minute, however often its list is refetched', async () => {
    expect((await as(t.app, owner.cookie).patch('/api/v1/me', { analyticsConsent: true })).statusCode).toBe(200);
    const a = as(t.app, owner.cookie);
    const searchBoth = async () => {
      expect((await a.get(`${base}/conversations?q=order`)).statusCode).toBe(200);
      expect((await a.get(`${base}/contacts?q=carla`)).statusCode).toBe(200);
    };
    // Live updates refetch the same search list again and again.
    for (let i = 0; i < 5; i += 1) await searchBoth();
    const names = async () => (await stored(owner.me.user.id)).map((r) => r.name).sort();
    expect(await names()).toEqual(['contacts.search', 'inbox.search']);
    // A minute later, searching again is a new use.
    clock.advance(60_000);
    await searchBoth();
    expect(await names()).toEqual(['contacts.search', 'contacts.search', 'inbox.search', 'inbox.search']);
  });

  it('never fails the action it counts', async () => {
    expect((await as(t.app, owner.cookie).patch('/api/v1/me', { analyticsConsent: true })).statusCode).toBe(200);
    // An unknown person or workspace: nothing is stored and nothing is thrown.
    expect(await t.services.usage.feature('nobody', owner.workspaceId, 'inbox.search')).toBe(false);
    expect(await t.services.usage.feature(owner.me.user.id, 'no-such-workspace', 'inbox.search')).toBe(false);
    expect(await t.services.usage.feature(owner.me.user.id, null, 'inbox.search')).toBe(true);
    expect(await stored(owner.me.user.id)).toEqual([{ kind: 'feature', name: 'inbox.search', workspace_id: null }]);
  });
});
