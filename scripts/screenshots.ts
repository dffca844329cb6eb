/**
 * Saves PNGs of the main dashboard pages into ./screenshots/ (gitignored), for a
 * look at spacing, empty states and narrow widths. Needs a built dashboard:
 *   npx vite build && npx tsx scripts/screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer } from '../test/support/server.js';
import { assertWebBuilt, launchBrowser, newContext } from '../test/e2e/browser.js';
import { OWNER, nav, signIn, signOut, signUpFirstUser } from '../test/e2e/flows.js';

const OUT = path.resolve(import.meta.dirname, '../screenshots');

async function main(): Promise<void> {
  assertWebBuilt();
  fs.mkdirSync(OUT, { recursive: true });
  const server = await startTestServer({ dialect: 'sqlite' });
  const browser = await launchBrowser();
  try {
    const { context, page } = await newContext(browser, server.url);
    const shot = async (name: string, p: Page = page) => {
      // Let fonts, transitions and lazy chunks settle before the picture.
      await p.waitForLoadState('networkidle');
      await p.evaluate('document.fonts.ready');
      await p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true, animations: 'disabled' });
      console.log(`screenshots/${name}.png`);
    };

    await page.goto('/signup');
    await page.getByRole('heading', { name: 'Create your WaSphere' }).waitFor();
    await shot('01-signup-first-run');

    const ws = await signUpFirstUser(page);
    // A teammate and some history make the tables look like real use.
    await page.request.post(`/api/v1/workspaces/${ws}/members`, {
      data: { name: 'Bo Agent', email: 'bo@example.com', password: 'another long passphrase', role: 'agent' },
    });
    await page.request.post(`/api/v1/workspaces/${ws}/invites`, { data: { email: 'cy@example.com', role: 'admin', expiresInDays: 14 } });

    await signOut(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('02-signin');
    await signIn(page, OWNER.email, 'not my password at all');
    await page.getByRole('alert').waitFor();
    await shot('03-signin-error');
    await signIn(page, OWNER.email, OWNER.password);
    await page.waitForURL(`${server.url}/w/${ws}`);
    await page.getByRole('heading', { name: 'Next steps' }).waitFor();
    await shot('04-home');

    for (const tab of ['profile', 'password', 'workspace', 'members', 'invites', 'instance']) {
      await page.goto(`/w/${ws}/settings/${tab}`);
      await page.getByRole('tab', { selected: true }).waitFor();
      if (tab === 'members') await page.getByText('bo@example.com').waitFor();
      if (tab === 'invites') {
        await page.getByRole('button', { name: 'Create invite link' }).click();
        await page.getByTestId('invite-url').waitFor();
      }
      if (tab === 'instance') await page.getByText('Open sign-up').waitFor();
      await shot(`05-settings-${tab}`);
    }

    await nav(page).getByRole('link', { name: 'Activity' }).click();
    await page.getByTestId('activity-table').waitFor();
    await shot('06-activity');

    await page.goto('/legal/privacy');
    await page.getByRole('article').waitFor();
    await shot('07-legal-privacy');
    await page.goto('/legal/cookies');
    await page.getByRole('article').waitFor();
    await shot('07-legal-cookies');

    // Narrow, phone-like width.
    const phone = await newContext(browser, server.url, { width: 390, height: 844 });
    await phone.page.goto('/signin');
    await phone.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('08-mobile-signin', phone.page);
    await signIn(phone.page, OWNER.email, OWNER.password);
    await phone.page.waitForURL(/\/w\//);
    await phone.page.getByRole('heading', { name: 'Next steps' }).waitFor();
    await shot('08-mobile-home', phone.page);
    await phone.page.goto(`/w/${ws}/activity`);
    await phone.page.getByTestId('activity-table').waitFor();
    await shot('08-mobile-activity', phone.page);
    await phone.context.close();

    // The invite page as a stranger sees it.
    const created = await page.request.post(`/api/v1/workspaces/${ws}/invites`, { data: { role: 'agent' } });
    const { url } = (await created.json()) as { url: string };
    const guest = await newContext(browser, server.url);
    await guest.page.goto(url);
    await guest.page.getByRole('button', { name: 'Create account and join' }).waitFor();
    await shot('09-invite', guest.page);
    await guest.context.close();

    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
