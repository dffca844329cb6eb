import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/server/lib/clock.js';
import { fakeClock } from '../support/clock.js';
import { firstOwner, inviteTo, memberOf, ownerOfNewWorkspace, PASSWORD, signUp, uniqueEmail } from '../support/factories.js';
import { as, call, expectError } from '../support/http.js';
import { freshAppPerTest } from '../support/lifecycle.js';

describe('invites', () => {
  const start = Date.parse('2026-06-01T09:00:00Z');
  const clock = fakeClock(start);
  const t = freshAppPerTest(() => (clock.set(start), { clock }));
  const signupWith = (inviteToken: string, email = uniqueEmail('invitee')) =>
    call(t().app, 'POST', '/api/v1/auth/signup', {
      payload: { name: 'Invitee', email, password: PASSWORD, analyticsConsent: false, inviteToken },
    });

  it('an admin creates a link; anyone can preview it; signing up with it joins the workspace in the invited role', async () => {
    const owner = await firstOwner(t().app);
    const admin = await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const created = await as(t().app, admin.cookie).post(`/api/v1/workspaces/${owner.workspaceId}/invites`, { role: 'agent' });
    expect(created.statusCode).toBe(201);
    const invite = created.json() as { id: string; url: string; status: string; role: string };
    expect(invite).toMatchObject({ role: 'agent', status: 'pending', email: null });
    expect(invite.url).toMatch(new RegExp(`^${t().config.publicUrl.origin}/invite/[A-Za-z0-9_-]{40,}$`));
    const token = invite.url.split('/').pop()!;

    const preview = await call(t().app, 'GET', `/api/v1/auth/invites/${token}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({
      workspaceName: 'My store',
      role: 'agent',
      email: null,
      expiresAt: new Date(clock.now() + 7 * DAY_MS).toISOString(),
    });

    const joined = await signUp(t().app, { inviteToken: token });
    expect(joined.me.workspaces).toEqual([{ id: owner.workspaceId, name: 'My store', role: 'agent' }]);

    const listed = (await as(t().app, owner.cookie).get(`/api/v1/workspaces/${owner.workspaceId}/invites`)).json() as {
      items: Array<{ id: string; status: string; url?: string }>;
    };
    expect(listed.items.find((i) => i.id === invite.id)).toMatchObject({ status: 'accepted' });
    expect(listed.items.every((i) => i.url === undefined)).toBe(true);
  });

  it('a used link cannot be used again', async () => {
    const owner = await firstOwner(t().app);
    const { token } = await inviteTo(t().app, owner.cookie, owner.workspaceId, { role: 'agent' });
    expect((await signupWith(token)).statusCode).toBe(201);
    expectError(await signupWith(token), 400, 'invite_invalid');
    expectError(await call(t().app, 'GET', `/api/v1/auth/invites/${token}`), 400, 'invite_invalid');
  });

  it('an expired link is refused and no account is left behind', async () => {
    const owner = await firstOwner(t().app);
    const { token } = await inviteTo(t().app, owner.cookie, owner.workspaceId, { role: 'agent', expiresInDays: 1 });
    clock.advance(DAY_MS + 1);
    expectError(await call(t().app, 'GET', `/api/v1/auth/invites/${token}`), 400, 'invite_invalid');
    const email = uniqueEmail('late');
    expectError(await signupWith(token, email), 400, 'invite_invalid');
    expect(await t().database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
  });

  it('a revoked link is refused', async () => {
    const owner = await firstOwner(t().app);
    const invite = await inviteTo(t().app, owner.cookie, owner.workspaceId, { role: 'admin' });
    expect((await as(t().app, owner.cookie).delete(`/api/v1/workspaces/${owner.workspaceId}/invites/${invite.id}`)).statusCode).toBe(204);
    expectError(await call(t().app, 'GET', `/api/v1/auth/invites/${invite.token}`), 400, 'invite_invalid');
    expectError(await signupWith(invite.token), 400, 'invite_invalid');
  });

  it('an unknown token is refused the same way as a used one', async () => {
    expectError(await call(t().app, 'GET', `/api/v1/auth/invites/${'x'.repeat(43)}`), 400, 'invite_invalid');
  });

  it('a link bound to an email refuses any other email and accepts that one', async () => {
    const owner = await firstOwner(t().app);
    const email = uniqueEmail('bound');
    const { token } = await inviteTo(t().app, owner.cookie, owner.workspaceId, { role: 'admin', email: email.toUpperCase() });
    expect((await call(t().app, 'GET', `/api/v1/auth/invites/${token}`)).json()).toMatchObject({ email });
    expectError(await signupWith(token, uniqueEmail('intruder')), 400, 'invite_invalid');
    const ok = await signupWith(token, email);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ workspaces: [{ id: owner.workspaceId, role: 'admin' }] });
  });

  it('a signed-in person accepts a link and keeps their other workspaces', async () => {
    const owner = await firstOwner(t().app);
    const other = await ownerOfNewWorkspace(t().app, owner);
    const { token } = await inviteTo(t().app, owner.cookie, owner.workspaceId, { role: 'admin' });
    const accepted = await as(t().app, other.cookie).post(`/api/v1/auth/invites/${token}/accept`);
    expect(accepted.statusCode).toBe(200);
    const roles = Object.fromEntries(
      (accepted.json() as { workspaces: Array<{ id: string; role: string }> }).workspaces.map((w) => [w.id, w.role]),
    );
    expect(roles).toEqual({ [owner.workspaceId]: 'admin', [other.workspaceId]: 'owner' });
    expectError(await as(t().app, other.cookie).post(`/api/v1/auth/invites/${token}/accept`), 400, 'invite_invalid');
  });

  it('accepting a link needs a session', async () => {
    const owner = await firstOwner(t().app);
    const { token } = await inviteTo(t().app, owner.cookie, owner.workspaceId, { role: 'agent' });
    expectError(await call(t().app, 'POST', `/api/v1/auth/invites/${token}/accept`), 401, 'unauthenticated');
  });

  it('agents cannot create or list invites; admins cannot invite owners; owners can', async () => {
    const owner = await firstOwner(t().app);
    const admin = await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    const path = `/api/v1/workspaces/${owner.workspaceId}/invites`;
    expectError(await as(t().app, agent.cookie).post(path, { role: 'agent' }), 403, 'forbidden');
    expectError(await as(t().app, agent.cookie).get(path), 403, 'forbidden');
    expectError(await as(t().app, admin.cookie).post(path, { role: 'owner' }), 403, 'forbidden');
    expect((await as(t().app, admin.cookie).post(path, { role: 'admin' })).statusCode).toBe(201);
    expect((await as(t().app, owner.cookie).post(path, { role: 'owner' })).statusCode).toBe(201);
  });
});
