/**
 * PNGs of the privacy pages into ./screenshots/ (gitignored): Settings → Profile
 * (your data, consent, delete account), Settings → Workspace (retention, danger
 * zone), Settings → Instance (usage), the deletion progress page, Privacy and Cookies, and the
 * account page of a person left without a workspace.
 *   npx vite build && npx tsx scripts/privacy-screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer } from '../test/support/server.js';
import { assertWebBuilt, launchBrowser, newContext } from '../test/e2e/browser.js';
import { signUpFirstUser } from '../test/e2e/flows.js';

const OUT = path.resolve(import.meta.dirname, '../screenshots');

async function main(): Promise<void> {
  assertWebBuilt();
  fs.mkdirSync(OUT, { recursive: true });
  const server = await startTestServer({ dialect: 'sqlite' });
  server.services.deletionJob.start();
  const browser = await launchBrowser();
  try {
    const { page } = await newContext(browser, server.url);
    const shot = async (name: string, p: Page = page) => {
      await p.waitForLoadState('networkidle');
      await p.evaluate('document.fonts.ready');
      await p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true, animations: 'disabled' });
      console.log(`screenshots/${name}.png`);
    };
    const ws = await signUpFirstUser(page);
    await page.request.patch('/api/v1/me', { data: { analyticsConsent: true } });
    for (const p of ['inbox', 'activity', 'settings/profile']) await page.goto(`/w/${ws}/${p}`);
    await page.goto(`/w/${ws}/settings/profile`);
    await page.getByRole('link', { name: 'Download my data' }).waitFor();
    await shot('privacy-01-profile');
    await page.getByRole('button', { name: 'Delete account' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Password', exact: true }).fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByText('You are the only owner of').waitFor();
    await shot('privacy-02-delete-account-last-owner');
    await page.keyboard.press('Escape');
    await page.goto(`/w/${ws}/settings/workspace`);
    await page.getByText('Message retention').first().waitFor();
    await page.getByRole('switch', { name: 'Delete old messages automatically' }).click();
    await shot('privacy-03-workspace');
    await page.goto(`/w/${ws}/settings/instance`);
    await page.getByTestId('usage-people').waitFor();
    await shot('privacy-04-instance-usage');
    const second = await (await page.request.post('/api/v1/workspaces', { data: { name: 'Pop-up Shop' } })).json();
    await page.goto(`/w/${second.id}/settings/workspace`);
    await page.getByRole('button', { name: 'Delete workspace' }).click();
    await page.getByRole('dialog').getByLabel('Type Pop-up Shop to confirm').fill('Pop-up Shop');
    await shot('privacy-05-delete-workspace-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete workspace' }).click();
    await page.getByRole('heading', { name: 'Workspace deleted' }).waitFor();
    await shot('privacy-06-deletion-done');
    await page.goto('/legal/privacy');
    await page.getByRole('heading', { name: 'Privacy Policy' }).waitFor();
    await shot('privacy-07-privacy-page');
    await page.goto('/legal/cookies');
    await page.getByRole('heading', { name: 'Cookie Policy' }).waitFor();
    await shot('privacy-08-cookies-page');
    // Left without a workspace: the account page.
    await page.request.delete(`/api/v1/workspaces/${ws}`, { data: { confirmName: 'My store' } });
    await page.goto('/');
    await page.getByRole('heading', { name: 'You’re not in a workspace yet' }).waitFor();
    await page.getByRole('link', { name: 'Download my data' }).waitFor();
    await shot('privacy-09-no-workspace');
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
