import type { Locator, Page } from 'playwright-core';
import { visible } from './browser.js';

export const OWNER = { name: 'Ana Owner', email: 'ana@example.com', password: 'correct horse battery staple' };

/** Signs up the first person of a fresh install and waits for the dashboard; returns the workspace id. */
export async function signUpFirstUser(page: Page, who = OWNER): Promise<string> {
  await page.goto('/signup');
  await visible(page.getByRole('heading', { name: 'Create your WaSphere' }));
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Create my WaSphere' }).click();
  await page.waitForURL(/\/w\/[^/]+$/);
  await visible(nav(page));
  return workspaceIdFromUrl(page.url());
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/signin' && url.search === '');
}

export function workspaceIdFromUrl(url: string): string {
  const m = /\/w\/([^/?#]+)/.exec(url);
  if (!m?.[1]) throw new Error(`no workspace id in ${url}`);
  return m[1];
}

/** The dashboard's left navigation. */
export function nav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main navigation' });
}
