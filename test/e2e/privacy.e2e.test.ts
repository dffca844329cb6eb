import fs from 'node:fs';
import type { Cookie, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readStoredZip } from '../support/erasure.js';
import { startTestServer } from '../support/server.js';
import { COOKIES_SET } from '../../src/web/legal/cookies.js';
import { newContext, useBrowserTest, visible } from './browser.js';
import { OWNER, signIn, signUpFirstUser } from './flows.js';

const t = useBrowserTest({
  server: async () => {
    const server = await startTestServer();
    server.services.deletionJob.start();
    return server;
  },
});

/** The jar's cookies as the Cookie Policy describes them: name, HttpOnly, SameSite. */
const described = (cookies: Cookie[]) =>
  cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite })).sort((a, b) => a.name.localeCompare(b.name));
const documented = (consent: boolean) =>
  COOKIES_SET.filter((c) => c.when === 'always' || consent)
    .map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }))
    .sort((a, b) => a.name.localeCompare(b.name));

async function usageCount(userId?: string): Promise<number> {
  let q = t.server.database.db.selectFrom('usage_events').select((eb) => eb.fn.countAll<number>().as('n'));
  if (userId) q = q.where('user_id', '=', userId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

describe('privacy', () => {
  it('downloads my data as a ZIP from Settings → Profile', async () => {
    const { page } = t;
    const ws = await signUpFirstUser(page);
    await page.goto(`/w/${ws}/settings/profile`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^wasphere-my-data-\d{4}-\d\d-\d\d\.zip$/);
    const zip = readStoredZip(fs.readFileSync((await download.path())!));
    const data = JSON.parse(zip.get('account.json')!.toString('utf8'));
    expect(data.profile).toMatchObject({ name: OWNER.name, email: OWNER.email, analyticsConsent: false });
    expect(data.sessions[0].device).toMatch(/Chrome/);
    expect(zip.get('activity.csv')!.toString()).toContain('auth.signup');
  });

  it('cookie jar matches the Cookie Policy with and without consent; withdrawing deletes the cookie and stops collection', async () => {
    const { browser, server, context, page } = t;
    const ws = await signUpFirstUser(page);
    const me = await (await page.request.get('/api/v1/me')).json();
    // Non-consenting person: only the session cookie, as documented.
    expect(described(await context.cookies())).toEqual(documented(false));
    await page.goto(`/w/${ws}/inbox`);
    await page.goto(`/w/${ws}/activity`);
    await page.waitForLoadState('networkidle');
    expect(await usageCount()).toBe(0);

    // The Cookie Policy names each cookie with its protection.
    await page.goto('/legal/cookies');
    await visible(page.getByRole('heading', { name: 'Cookie Policy' }));
    const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
    for (const c of COOKIES_SET) expect(text).toContain(c.name);
    expect(text.match(/HttpOnly/g)?.length).toBe(COOKIES_SET.length);
    expect(text.match(/SameSite=Lax/g)?.length).toBe(COOKIES_SET.length);

    // A person who consents at sign-up (through an invite).
    const invite = await (await page.request.post(`/api/v1/workspaces/${ws}/invites`, { data: { role: 'agent' } })).json();
    const guest = await newContext(browser, server.url);
    try {
      const signup = await guest.page.request.post('/api/v1/auth/signup', {
        data: {
          name: 'Yara Yes',
          email: 'yara@example.com',
          password: OWNER.password,
          analyticsConsent: true,
          inviteToken: invite.url.split('/').pop(),
        },
      });
      expect(signup.status()).toBe(201);
      expect(described(await guest.context.cookies())).toEqual(documented(true));
    } finally {
      await guest.context.close();
    }

    // The first person opts in in Settings, and page views are then stored.
    await page.goto(`/w/${ws}/settings/profile`);
    const toggle = page.getByRole('switch', { name: 'Allow optional analytics' });
    await toggle.click();
    await visible(page.getByText('Analytics allowed.'));
    expect(described(await context.cookies())).toEqual(documented(true));
    await page.goto(`/w/${ws}/activity`);
    await visible(page.getByRole('heading', { name: 'Activity' }));
    await expect.poll(() => usageCount(me.user.id)).toBeGreaterThan(0);

    // Withdrawing: the cookie is gone at once and nothing more is stored.
    await page.goto(`/w/${ws}/settings/profile`);
    await page.getByRole('switch', { name: 'Allow optional analytics' }).click();
    await visible(page.getByText('Analytics consent withdrawn.'));
    expect((await context.cookies()).map((c) => c.name)).toEqual(['wasphere_session']);
    const before = await usageCount(me.user.id);
    await page.goto(`/w/${ws}/inbox`);
    await page.goto(`/w/${ws}/settings/members`);
    await page.waitForLoadState('networkidle');
    expect(await usageCount(me.user.id)).toBe(before);
    // And what was collected can be deleted.
    await page.goto(`/w/${ws}/settings/profile`);
    await page.getByRole('button', { name: 'Also delete my collected usage data' }).click();
    await visible(page.getByText(/Deleted \d+ usage record/));
    expect(await usageCount(me.user.id)).toBe(0);
  });

  it(
    'deletes an account after the password, lands on sign-in; the last owner is told to hand over first',
    { timeout: 180_000 },
    async () => {
      const { browser, server, page } = t;
      const ws = await signUpFirstUser(page);
      const added = await page.request.post(`/api/v1/workspaces/${ws}/members`, {
        data: { name: 'Dora Departing', email: 'dora@example.com', password: 'a long enough password', role: 'agent' },
      });
      expect(added.status()).toBe(201);

      // The owner cannot: last owner of "My store".
      await page.goto(`/w/${ws}/settings/profile`);
      await page.getByRole('button', { name: 'Delete account' }).click();
      await page.getByRole('dialog').getByRole('textbox', { name: 'Password', exact: true }).fill(OWNER.password);
      await page.getByRole('button', { name: 'Delete my account' }).click();
      await visible(page.getByText('You are the only owner of'));
      await visible(page.getByRole('dialog').getByText('My store'));

      const dora = await newContext(browser, server.url);
      try {
        await dora.page.goto('/signin');
        await signIn(dora.page, 'dora@example.com', 'a long enough password');
        await dora.page.waitForURL(/\/w\//);
        await dora.page.goto(`/w/${ws}/settings/profile`);
        await dora.page.getByRole('button', { name: 'Delete account' }).click();
        await dora.page.getByRole('dialog').getByRole('textbox', { name: 'Password', exact: true }).fill('not the password');
        await dora.page.getByRole('button', { name: 'Delete my account' }).click();
        await visible(dora.page.getByText('The password is not correct.'));
        await dora.page.getByRole('dialog').getByRole('textbox', { name: 'Password', exact: true }).fill('a long enough password');
        await dora.page.getByRole('button', { name: 'Delete my account' }).click();
        await dora.page.waitForURL((url) => url.pathname === '/signin');
        expect(await dora.context.cookies()).toEqual([]);
        expect(await server.database.db.selectFrom('users').select('id').where('email', '=', 'dora@example.com').execute()).toEqual([]);
      } finally {
        await dora.context.close();
      }
    },
  );

  /** Each right on the Privacy page links to the control that fulfils it. */
  const RIGHTS = [
    { link: 'Settings → Profile → Download my data', control: (p: Page) => p.getByRole('link', { name: 'Download my data' }) },
    { link: 'Settings → Profile', control: (p: Page) => p.getByRole('textbox', { name: 'Name' }) },
    { link: 'Settings → Profile → Delete account', control: (p: Page) => p.getByRole('button', { name: 'Delete account' }) },
    { link: 'Settings → Profile → Privacy', control: (p: Page) => p.getByRole('switch', { name: 'Allow optional analytics' }) },
  ];
  async function followRights(path: RegExp) {
    const { page } = t;
    for (const right of RIGHTS) {
      await page.goto('/legal/privacy');
      await page.getByRole('article').getByRole('link', { name: right.link, exact: true }).click();
      await page.waitForURL(path);
      await visible(right.control(page));
    }
  }

  it(
    'a person left without a workspace reaches their account: data, consent, Privacy page links, deletion',
    { timeout: 180_000 },
    async () => {
      const { server, context, page } = t;
      const ws = await signUpFirstUser(page);
      const deleted = await page.request.delete(`/api/v1/workspaces/${ws}`, { data: { confirmName: 'My store' } });
      expect(deleted.status()).toBe(202);

      // The dashboard, the old workspace and Settings all lead to the account page.
      for (const start of ['/', `/w/${ws}/inbox`, '/settings/profile']) {
        await page.goto(start);
        await page.waitForURL((url) => url.pathname === '/account/profile');
        await visible(page.getByRole('heading', { name: 'You’re not in a workspace yet' }));
      }
      await visible(page.getByRole('button', { name: 'Create workspace' }));
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: 'Settings' }).click();
      await page.waitForURL((url) => url.pathname === '/account/profile');

      // Access: the archive downloads.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download my data' }).click()]);
      const data = JSON.parse(
        readStoredZip(fs.readFileSync((await download.path())!))
          .get('account.json')!
          .toString('utf8'),
      );
      expect(data.profile).toMatchObject({ email: OWNER.email });
      expect(data.memberships).toEqual([]);

      // Consent: on, then withdrawn, with the cookie following.
      const toggle = page.getByRole('switch', { name: 'Allow optional analytics' });
      await toggle.click();
      await visible(page.getByText('Analytics allowed.'));
      expect((await context.cookies()).map((c) => c.name).sort()).toEqual(['wasphere_analytics', 'wasphere_session']);
      await toggle.click();
      await visible(page.getByText('Analytics consent withdrawn.'));
      expect((await context.cookies()).map((c) => c.name)).toEqual(['wasphere_session']);

      // Every right on the Privacy page links to its control, here too.
      await followRights(/\/account\/profile$/);

      // Deletion: no workspace left to hand over, so the account goes.
      await page.getByRole('button', { name: 'Delete account' }).click();
      await page.getByRole('dialog').getByRole('textbox', { name: 'Password', exact: true }).fill(OWNER.password);
      await page.getByRole('button', { name: 'Delete my account' }).click();
      await page.waitForURL((url) => url.pathname === '/signin');
      expect(await server.database.db.selectFrom('users').select('id').where('email', '=', OWNER.email).execute()).toEqual([]);
    },
  );

  it(
    'a person without a workspace creates one from the account page; the Privacy page links then lead into it',
    { timeout: 180_000 },
    async () => {
      const { page } = t;
      const ws = await signUpFirstUser(page);
      expect((await page.request.delete(`/api/v1/workspaces/${ws}`, { data: { confirmName: 'My store' } })).status()).toBe(202);
      await page.goto('/');
      await page.waitForURL((url) => url.pathname === '/account/profile');
      await page.getByRole('textbox', { name: 'Workspace name' }).fill('Second Life Shop');
      await page.getByRole('button', { name: 'Create workspace' }).click();
      await page.waitForURL(/\/w\/[^/]+$/);
      await visible(page.getByRole('navigation', { name: 'Main navigation' }));
      const created = page.url().split('/w/')[1]!;
      await followRights(new RegExp(`/w/${created}/settings/profile$`));
      // The account page stays reachable, with a way back into the workspace.
      await page.goto('/account');
      await visible(page.getByRole('link', { name: 'Open Second Life Shop' }));
    },
  );

  it('deletes a workspace after typing its name and shows the erasure progress to the end', async () => {
    const { server, page } = t;
    await signUpFirstUser(page);
    const second = await (await page.request.post('/api/v1/workspaces', { data: { name: 'Pop-up Shop' } })).json();
    await page.goto(`/w/${second.id}/settings/workspace`);
    await page.getByRole('button', { name: 'Delete workspace' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete workspace' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type Pop-up Shop to confirm').fill('Pop-up Shop');
    await confirm.click();
    await page.waitForURL(/\/workspace-deletions\/[0-9a-z]+$/);
    await visible(page.getByRole('heading', { name: 'Workspace deleted' }));
    await visible(page.getByTestId('deletion-status').filter({ hasText: '100%' }));
    expect(await server.database.db.selectFrom('workspaces').select('id').where('id', '=', second.id).execute()).toEqual([]);
    expect((await page.request.get(`/api/v1/workspaces/${second.id}`)).status()).toBe(404);
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.waitForURL(/\/w\/[^/]+$/);
  });
});
