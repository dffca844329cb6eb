import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, newContext, visible } from './browser.js';
import { nav, OWNER, signIn, signOut, signUpFirstUser } from './flows.js';

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

describe('sign-up, sign-out and sign-in', () => {
  it('creates the first account, shows the dashboard, and signs back in after signing out', async () => {
    await page.goto('/signup');
    await visible(page.getByRole('heading', { name: 'Create your WaSphere' }));
    // Consent is opt-in: the analytics box starts unticked.
    expect(await page.getByLabel(/Allow optional analytics cookies/).isChecked()).toBe(false);
    await visible(page.getByText('At least 10 characters', { exact: false }));

    const wsId = await signUpFirstUser(page);
    await visible(page.getByRole('heading', { name: 'Next steps' }));
    await visible(nav(page).getByRole('link', { name: 'Activity' }));
    expect(page.url()).toBe(`${server.url}/w/${wsId}`);

    await signOut(page);
    await visible(page.getByRole('heading', { name: 'Sign in' }));

    await signIn(page, OWNER.email, OWNER.password);
    await page.waitForURL(`${server.url}/w/${wsId}`);
    await visible(page.getByText('Welcome, Ana'));
  });

  it('shows an error on the sign-in page for a wrong password and stays there', async () => {
    await signUpFirstUser(page);
    await signOut(page);

    await signIn(page, OWNER.email, 'not the right password');
    const alert = await visible(page.getByRole('alert').filter({ hasText: 'do not match' }));
    expect(await alert.textContent()).toMatch(/email and password do not match/i);
    expect(new URL(page.url()).pathname).toBe('/signin');
    // The password field is emptied for the next try.
    expect(await page.getByRole('textbox', { name: 'Password', exact: true }).inputValue()).toBe('');
  });

  it('sends a signed-out visitor of a dashboard page to sign-in and back there afterwards', async () => {
    const wsId = await signUpFirstUser(page);
    await signOut(page);

    await page.goto(`/w/${wsId}/settings/password`);
    await page.waitForURL(/\/signin\?next=/);
    await signIn(page, OWNER.email, OWNER.password);
    await page.waitForURL(`${server.url}/w/${wsId}/settings/password`);
    await visible(page.getByRole('button', { name: 'Change password' }));
  });

  it('says sign-up is by invitation once the first account exists', async () => {
    await signUpFirstUser(page);
    await signOut(page);
    await page.goto('/signup');
    await visible(page.getByRole('heading', { name: 'Sign-up is by invitation' }));
  });
});
