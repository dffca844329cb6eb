import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, newContext, visible } from './browser.js';
import { nav, signUpFirstUser, workspaceIdFromUrl } from './flows.js';

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

describe('settings', () => {
  it('renames the workspace, and the new name shows in the switcher and survives a reload', async () => {
    const wsId = await signUpFirstUser(page);
    await nav(page).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/settings/profile`);
    await page.getByRole('tab', { name: 'Workspace' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/settings/workspace`);

    const name = page.getByLabel('Workspace name');
    await visible(name);
    await name.fill('Acme Corner Shop');
    await page.getByRole('button', { name: 'Save workspace settings' }).click();
    await visible(page.getByText('Workspace settings saved.'));
    await visible(page.getByTestId('current-workspace').filter({ hasText: 'Acme Corner Shop' }));

    await page.reload();
    await visible(page.getByTestId('current-workspace').filter({ hasText: 'Acme Corner Shop' }));
    expect(await page.getByLabel('Workspace name').inputValue()).toBe('Acme Corner Shop');
  });

  it('creates an invite whose link lets a new teammate sign up and land in the workspace', async () => {
    const wsId = await signUpFirstUser(page);
    await page.goto(`/w/${wsId}/settings/invites`);
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const urlField = await visible(page.getByTestId('invite-url'));
    const inviteUrl = await urlField.inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${server.url}/invite/[\\w-]{10,}$`));
    await visible(page.getByRole('button', { name: 'Copy link' }));
    // The list shows the new invite as pending.
    await visible(page.getByRole('row').filter({ hasText: 'Anyone with the link' }).filter({ hasText: 'Pending' }));

    const guest = await newContext(browser, server.url);
    try {
      await guest.page.goto(inviteUrl);
      await visible(guest.page.getByRole('heading', { name: 'Join My store' }));
      await guest.page.getByLabel('Your name').fill('Bo Agent');
      await guest.page.getByLabel('Email').fill('bo@example.com');
      await guest.page.getByRole('textbox', { name: 'Password', exact: true }).fill('another long passphrase');
      await guest.page.getByRole('button', { name: 'Create account and join' }).click();
      await guest.page.waitForURL(/\/w\/[^/]+$/);
      expect(workspaceIdFromUrl(guest.page.url())).toBe(wsId);
      await visible(guest.page.getByTestId('current-workspace').filter({ hasText: 'My store' }));
      await visible(guest.page.getByText('Agent', { exact: true }));
    } finally {
      await guest.context.close();
    }

    // The owner sees the new member.
    await page.goto(`/w/${wsId}/settings/members`);
    await visible(page.getByRole('row').filter({ hasText: 'bo@example.com' }));
  });
});
