import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityEntryDtoT } from '../../src/contracts/activity.js';
import type { UsageReportDtoT } from '../../src/contracts/privacy.js';
import { hashToken } from '../../src/server/lib/secrets.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { dumpDatabase, expectErased, expectPresent, readStoredZip } from '../support/erasure.js';
import { firstOwner, inviteTo, memberOf, PASSWORD, signIn, signUp, type Person } from '../support/factories.js';
import { as, expectError, setCookies } from '../support/http.js';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';

const marker = (what: string) => `${what}${randomBytes(5).toString('hex')}`;

describe('privacy: access, analytics consent, account deletion', () => {
  let t: TestApp;
  let owner: Person & { workspaceId: string };

  beforeEach(async () => {
    t = await createTestApp();
    owner = await firstOwner(t.app, 'Olga Owner');
  });
  afterEach(() => t.close());

  async function invitedMember(name: string, email: string, analyticsConsent = false): Promise<Person> {
    const invite = await inviteTo(t.app, owner.cookie, owner.workspaceId, { role: 'agent', email });
    return signUp(t.app, { name, email, inviteToken: invite.token, analyticsConsent });
  }

  it('exports exactly the caller’s own data as a ZIP of JSON and CSV, without secrets, and logs it', async () => {
    const me = await invitedMember('Mia Exporter', 'mia.exporter@example.test', true);
    // A second person's data beside it: a teammate the exporter's owner adds, with their own sign-ins.
    const other = await memberOf(t.app, owner.cookie, owner.workspaceId, 'agent', 'Otto Otherperson');
    await as(t.app, other.cookie).patch('/api/v1/me', { analyticsConsent: true });
    await as(t.app, other.cookie).post('/api/v1/me/usage-events', { events: [{ kind: 'page_view', name: 'contacts' }] });
    await as(t.app, me.cookie).post('/api/v1/me/usage-events', {
      events: [{ kind: 'page_view', name: 'inbox', workspaceId: owner.workspaceId }],
    });
    const secondSession = await signIn(t.app, me.email);

    const response = await as(t.app, me.cookie).get('/api/v1/me/export', { headers: { 'user-agent': 'ExportTester/1.0' } });
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="wasphere-my-data-\d{4}-\d\d-\d\d\.zip"/);
    const zip = readStoredZip(response.rawPayload);
    expect([...zip.keys()].sort()).toEqual(
      [
        'README.txt',
        'account.json',
        'activity.csv',
        'consent-history.csv',
        'memberships.csv',
        'profile.csv',
        'sessions.csv',
        'usage-events.csv',
      ].sort(),
    );
    const data = JSON.parse(zip.get('account.json')!.toString('utf8'));
    expect(data.profile).toMatchObject({
      id: me.me.user.id,
      name: 'Mia Exporter',
      email: 'mia.exporter@example.test',
      analyticsConsent: true,
    });
    expect(data.memberships).toEqual([expect.objectContaining({ workspaceId: owner.workspaceId, role: 'agent' })]);
    expect(data.consentHistory).toEqual([expect.objectContaining({ kind: 'analytics', granted: true, source: 'signup' })]);
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(data.usageEvents).toEqual([expect.objectContaining({ kind: 'page_view', name: 'inbox', workspaceId: owner.workspaceId })]);
    const actions = data.activity.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['invite.accepted', 'auth.signup', 'auth.login']));
    expect(zip.get('sessions.csv')!.toString()).toMatch(/^device,ip,created_at,last_seen_at,expires_at,current\n/);
    expect(zip.get('activity.csv')!.toString().split('\n').length).toBeGreaterThan(3);

    const everything = [...zip.values()].map((b) => b.toString('utf8')).join('\n');
    // Nothing of the other person, no secrets.
    for (const foreign of ['Otto Otherperson', other.email, other.me.user.id, 'contacts', 'Olga Owner', owner.email])
      expect(everything).not.toContain(foreign);
    const user = await t.database.db.selectFrom('users').select('password_hash').where('id', '=', me.me.user.id).executeTakeFirstOrThrow();
    expect(user.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(everything).not.toContain('$argon2id$');
    expect(everything).not.toContain(user.password_hash);
    for (const cookie of [me.cookie, secondSession]) {
      const token = cookie.split('=')[1]!;
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(hashToken(token));
    }
    const invites = await t.database.db.selectFrom('invites').select('token_hash').execute();
    for (const i of invites) expect(everything).not.toContain(i.token_hash);

    const log = (await as(t.app, owner.cookie).get(`/api/v1/workspaces/${owner.workspaceId}/activity?action=user.data_exported`)).json<{
      items: ActivityEntryDtoT[];
    }>();
    expect(log.items).toEqual([expect.objectContaining({ actor: { id: me.me.user.id, name: 'Mia Exporter' } })]);
  });

  it('stores usage events only with consent, stops at once on withdrawal, deletes them on request, and reports consenting people only', async () => {
    const consenting = await invitedMember('Cora Consent', 'cora@example.test', true);
    const refusing = await invitedMember('Rex Refuser', 'rex@example.test', false);
    const page = (name: string) => ({ events: [{ kind: 'page_view', name, workspaceId: owner.workspaceId }] });
    const stored = (userId: string) => t.database.db.selectFrom('usage_events').selectAll().where('user_id', '=', userId).execute();

    expect((await as(t.app, refusing.cookie).post('/api/v1/me/usage-events', page('inbox'))).statusCode).toBe(204);
    expect(await stored(refusing.me.user.id)).toEqual([]);

    expect((await as(t.app, consenting.cookie).post('/api/v1/me/usage-events', page('inbox'))).statusCode).toBe(204);
    await as(t.app, consenting.cookie).post('/api/v1/me/usage-events', {
      events: [
        { kind: 'page_view', name: 'settings/profile', workspaceId: 'not-my-workspace' },
        { kind: 'feature', name: 'download_my_data' },
      ],
    });
    const rows = await stored(consenting.me.user.id);
    expect(rows.map((r) => [r.kind, r.name, r.workspace_id]).sort()).toEqual([
      ['feature', 'download_my_data', null],
      ['page_view', 'inbox', owner.workspaceId],
      ['page_view', 'settings/profile', null],
    ]);
    // Names are page and feature names, never free text.
    expectError(await as(t.app, consenting.cookie).post('/api/v1/me/usage-events', page('Search: Alice Smith')), 400, 'validation_failed');

    const report = (await as(t.app, owner.cookie).get('/api/v1/instance/usage')).json<UsageReportDtoT>();
    expect(report).toMatchObject({ days: 30, people: 1, features: [{ name: 'download_my_data', count: 1 }] });
    expect(report.pageViews).toEqual(expect.arrayContaining([{ name: 'inbox', count: 1 }]));
    expectError(await as(t.app, consenting.cookie).get('/api/v1/instance/usage'), 403, 'forbidden');

    // Withdrawal: the cookie is deleted and nothing more is stored.
    const withdraw = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: `${consenting.cookie}; wasphere_analytics=abc` },
      payload: { analyticsConsent: false },
    });
    expect(setCookies(withdraw).get('wasphere_analytics')?.attributes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^expires=thu, 01 jan 1970/)]),
    );
    await as(t.app, consenting.cookie).post('/api/v1/me/usage-events', page('activity'));
    expect(await stored(consenting.me.user.id)).toHaveLength(3);
    // Figures show consenting people only: now nobody.
    expect((await as(t.app, owner.cookie).get('/api/v1/instance/usage')).json<UsageReportDtoT>()).toMatchObject({
      people: 0,
      pageViews: [],
      features: [],
    });

    const deleted = await as(t.app, consenting.cookie).delete('/api/v1/me/usage-events');
    expect(deleted.json()).toEqual({ deleted: 3 });
    expect(await stored(consenting.me.user.id)).toEqual([]);
    const consents = await t.database.db
      .selectFrom('consent_events')
      .select(['granted', 'source'])
      .where('user_id', '=', consenting.me.user.id)
      .orderBy('id')
      .execute();
    expect(consents).toEqual([
      { granted: 1, source: 'signup' },
      { granted: 0, source: 'settings' },
    ]);
  });

  it('sets the analytics cookie at sign-up and sign-in only for a consenting person, HttpOnly and SameSite=Lax, and removes it at sign-out', async () => {
    const invite = await inviteTo(t.app, owner.cookie, owner.workspaceId, { role: 'agent' });
    const signup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { name: 'Yes Person', email: 'yes@example.test', password: PASSWORD, analyticsConsent: true, inviteToken: invite.token },
    });
    const cookies = setCookies(signup);
    expect([...cookies.keys()].sort()).toEqual(['wasphere_analytics', 'wasphere_session']);
    for (const c of cookies.values()) expect(c.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'yes@example.test', password: PASSWORD },
    });
    expect([...setCookies(login).keys()].sort()).toEqual(['wasphere_analytics', 'wasphere_session']);
    const ownerLogin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: owner.email, password: PASSWORD },
    });
    expect([...setCookies(ownerLogin).keys()]).toEqual(['wasphere_session']);

    const session = setCookies(login).get('wasphere_session')!.value;
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: `wasphere_session=${session}; wasphere_analytics=x` },
    });
    expect(setCookies(logout).get('wasphere_analytics')?.attributes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^expires=thu, 01 jan 1970/)]),
    );
  });

  it('refuses to delete the last owner of a workspace (naming it) and a wrong password', async () => {
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { cookie: owner.cookie },
      payload: { name: 'Second shop' },
    });
    expect(other.statusCode).toBe(201);
    const refused = expectError(await as(t.app, owner.cookie).delete('/api/v1/me', { password: PASSWORD }), 409, 'last_owner');
    expect(refused.error.details).toEqual({
      workspaces: expect.arrayContaining([
        { id: owner.workspaceId, name: 'My store' },
        { id: other.json().id, name: 'Second shop' },
      ]),
    });
    expectError(await as(t.app, owner.cookie).delete('/api/v1/me', { password: 'not my password at all' }), 400, 'wrong_password');
    expect((await as(t.app, owner.cookie).get('/api/v1/me')).statusCode).toBe(200);
  });

  it('deletes an account: the person is in no table and no file afterwards, their log entries read "deleted user"', async () => {
    const m = marker('acct');
    const name = `Nina ${m}name`;
    const email = `${m}mail@example.test`;
    const person = await invitedMember(name, email, true);
    const userId = person.me.user.id;
    // Traces through the real API: a failed sign-in, a consent change, usage, a note in a conversation, an admin action on them.
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'wrong password here' } });
    await as(t.app, person.cookie).patch('/api/v1/me', { analyticsConsent: false });
    await as(t.app, person.cookie).patch('/api/v1/me', { analyticsConsent: true });
    await as(t.app, person.cookie).post('/api/v1/me/usage-events', {
      events: [{ kind: 'page_view', name: 'inbox', workspaceId: owner.workspaceId }],
    });
    const number = await insertTestNumber(t.database.db, owner.workspaceId, { phone: '447700900777' });
    await t.services.ingest.messages(
      { id: number.id, workspaceId: owner.workspaceId },
      [inbound({ chat: customer('447700900123'), text: 'hello shop' })],
      {
        isHistory: false,
        upsertType: 'notify',
      },
    );
    const conversation = await t.database.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow();
    const base = `/api/v1/workspaces/${owner.workspaceId}`;
    expect(
      (await as(t.app, person.cookie).post(`${base}/conversations/${conversation.id}/notes`, { text: 'Customer wants a refund' }))
        .statusCode,
    ).toBe(201);
    expect((await as(t.app, owner.cookie).patch(`${base}/members/${userId}`, { role: 'admin' })).statusCode).toBe(204);
    await signIn(t.app, email);
    await expectPresent(t.database, [m]);

    const ownerEntriesBefore = (
      await t.database.db.selectFrom('activity_log').select('id').where('actor_user_id', '=', owner.me.user.id).execute()
    ).length;
    expect((await as(t.app, person.cookie).delete('/api/v1/me', { password: PASSWORD })).statusCode).toBe(204);

    await expectErased(t.database, [m, userId]);
    expect((await as(t.app, person.cookie).get('/api/v1/me')).statusCode).toBe(401);
    expectError(
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD } }),
      401,
      'invalid_credentials',
    );

    const log = (await as(t.app, owner.cookie).get(`${base}/activity?limit=200`)).json<{ items: ActivityEntryDtoT[] }>();
    const theirs = log.items.filter((e) => e.actor?.name === 'deleted user');
    expect(theirs.map((e) => e.action)).toEqual(
      expect.arrayContaining(['invite.accepted', 'auth.signup', 'auth.login', 'user.consent_changed']),
    );
    expect(theirs.every((e) => e.actor?.id === null)).toBe(true);
    expect(log.items.find((e) => e.action === 'user.deleted')).toMatchObject({
      actor: null,
      target: { type: 'user', id: null, label: null },
    });
    // Other people's entries are untouched.
    expect(
      (await t.database.db.selectFrom('activity_log').select('id').where('actor_user_id', '=', owner.me.user.id).execute()).length,
    ).toBe(ownerEntriesBefore);
    const notes = (await as(t.app, owner.cookie).get(`${base}/conversations/${conversation.id}/notes`)).json<{
      items: Array<{ text: string }>;
    }>();
    expect(notes.items.map((n) => n.text)).toEqual(['Customer wants a refund']);
    expect(await dumpDatabase(t.database)).toContain('Olga Owner');
  });
});
