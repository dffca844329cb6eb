import { describe, expect, it } from 'vitest';
import { firstOwner, PASSWORD } from '../support/factories.js';
import { call, expectError } from '../support/http.js';
import { freshAppPerTest } from '../support/lifecycle.js';

const EVIL = 'https://evil.example';

describe('cross-site requests', () => {
  const t = freshAppPerTest({ env: { WASPHERE_PUBLIC_URL: 'https://wa.shop.example' } });
  const rename = (cookie: string, workspaceId: string, headers: Record<string, string>, name = 'Renamed') =>
    call(t().app, 'PATCH', `/api/v1/workspaces/${workspaceId}`, { cookie, payload: { name }, headers });
  const nameOf = async (cookie: string, workspaceId: string) =>
    (await call(t().app, 'GET', `/api/v1/workspaces/${workspaceId}`, { cookie })).json<{ name: string }>().name;

  it('refuses a state change from a foreign Origin with 403 cross_site_request, before anything happens', async () => {
    const owner = await firstOwner(t().app);
    expectError(await rename(owner.cookie, owner.workspaceId, { origin: EVIL }), 403, 'cross_site_request');
    expectError(
      await call(t().app, 'DELETE', `/api/v1/workspaces/${owner.workspaceId}`, {
        cookie: owner.cookie,
        payload: { confirmName: 'My store' },
        headers: { origin: EVIL },
      }),
      403,
      'cross_site_request',
    );
    expectError(
      await call(t().app, 'POST', '/api/v1/auth/logout', { cookie: owner.cookie, headers: { origin: EVIL } }),
      403,
      'cross_site_request',
    );
    expect(await nameOf(owner.cookie, owner.workspaceId)).toBe('My store');
  });

  it('refuses a cross-site sign-in (login CSRF) and an opaque "null" origin', async () => {
    const owner = await firstOwner(t().app);
    for (const origin of [EVIL, 'null', 'https://wa.shop.example.evil.example', 'http://wa.shop.example']) {
      expectError(
        await call(t().app, 'POST', '/api/v1/auth/login', { payload: { email: owner.email, password: PASSWORD }, headers: { origin } }),
        403,
        'cross_site_request',
        origin,
      );
    }
  });

  it('refuses Sec-Fetch-Site: cross-site even without Origin', async () => {
    const owner = await firstOwner(t().app);
    expectError(await rename(owner.cookie, owner.workspaceId, { 'sec-fetch-site': 'cross-site' }), 403, 'cross_site_request');
    expect(await nameOf(owner.cookie, owner.workspaceId)).toBe('My store');
  });

  it('serves the same origin as the public URL', async () => {
    const owner = await firstOwner(t().app);
    const response = await rename(
      owner.cookie,
      owner.workspaceId,
      { origin: 'https://wa.shop.example', 'sec-fetch-site': 'same-origin' },
      'From the dashboard',
    );
    expect(response.statusCode).toBe(200);
    expect(await nameOf(owner.cookie, owner.workspaceId)).toBe('From the dashboard');
  });

  it('serves an Origin matching the Host the request was addressed to', async () => {
    const owner = await firstOwner(t().app);
    const response = await rename(
      owner.cookie,
      owner.workspaceId,
      { host: '192.168.1.20:3000', origin: 'http://192.168.1.20:3000' },
      'By IP address',
    );
    expect(response.statusCode).toBe(200);
    expect(await nameOf(owner.cookie, owner.workspaceId)).toBe('By IP address');
  });

  it('serves non-browser clients that send no Origin', async () => {
    const owner = await firstOwner(t().app);
    expect((await rename(owner.cookie, owner.workspaceId, {}, 'From curl')).statusCode).toBe(200);
    expect(await nameOf(owner.cookie, owner.workspaceId)).toBe('From curl');
  });

  it('serves reads from a foreign Origin', async () => {
    const owner = await firstOwner(t().app);
    const response = await call(t().app, 'GET', '/api/v1/me', {
      cookie: owner.cookie,
      headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { id: owner.me.user.id } });
  });
});
