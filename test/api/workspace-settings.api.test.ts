import { describe, expect, it } from 'vitest';
import { firstOwner, memberOf } from '../support/factories.js';
import { as, errorFields, expectError } from '../support/http.js';
import { freshAppPerTest } from '../support/lifecycle.js';

describe('workspace settings', () => {
  const t = freshAppPerTest();

  it('an admin changes name, time zone, country and log retention', async () => {
    const owner = await firstOwner(t().app);
    const admin = await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const path = `/api/v1/workspaces/${owner.workspaceId}`;
    const patch = { name: 'Corner Shop', timeZone: 'Europe/Lisbon', country: 'PT', logRetentionDays: 90 };
    const response = await as(t().app, admin.cookie).patch(path, patch);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ...patch, role: 'admin' });
    expect((await as(t().app, owner.cookie).get(path)).json()).toMatchObject({ ...patch, role: 'owner' });
  });

  it('creates further workspaces with the caller as owner', async () => {
    const owner = await firstOwner(t().app);
    const created = await as(t().app, owner.cookie).post('/api/v1/workspaces', {
      name: 'Second brand',
      timeZone: 'Asia/Kolkata',
      country: 'IN',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'Second brand',
      timeZone: 'Asia/Kolkata',
      country: 'IN',
      logRetentionDays: 30,
      role: 'owner',
    });
    const list = (await as(t().app, owner.cookie).get('/api/v1/workspaces')).json() as { items: Array<{ name: string }> };
    expect(list.items.map((w) => w.name).sort()).toEqual(['My store', 'Second brand']);
  });

  it.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
    ['retention of 0 days', { logRetentionDays: 0 }, 'logRetentionDays'],
    ['retention of 3651 days', { logRetentionDays: 3651 }, 'logRetentionDays'],
    ['a lower-case country', { country: 'gb' }, 'country'],
    ['a blank name', { name: '   ' }, 'name'],
  ])('refuses %s with 400 naming the field', async (_what, patch, field) => {
    const owner = await firstOwner(t().app);
    const path = `/api/v1/workspaces/${owner.workspaceId}`;
    expect(errorFields(await as(t().app, owner.cookie).patch(path, patch))).toHaveProperty(field);
    expect((await as(t().app, owner.cookie).get(path)).json()).toMatchObject({ name: 'My store', timeZone: 'UTC', logRetentionDays: 30 });
  });

  it('refuses an unknown time zone when creating a workspace too', async () => {
    const owner = await firstOwner(t().app);
    expect(errorFields(await as(t().app, owner.cookie).post('/api/v1/workspaces', { name: 'X', timeZone: 'Nowhere/Land' }))).toHaveProperty(
      'timeZone',
    );
  });

  it('deleting needs the owner and the exact name', async () => {
    const owner = await firstOwner(t().app);
    const admin = await memberOf(t().app, owner.cookie, owner.workspaceId, 'admin');
    const path = `/api/v1/workspaces/${owner.workspaceId}`;
    expectError(await as(t().app, admin.cookie).delete(path, { confirmName: 'My store' }), 403, 'forbidden');
    expect(errorFields(await as(t().app, owner.cookie).delete(path, { confirmName: 'my store' }))).toHaveProperty('confirmName');
    expect(errorFields(await as(t().app, owner.cookie).delete(path, {}))).toHaveProperty('confirmName');
    expect((await as(t().app, owner.cookie).get(path)).statusCode).toBe(200);

    expect((await as(t().app, owner.cookie).delete(path, { confirmName: 'My store' })).statusCode).toBe(202);
    expectError(await as(t().app, owner.cookie).get(path), 404, 'not_found');
    expectError(await as(t().app, admin.cookie).get(path), 404, 'not_found');
    expect((await as(t().app, owner.cookie).get('/api/v1/me')).json()).toMatchObject({ workspaces: [] });
  });
});
