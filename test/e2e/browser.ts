import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const WEB_INDEX = path.resolve(import.meta.dirname, '../../dist/web/index.html');

/** Browser tests drive the built dashboard; fail early with the fix instead of a blank page. */
export function assertWebBuilt(): void {
  if (!fs.existsSync(WEB_INDEX)) {
    throw new Error('dist/web is missing: run `npx vite build` before the browser tests.');
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A fresh, isolated browser profile (own cookies) pointed at one server. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 860 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page };
}

/** Waits (with Playwright's auto-waiting) until the locator is visible; fails the test otherwise. */
export async function visible(locator: Locator): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible' });
  return locator;
}

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../screenshots');

/**
 * Set WASPHERE_SCREENSHOTS=1 to keep pictures of what a test shows in ./screenshots (to look at
 * a change). `settled` waits for the page's requests to finish and stills animations first.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean; settled?: boolean } = {}): Promise<void> {
  if (!process.env.WASPHERE_SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  if (options.settled) await page.waitForLoadState('networkidle');
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage: options.fullPage ?? false,
    ...(options.settled ? { animations: 'disabled' as const } : {}),
  });
}

export interface BrowserTest {
  browser: Browser;
  server: TestServer;
  context: BrowserContext;
  page: Page;
}

export interface BrowserTestOptions {
  /** One server and profile for the whole file, for pages that write nothing (or one long walk). */
  sharedServer?: boolean;
  /**
   * Starts the server a test runs against (default: `startTestServer()`). A test that needs more
   * around it (a fake clock, the WhatsApp peer, a background job) starts it here, and its `close`
   * stops all of it, after the browser profile and in the order the factory chooses.
   */
  server?: () => Promise<TestServer>;
}

/**
 * Registers the hooks a browser test file needs: one Chromium for the file and, for each
 * test, a fresh server (with its own database) and browser profile, closed after it.
 * The returned object's fields are filled in while a test runs.
 */
export function useBrowserTest(options: BrowserTestOptions = {}): BrowserTest {
  const t = {} as BrowserTest;
  const startServer = options.server ?? (() => startTestServer());
  const open = async () => {
    t.server = await startServer();
    Object.assign(t, await newContext(t.browser, t.server.url));
  };
  const close = async () => {
    await t.context?.close();
    await t.server?.close();
  };
  beforeAll(async () => {
    assertWebBuilt();
    t.browser = await launchBrowser();
    if (options.sharedServer) await open();
  });
  afterAll(async () => {
    if (options.sharedServer) await close();
    await t.browser?.close();
  });
  if (!options.sharedServer) {
    beforeEach(open);
    afterEach(close);
  }
  return t;
}
