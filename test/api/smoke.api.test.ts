import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { firstOwner } from '../support/factories.js';

describe('walking skeleton', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is healthy and ready on its database', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', database: t.database.dialect });
  });

  it('signs the first person up as owner and stores an argon2id hash', async () => {
    const owner = await firstOwner(t.app, 'Ada');
    expect(owner.me.user.isInstanceAdmin).toBe(true);
    expect(owner.me.workspaces).toEqual([expect.objectContaining({ role: 'owner' })]);
    const row = await t.database.db.selectFrom('users').select('password_hash').where('email', '=', owner.email).executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
  });
});
