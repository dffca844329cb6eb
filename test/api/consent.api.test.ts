import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/factories.js';

function cookieNames(setCookie: string | string[] | undefined): string[] {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return all.map((c) => c.split('=')[0]!);
}

describe('analytics consent', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('sets the analytics cookie only for a person who opted in, and withdrawing deletes it and records the change', async () => {
    const person = await signUp(t.app, { name: 'Consenting', analyticsConsent: true });
    expect(person.me.user.analyticsConsent).toBe(true);

    const withdraw = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: `${person.cookie}; wasphere_analytics=abc` },
      payload: { analyticsConsent: false },
    });
    expect(withdraw.statusCode).toBe(200);
    expect(withdraw.json().user.analyticsConsent).toBe(false);
    const cleared = [withdraw.headers['set-cookie']].flat().find((c) => c?.startsWith('wasphere_analytics='));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);

    const events = await t.database.db
      .selectFrom('consent_events')
      .select(['granted', 'source'])
      .where('user_id', '=', person.me.user.id)
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { granted: 1, source: 'signup' },
      { granted: 0, source: 'settings' },
    ]);

    const optIn = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: person.cookie },
      payload: { analyticsConsent: true },
    });
    expect(cookieNames(optIn.headers['set-cookie'])).toContain('wasphere_analytics');
  });
});
