import { describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { firstOwner, inviteTo, PASSWORD, sessionCookie, setOpenSignup, signIn, signUp, uniqueEmail } from '../support/factories.js';
import { as, call, expectError, setCookies } from '../support/http.js';
import { freshAppPerTest } from '../support/lifecycle.js';

const signupBody = (email: string, extra: Record<string, unknown> = {}) => ({
  name: 'Someone New',
  email,
  password: PASSWORD,
  analyticsConsent: false,
  ...extra,
});

describe('sign-up', () => {
  const t = freshAppPerTest();

  it('answers 201 with an HttpOnly, SameSite=Lax session cookie that is not Secure on an http public URL', async () => {
    const response = await call(t().app, 'POST', '/api/v1/auth/signup', { payload: signupBody(uniqueEmail()) });
    expect(response.statusCode).toBe(201);
    const cookie = setCookies(response).get('wasphere_session');
    expect(cookie?.value.length).toBeGreaterThan(20);
    expect(cookie?.attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(cookie?.attributes).not.toContain('secure');
  });

  it('stores only an argon2id hash of the password', async () => {
    const owner = await firstOwner(t().app);
    const row = await t()
      .database.db.selectFrom('users')
      .select('password_hash')
      .where('id', '=', owner.me.user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('refuses a second sign-up without an invite while open sign-up is off', async () => {
    await firstOwner(t().app);
    const email = uniqueEmail();
    expectError(await call(t().app, 'POST', '/api/v1/auth/signup', { payload: signupBody(email) }), 403, 'signup_closed');
    expectError(await call(t().app, 'POST', '/api/v1/auth/login', { payload: { email, password: PASSWORD } }), 401, 'invalid_credentials');
  });

  it('answers a closed sign-up the same whether or not the email has an account', async () => {
    const owner = await firstOwner(t().app);
    const taken = await call(t().app, 'POST', '/api/v1/auth/signup', { payload: signupBody(owner.email) });
    const unknown = await call(t().app, 'POST', '/api/v1/auth/signup', { payload: signupBody(uniqueEmail()) });
    expectError(taken, 403, 'signup_closed');
    expectError(unknown, 403, 'signup_closed');
    expect(taken.json()).toEqual(unknown.json());
  });

  it('checks an invite token before the email, so a made-up token cannot probe for accounts', async () => {
    const owner = await firstOwner(t().app);
    const payload = signupBody(owner.email, { inviteToken: 'made-up-token-that-is-long-enough' });
    expectError(await call(t().app, 'POST', '/api/v1/auth/signup', { payload }), 400, 'invite_invalid');
  });

  it('with a valid invite, an email that already has an account is refused with email_taken', async () => {
    const owner = await firstOwner(t().app);
    const invite = await inviteTo(t().app, owner.cookie, owner.workspaceId, { role: 'agent' });
    const payload = signupBody(owner.email, { inviteToken: invite.token });
    expectError(await call(t().app, 'POST', '/api/v1/auth/signup', { payload }), 409, 'email_taken');
  });

  it('with open sign-up on, a newcomer gets a workspace of their own and is not instance admin', async () => {
    const owner = await firstOwner(t().app);
    await setOpenSignup(t().app, owner.cookie, true);
    const newcomer = await signUp(t().app, { name: 'Grace Hopper' });
    expect(newcomer.me.user.isInstanceAdmin).toBe(false);
    expect(newcomer.me.workspaces).toEqual([expect.objectContaining({ role: 'owner' })]);
    expect(newcomer.me.workspaces[0]!.id).not.toBe(owner.workspaceId);
  });

  it('only the instance admin may turn open sign-up on', async () => {
    const owner = await firstOwner(t().app);
    await setOpenSignup(t().app, owner.cookie, true);
    const other = await signUp(t().app);
    expectError(await as(t().app, other.cookie).patch('/api/v1/instance/settings', { openSignup: false }), 403, 'forbidden');
    expect((await as(t().app, owner.cookie).get('/api/v1/instance/settings')).json()).toEqual({ openSignup: true });
  });

  it('refuses a duplicate email, also in another letter case', async () => {
    const owner = await firstOwner(t().app);
    await setOpenSignup(t().app, owner.cookie, true);
    expectError(await call(t().app, 'POST', '/api/v1/auth/signup', { payload: signupBody(owner.email) }), 409, 'email_taken');
    expectError(
      await call(t().app, 'POST', '/api/v1/auth/signup', { payload: signupBody(` ${owner.email.toUpperCase()} `.trim()) }),
      409,
      'email_taken',
    );
  });
});

describe('secure cookies behind TLS', () => {
  it('marks the session cookie Secure when the public URL is https', async () => {
    const t = await createTestApp({ env: { WASPHERE_PUBLIC_URL: 'https://wa.example.test' } });
    try {
      const response = await call(t.app, 'POST', '/api/v1/auth/signup', { payload: signupBody(uniqueEmail()) });
      expect(response.statusCode).toBe(201);
      expect(setCookies(response).get('wasphere_session')?.attributes).toEqual(
        expect.arrayContaining(['secure', 'httponly', 'samesite=lax']),
      );
    } finally {
      await t.close();
    }
  });
});

describe('sign-in and rate limiting', () => {
  const t = freshAppPerTest();
  const login = (email: string, password: string) => call(t().app, 'POST', '/api/v1/auth/login', { payload: { email, password } });

  it('signs in with the right password, in any letter case of the email', async () => {
    const owner = await firstOwner(t().app, 'Ada');
    const response = await login(owner.email.toUpperCase(), PASSWORD);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { id: owner.me.user.id, name: 'Ada' } });
    const me = await as(t().app, sessionCookie(response)).get('/api/v1/me');
    expect(me.json()).toMatchObject({ user: { email: owner.email } });
  });

  it('answers 401 invalid_credentials for a wrong password and for an unknown email alike', async () => {
    const owner = await firstOwner(t().app);
    const wrong = expectError(await login(owner.email, 'not the password'), 401, 'invalid_credentials');
    const unknown = expectError(await login(uniqueEmail('nobody'), PASSWORD), 401, 'invalid_credentials');
    expect(unknown.error.message).toBe(wrong.error.message);
  });

  it('after 5 failures pauses that account with 429 and Retry-After, even for the right password; others are unaffected', async () => {
    const owner = await firstOwner(t().app);
    const teammate = await call(t().app, 'POST', `/api/v1/workspaces/${owner.workspaceId}/members`, {
      cookie: owner.cookie,
      payload: { name: 'Teammate', email: uniqueEmail(), password: PASSWORD, role: 'agent' },
    });
    for (let i = 0; i < 5; i++) expectError(await login(owner.email, `wrong password ${i}`), 401, 'invalid_credentials');

    const blocked = await login(owner.email, PASSWORD);
    const body = expectError(blocked, 429, 'rate_limited');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(body.error.details).toMatchObject({ retryAfterSeconds: retryAfter });
    const logged = await t()
      .database.db.selectFrom('activity_log')
      .select('details')
      .where('action', '=', 'auth.login_rate_limited')
      .execute();
    expect(logged.map((r) => JSON.parse(r.details) as unknown)).toEqual([{ email: owner.email }]);

    expect((await login((teammate.json() as { email: string }).email, PASSWORD)).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  const t = freshAppPerTest();

  it('logout ends this session only', async () => {
    const owner = await firstOwner(t().app);
    const second = await signIn(t().app, owner.email);
    const out = await as(t().app, owner.cookie).post('/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(setCookies(out).get('wasphere_session')?.value).toBe('');
    expectError(await as(t().app, owner.cookie).get('/api/v1/me'), 401, 'unauthenticated');
    expect((await as(t().app, second).get('/api/v1/me')).statusCode).toBe(200);
  });

  it('logout-all ends every session of that person and no one else', async () => {
    const owner = await firstOwner(t().app);
    const second = await signIn(t().app, owner.email);
    const teammate = await call(t().app, 'POST', `/api/v1/workspaces/${owner.workspaceId}/members`, {
      cookie: owner.cookie,
      payload: { name: 'Teammate', email: uniqueEmail(), password: PASSWORD, role: 'admin' },
    });
    const teammateCookie = await signIn(t().app, (teammate.json() as { email: string }).email);
    expect((await as(t().app, owner.cookie).post('/api/v1/auth/logout-all')).statusCode).toBe(204);
    for (const cookie of [owner.cookie, second]) expectError(await as(t().app, cookie).get('/api/v1/me'), 401, 'unauthenticated');
    expect((await as(t().app, teammateCookie).get('/api/v1/me')).statusCode).toBe(200);
  });

  it('a password change needs the current password, keeps this session and ends the others', async () => {
    const owner = await firstOwner(t().app);
    const other = await signIn(t().app, owner.email);
    const client = as(t().app, owner.cookie);
    const newPassword = 'a brand new passphrase';

    const wrong = expectError(
      await client.post('/api/v1/me/password', { currentPassword: 'not it at all', newPassword }),
      400,
      'wrong_password',
    );
    expect(wrong.error.details).toMatchObject({ fields: { currentPassword: expect.any(String) } });
    expect((await as(t().app, other).get('/api/v1/me')).statusCode).toBe(200);

    expect((await client.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword })).statusCode).toBe(204);
    expect((await client.get('/api/v1/me')).statusCode).toBe(200);
    expectError(await as(t().app, other).get('/api/v1/me'), 401, 'unauthenticated');
    expectError(
      await call(t().app, 'POST', '/api/v1/auth/login', { payload: { email: owner.email, password: PASSWORD } }),
      401,
      'invalid_credentials',
    );
    expect(await signIn(t().app, owner.email, newPassword)).toMatch(/^wasphere_session=/);
  });

  it('refuses a new password shorter than 10 characters', async () => {
    const owner = await firstOwner(t().app);
    const response = await as(t().app, owner.cookie).post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(expectError(response, 400, 'validation_failed').error.details).toMatchObject({ fields: { newPassword: expect.any(String) } });
  });
});

describe('profile', () => {
  const t = freshAppPerTest();

  it('changes name and email; the new email signs in', async () => {
    const owner = await firstOwner(t().app, 'Old Name');
    const email = uniqueEmail('renamed');
    const response = await as(t().app, owner.cookie).patch('/api/v1/me', { name: '  New Name ', email: email.toUpperCase() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { name: 'New Name', email } });
    expect(await signIn(t().app, email)).toMatch(/^wasphere_session=/);
  });

  it("refuses another account's email with 409 email_taken, in any letter case", async () => {
    const owner = await firstOwner(t().app);
    await setOpenSignup(t().app, owner.cookie, true);
    const other = await signUp(t().app);
    expectError(await as(t().app, other.cookie).patch('/api/v1/me', { email: owner.email.toUpperCase() }), 409, 'email_taken');
    expect((await as(t().app, other.cookie).get('/api/v1/me')).json()).toMatchObject({ user: { email: other.email } });
  });

  it('refuses a blank name', async () => {
    const owner = await firstOwner(t().app);
    const response = await as(t().app, owner.cookie).patch('/api/v1/me', { name: '   ' });
    expect(expectError(response, 400, 'validation_failed').error.details).toMatchObject({ fields: { name: expect.any(String) } });
  });
});
