import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ActivityEntryDtoT } from '../../src/contracts/activity.js';
import { runMaintenance } from '../../src/server/jobs/maintenance.js';
import { DAY_MS } from '../../src/server/lib/clock.js';
import { fakeClock } from '../support/clock.js';
import { firstOwner, memberOf, ownerOfNewWorkspace, PASSWORD, signIn, uniqueEmail } from '../support/factories.js';
import { as, call, expectError } from '../support/http.js';
import { freshAppPerTest } from '../support/lifecycle.js';

interface Page {
  items: ActivityEntryDtoT[];
  nextCursor: string | null;
}

describe('activity log', () => {
  const start = Date.parse('2026-06-01T09:00:00Z');
  const clock = fakeClock(start);
  const t = freshAppPerTest(() => (clock.set(start), { clock }));
  const log = async (cookie: string, workspaceId: string, query = ''): Promise<Page> => {
    const response = await as(t().app, cookie).get(`/api/v1/workspaces/${workspaceId}/activity${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const actions = (page: Page) => page.items.map((e) => e.action);

  it('records sign-in, failed sign-in, sign-out, member and setting changes with actor and address', async () => {
    const owner = await firstOwner(t().app, 'Olivia');
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent', 'Aaron');
    await as(t().app, owner.cookie).patch(`/api/v1/workspaces/${owner.workspaceId}/members/${agent.me.user.id}`, { role: 'admin' });
    await as(t().app, owner.cookie).patch(`/api/v1/workspaces/${owner.workspaceId}`, { logRetentionDays: 60 });
    await call(t().app, 'POST', '/api/v1/auth/login', {
      payload: { email: agent.email, password: 'not the password' },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    await as(t().app, agent.cookie).post('/api/v1/auth/logout');

    const entries = (await log(owner.cookie, owner.workspaceId, '?limit=200')).items;
    const find = (action: string) => entries.find((e) => e.action === action);
    expect(find('auth.signup')).toMatchObject({ actor: { id: owner.me.user.id, name: 'Olivia' }, ip: '127.0.0.1' });
    expect(find('member.added')).toMatchObject({
      actor: { name: 'Olivia' },
      target: { type: 'user', id: agent.me.user.id, label: 'Aaron' },
      details: { role: 'agent' },
    });
    expect(find('auth.login')).toMatchObject({ actor: { id: agent.me.user.id, name: 'Aaron' }, ip: '127.0.0.1' });
    expect(find('member.role_changed')).toMatchObject({ actor: { id: owner.me.user.id }, details: { from: 'agent', to: 'admin' } });
    expect(find('workspace.updated')).toMatchObject({ details: { changes: { log_retention_days: { from: 30, to: 60 } } } });
    // Without a trusted proxy, a client cannot choose the address the log records.
    expect(find('auth.login_failed')).toMatchObject({ actor: { id: agent.me.user.id }, ip: '127.0.0.1', details: { email: agent.email } });
    expect(find('auth.logout')).toMatchObject({ actor: { id: agent.me.user.id }, ip: '127.0.0.1' });
    for (const entry of entries) expect(entry.at).toBe(new Date(start).toISOString());
  });

  it('filters by person, action and time', async () => {
    const owner = await firstOwner(t().app);
    clock.advance(DAY_MS);
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    clock.advance(DAY_MS);
    await signIn(t().app, agent.email);
    const day = (n: number) => new Date(start + n * DAY_MS).toISOString();

    const byAgent = await log(owner.cookie, owner.workspaceId, `?actorId=${agent.me.user.id}`);
    expect(byAgent.items.length).toBe(2);
    expect(byAgent.items.every((e) => e.actor?.id === agent.me.user.id)).toBe(true);

    expect(actions(await log(owner.cookie, owner.workspaceId, '?action=member.added'))).toEqual(['member.added']);
    expect(actions(await log(owner.cookie, owner.workspaceId, `?from=${day(1)}&to=${day(1)}`)).sort()).toEqual([
      'auth.login',
      'member.added',
    ]);
    expect(actions(await log(owner.cookie, owner.workspaceId, `?to=${day(0)}`)).sort()).toEqual(['auth.signup', 'workspace.created']);
    expect((await log(owner.cookie, owner.workspaceId, `?from=${day(2)}&action=auth.login`)).items).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: agent.me.user.id }) }),
    ]);
  });

  it('pages newest first with a cursor, in disjoint pages that add up to the whole log', async () => {
    const owner = await firstOwner(t().app);
    for (let i = 0; i < 6; i++) {
      clock.advance(1000);
      await as(t().app, owner.cookie).patch(`/api/v1/workspaces/${owner.workspaceId}`, { name: `Name ${i}` });
    }
    const all = (await log(owner.cookie, owner.workspaceId, '?limit=200')).items.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await log(owner.cookie, owner.workspaceId, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all);
    expect([...all].sort().reverse()).toEqual(all);
  });

  it('exports CSV with a header, guards against formulas, and logs the export', async () => {
    const owner = await firstOwner(t().app);
    const hostile = ['=HYPERLINK("https://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)'];
    for (const name of hostile) await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent', name);

    const response = await as(t().app, owner.cookie).get(`/api/v1/workspaces/${owner.workspaceId}/activity?format=csv&action=member.added`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="activity-.*\.csv"$/);
    const rows = parse(response.body) as string[][];
    expect(rows[0]).toEqual(['time', 'actor_id', 'actor', 'action', 'target_type', 'target_id', 'target', 'ip', 'details']);
    expect(rows).toHaveLength(1 + hostile.length);
    const targets = rows.slice(1).map((r) => r[6]);
    expect(targets.sort()).toEqual(hostile.map((name) => `'${name}`).sort());
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);

    const exported = await log(owner.cookie, owner.workspaceId, '?action=activity.exported');
    expect(exported.items).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: owner.me.user.id }), details: { rows: hostile.length } }),
    ]);
  });

  it('purges entries older than each workspace retention and keeps newer ones', async () => {
    const owner = await firstOwner(t().app);
    const other = await ownerOfNewWorkspace(t().app, owner);
    await as(t().app, other.cookie).patch(`/api/v1/workspaces/${other.workspaceId}`, { logRetentionDays: 60 });
    await call(t().app, 'POST', '/api/v1/auth/login', { payload: { email: uniqueEmail('stranger'), password: PASSWORD } });
    const oldInA = (await log(owner.cookie, owner.workspaceId, '?limit=200')).items.length;
    const oldInB = (await log(other.cookie, other.workspaceId, '?limit=200')).items.length;
    expect(oldInA).toBeGreaterThan(0);

    clock.advance(40 * DAY_MS);
    const fresh = await signIn(t().app, owner.email);
    const otherFresh = await signIn(t().app, other.email);
    const deleted = await t().services.activity.purgeExpired();

    const a = (await log(fresh, owner.workspaceId, '?limit=200')).items;
    expect(a.map((e) => e.action)).toEqual(['auth.login']);
    expect((await log(otherFresh, other.workspaceId, '?limit=200')).items.length).toBe(oldInB + 1);
    const installWide = await t().database.db.selectFrom('activity_log').select('id').where('workspace_id', 'is', null).execute();
    expect(installWide).toEqual([]);
    expect(deleted).toBe(oldInA + 1);

    clock.advance(21 * DAY_MS);
    await t().services.activity.purgeExpired();
    expect(actions(await log(otherFresh, other.workspaceId, '?limit=200'))).toEqual(['auth.login']);
  });

  it('maintenance also deletes expired sessions and keeps live ones', async () => {
    const owner = await firstOwner(t().app);
    const ttlDays = t().config.sessionTtlDays;
    clock.advance((ttlDays + 1) * DAY_MS);
    const live = await signIn(t().app, owner.email);
    const result = await runMaintenance({ db: t().database.db, clock, activity: t().services.activity });
    expect(result.sessionsDeleted).toBe(1);
    expect(result.activityDeleted).toBeGreaterThan(0);
    const sessions = await t().database.db.selectFrom('sessions').select('user_id').execute();
    expect(sessions).toEqual([{ user_id: owner.me.user.id }]);
    expect((await as(t().app, live).get('/api/v1/me')).statusCode).toBe(200);
    expectError(await as(t().app, owner.cookie).get('/api/v1/me'), 401, 'unauthenticated');
  });
});

describe('activity log behind a reverse proxy', () => {
  const t = freshAppPerTest({ env: { WASPHERE_TRUST_PROXY: 'true' } });

  it('records the client address from X-Forwarded-For when the proxy is trusted', async () => {
    const owner = await firstOwner(t().app);
    await call(t().app, 'POST', '/api/v1/auth/login', {
      payload: { email: owner.email, password: PASSWORD },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    const page = (await as(t().app, owner.cookie).get(`/api/v1/workspaces/${owner.workspaceId}/activity?action=auth.login`)).json() as Page;
    expect(page.items.map((e) => e.ip)).toEqual(['203.0.113.9']);
  });
});
