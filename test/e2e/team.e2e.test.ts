import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, newContext, visible } from './browser.js';
import { nav, OWNER, signIn, signUpFirstUser } from './flows.js';

let browser: Browser;
let server: { url: string; close(): Promise<void> };
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertWebBuilt();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  server = await startTestServer();
  ({ context, page } = await newContext(browser, server.url));
});
afterEach(async () => {
  await context?.close();
  await server?.close();
});

const AGENT = { name: 'Bo Agent', email: 'bo@example.com', password: 'another long passphrase' };

async function addLogin(p: Page, wsId: string, who = AGENT): Promise<void> {
  await p.goto(`/w/${wsId}/settings/members`);
  await p.getByRole('button', { name: 'Add login' }).click();
  const dialog = p.getByRole('dialog', { name: 'Add a login' });
  await dialog.getByLabel('Name').fill(who.name);
  await dialog.getByLabel('Email').fill(who.email);
  await dialog.getByRole('textbox', { name: 'Initial password' }).fill(who.password);
  await dialog.getByRole('button', { name: 'Add login' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await visible(p.getByRole('row').filter({ hasText: who.email }));
}

describe('team and roles', () => {
  it('an admin adds a login, changes its role and removes it after confirming', async () => {
    const wsId = await signUpFirstUser(page);
    await addLogin(page, wsId);
    const row = page.getByRole('row').filter({ hasText: AGENT.email });

    await row
      .locator('input')
      .and(row.getByLabel(`Role of ${AGENT.name}`))
      .click();
    await page.getByRole('option', { name: 'Admin', exact: true }).click();
    await visible(page.getByText(`${AGENT.name} is now admin.`));
    await page.reload();
    expect(await page.getByLabel(`Role of ${AGENT.name}`).and(page.locator('input')).inputValue()).toBe('Admin');

    await page.getByRole('button', { name: `Actions for ${AGENT.name}` }).click();
    await page.getByRole('menuitem', { name: 'Remove from workspace' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove from workspace?' });
    await visible(confirm.getByText(AGENT.email));
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('row').filter({ hasText: AGENT.email }).waitFor({ state: 'detached' });
  });

  it('an agent sees workspace settings read-only and cannot manage invites', async () => {
    const wsId = await signUpFirstUser(page);
    await addLogin(page, wsId);

    const agent = await newContext(browser, server.url);
    try {
      await agent.page.goto('/signin');
      await signIn(agent.page, AGENT.email, AGENT.password);
      await agent.page.waitForURL(`${server.url}/w/${wsId}`);
      await visible(agent.page.getByText('Agent', { exact: true }));

      await agent.page.goto(`/w/${wsId}/settings/workspace`);
      await visible(agent.page.getByText('Only owners and admins can change workspace settings.'));
      expect(await agent.page.getByLabel('Workspace name').getAttribute('readonly')).not.toBeNull();
      expect(await agent.page.getByRole('button', { name: 'Save workspace settings' }).count()).toBe(0);
      expect(await agent.page.getByRole('tab', { name: 'Invites' }).count()).toBe(0);
      expect(await agent.page.getByRole('tab', { name: 'Instance' }).count()).toBe(0);

      // Members are listed, without role controls.
      await agent.page.getByRole('tab', { name: 'Members' }).click();
      await visible(agent.page.getByRole('row').filter({ hasText: OWNER.email }));
      expect(await agent.page.getByRole('button', { name: 'Add login' }).count()).toBe(0);
    } finally {
      await agent.context.close();
    }
  });

  it('"Sign out everywhere" ends other sessions: their next request goes to sign-in', async () => {
    const wsId = await signUpFirstUser(page);

    const other = await newContext(browser, server.url);
    try {
      await other.page.goto('/signin');
      await signIn(other.page, OWNER.email, OWNER.password);
      await other.page.waitForURL(`${server.url}/w/${wsId}`);

      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: 'Sign out everywhere' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
      await page.waitForURL(`${server.url}/signin`);

      // The other browser still shows the dashboard; its next API call answers 401.
      await nav(other.page).getByRole('link', { name: 'Activity' }).click();
      await other.page.waitForURL(/\/signin\?next=/);
      expect(decodeURIComponent(new URL(other.page.url()).searchParams.get('next') ?? '')).toBe(`/w/${wsId}/activity`);
      await visible(other.page.getByRole('heading', { name: 'Sign in' }));
    } finally {
      await other.context.close();
    }
  });
});
