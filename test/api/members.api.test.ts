import { describe, expect, it } from 'vitest';
import { firstOwner, memberOf, PASSWORD, signIn, uniqueEmail } from '../support/factories.js';
import { as, expectError } from '../support/http.js';
import { freshAppPerTest } from '../support/lifecycle.js';

interface MemberItem {
  userId: string;
  name: string;
  email: string;
  role: string;
}

describe('members and roles', () => {
  const t = freshAppPerTest();
  const members = (workspaceId: string) => `/api/v1/workspaces/${workspaceId}/members`;
  const roleOf = async (cookie: string, workspaceId: string, userId: string) =>
    ((await as(t().app, cookie).get(members(workspaceId))).json() as { items: MemberItem[] }).items.find((m) => m.userId === userId)?.role;

  it('lists members with their roles', async () => {
    const owner = await firstOwner(t().app, 'Olivia');
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent', 'Aaron');
    const response = await as(t().app, agent.cookie).get(members(owner.workspaceId));
    expect(response.statusCode).toBe(200);
    const page = response.json() as { items: MemberItem[]; nextCursor: string | null };
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((m) => [m.name, m.role]).sort()).toEqual([
      ['Aaron', 'agent'],
      ['Olivia', 'owner'],
    ]);
  });

  it('pages members with limit and cursor', async () => {
    const owner = await firstOwner(t().app);
    await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const first = (await as(t().app, owner.cookie).get(`${members(owner.workspaceId)}?limit=2`)).json() as {
      items: MemberItem[];
      nextCursor: string;
    };
    expect(first.items).toHaveLength(2);
    const second = (await as(t().app, owner.cookie).get(`${members(owner.workspaceId)}?limit=2&cursor=${first.nextCursor}`)).json() as {
      items: MemberItem[];
      nextCursor: string | null;
    };
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((m) => m.userId)).size).toBe(3);
  });

  it('an admin creates a login for a teammate, who can then sign in', async () => {
    const owner = await firstOwner(t().app);
    const admin = await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const email = uniqueEmail('new');
    const created = await as(t().app, admin.cookie).post(members(owner.workspaceId), {
      name: 'New Agent',
      email: email.toUpperCase(),
      password: PASSWORD,
      role: 'agent',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'New Agent', email, role: 'agent' });
    expect(await signIn(t().app, email)).toMatch(/^wasphere_session=/);
    expectError(
      await as(t().app, admin.cookie).post(members(owner.workspaceId), { name: 'Again', email, password: PASSWORD, role: 'agent' }),
      409,
      'email_taken',
    );
  });

  it('changes a role', async () => {
    const owner = await firstOwner(t().app);
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    const response = await as(t().app, owner.cookie).patch(`${members(owner.workspaceId)}/${agent.me.user.id}`, { role: 'admin' });
    expect(response.statusCode).toBe(204);
    expect(await roleOf(owner.cookie, owner.workspaceId, agent.me.user.id)).toBe('admin');
  });

  it('the last owner can be neither removed nor demoted; with a second owner it can', async () => {
    const owner = await firstOwner(t().app);
    const self = `${members(owner.workspaceId)}/${owner.me.user.id}`;
    expectError(await as(t().app, owner.cookie).delete(self), 409, 'last_owner');
    expectError(await as(t().app, owner.cookie).patch(self, { role: 'admin' }), 409, 'last_owner');
    expect(await roleOf(owner.cookie, owner.workspaceId, owner.me.user.id)).toBe('owner');

    const second = await memberOf(t().app, owner.cookie, owner.workspaceId, 'owner');
    expect((await as(t().app, owner.cookie).patch(self, { role: 'admin' })).statusCode).toBe(204);
    expect(await roleOf(second.cookie, owner.workspaceId, owner.me.user.id)).toBe('admin');
  });

  it('an admin can neither remove, demote, nor reset the password of an owner, nor promote anyone to owner', async () => {
    const owner = await firstOwner(t().app);
    const admin = await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    const client = as(t().app, admin.cookie);
    const ownerPath = `${members(owner.workspaceId)}/${owner.me.user.id}`;
    expectError(await client.delete(ownerPath), 403, 'forbidden');
    expectError(await client.patch(ownerPath, { role: 'agent' }), 403, 'forbidden');
    expectError(await client.post(`${ownerPath}/password`, { newPassword: 'taken over now' }), 403, 'forbidden');
    expectError(await client.patch(`${members(owner.workspaceId)}/${agent.me.user.id}`, { role: 'owner' }), 403, 'forbidden');
    expect(await roleOf(owner.cookie, owner.workspaceId, owner.me.user.id)).toBe('owner');
    expect(await roleOf(owner.cookie, owner.workspaceId, agent.me.user.id)).toBe('agent');
    expect(await signIn(t().app, owner.email)).toMatch(/^wasphere_session=/);
  });

  it('an admin removes an agent, who then loses access', async () => {
    const owner = await firstOwner(t().app);
    const admin = await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    expect((await as(t().app, admin.cookie).delete(`${members(owner.workspaceId)}/${agent.me.user.id}`)).statusCode).toBe(204);
    expectError(await as(t().app, agent.cookie).get(`/api/v1/workspaces/${owner.workspaceId}`), 404, 'not_found');
  });

  it('an agent reads the workspace and its members but manages nothing', async () => {
    const owner = await firstOwner(t().app);
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    const other = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    const client = as(t().app, agent.cookie);
    const ws = `/api/v1/workspaces/${owner.workspaceId}`;

    expect((await client.get(ws)).json()).toMatchObject({ id: owner.workspaceId, role: 'agent' });
    expect((await client.get(`${ws}/members`)).statusCode).toBe(200);

    expectError(
      await client.post(`${ws}/members`, { name: 'X', email: uniqueEmail(), password: PASSWORD, role: 'agent' }),
      403,
      'forbidden',
    );
    expectError(await client.patch(`${ws}/members/${other.me.user.id}`, { role: 'admin' }), 403, 'forbidden');
    expectError(await client.delete(`${ws}/members/${other.me.user.id}`), 403, 'forbidden');
    expectError(await client.post(`${ws}/members/${other.me.user.id}/password`, { newPassword: 'something long' }), 403, 'forbidden');
    expectError(await client.patch(ws, { name: 'Renamed by agent' }), 403, 'forbidden');
    expectError(await client.get(`${ws}/activity`), 403, 'forbidden');
    expectError(await client.get(`${ws}/activity?format=csv`), 403, 'forbidden');
    expect((await client.get(ws)).json()).toMatchObject({ name: 'My store' });
  });

  it('an agent may leave a workspace', async () => {
    const owner = await firstOwner(t().app);
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    expect((await as(t().app, agent.cookie).delete(`${members(owner.workspaceId)}/${agent.me.user.id}`)).statusCode).toBe(204);
    expect((await as(t().app, agent.cookie).get('/api/v1/me')).json()).toMatchObject({ workspaces: [] });
  });

  it("an admin's password reset for a member ends that member's sessions", async () => {
    const owner = await firstOwner(t().app);
    const admin = await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const agent = await memberOf(t().app, owner.cookie, owner.workspaceId, 'agent');
    const response = await as(t().app, admin.cookie).post(`${members(owner.workspaceId)}/${agent.me.user.id}/password`, {
      newPassword: 'set by the admin',
    });
    expect(response.statusCode).toBe(204);
    expectError(await as(t().app, agent.cookie).get('/api/v1/me'), 401, 'unauthenticated');
    expect(await signIn(t().app, agent.email, 'set by the admin')).toMatch(/^wasphere_session=/);
    expect((await as(t().app, admin.cookie).get('/api/v1/me')).statusCode).toBe(200);
  });

  it('an unknown member id answers 404', async () => {
    const owner = await firstOwner(t().app);
    expectError(await as(t().app, owner.cookie).patch(`${members(owner.workspaceId)}/nobody-here`, { role: 'agent' }), 404, 'not_found');
    expectError(await as(t().app, owner.cookie).delete(`${members(owner.workspaceId)}/nobody-here`), 404, 'not_found');
  });
});
