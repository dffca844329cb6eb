import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { assertWebBuilt, launchBrowser, newContext, visible } from './browser.js';
import { nav, signUpFirstUser } from './flows.js';

let browser: Browser;
let server: Awaited<ReturnType<typeof startTestServer>>;
let context: BrowserContext;
let page: Page;

/** Set WASPHERE_SCREENSHOTS to a folder to keep a picture of each step. */
async function shot(p: Page, name: string): Promise<void> {
  const dir = process.env.WASPHERE_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await p.screenshot({ path: path.join(dir, `contacts-${name}.png`), fullPage: true });
}

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

const CSV = [
  'Mobile;Full name;Tags;Comment',
  '+44 7700 900101;Olivia Import;VIP, Wholesale;"first line',
  'second line"',
  '07700 900102;Noah Import;;',
  'not a phone;Broken Row;;',
  '+44 7700 900103;Emma Import;VIP;',
].join('\r\n');

describe('contacts', () => {
  it('imports a CSV through the mapping screen, shows the report, exports, and erases a contact', async () => {
    const wsId = await signUpFirstUser(page);
    await page.request.patch(`/api/v1/workspaces/${wsId}`, { data: { country: 'GB' } });

    await nav(page).getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/contacts`);
    await visible(page.getByText('No contacts yet'));
    await shot(page, '1-empty');

    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/contacts/import`);
    const file = path.join(fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'wasphere-csv-')), 'customers.csv');
    fs.writeFileSync(file, '\uFEFF' + CSV);
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload and preview' }).click();

    // The mapping screen: headers with a guess for each, and the first rows.
    const mapping = await visible(page.getByTestId('import-mapping'));
    await visible(mapping.getByText('Olivia Import'));
    const column = (name: string) => page.locator('input:not([type="hidden"])').and(page.getByLabel(`Column ${name}`, { exact: true }));
    expect(await column('Mobile').inputValue()).toBe('Phone');
    expect(await column('Full name').inputValue()).toBe('Name');
    await column('Comment').click();
    await page.getByRole('option', { name: 'Notes', exact: true }).click();
    await shot(page, '2-mapping');
    await page.getByRole('button', { name: 'Import contacts' }).click();

    const report = await visible(page.getByTestId('import-report'));
    await visible(report.getByText('Import finished'));
    expect(await report.innerText()).toMatch(/3\s+New contacts/);
    expect(await report.innerText()).toMatch(/1\s+Rejected rows/);
    const reportLink = page.getByRole('link', { name: 'Download rejected rows' });
    const [download] = await Promise.all([page.waitForEvent('download'), reportLink.click()]);
    const rejected = fs.readFileSync((await download.path())!, 'utf8');
    expect(rejected).toContain('Broken Row');
    expect(rejected).toContain('phone contains letters');
    await shot(page, '3-report');

    await page.getByRole('link', { name: 'Go to contacts' }).click();
    const rows = page.getByTestId('contacts-table').locator('tbody tr');
    await visible(rows.filter({ hasText: 'Olivia Import' }));
    expect(await rows.count()).toBe(3);
    await visible(rows.filter({ hasText: 'Olivia Import' }).getByText('VIP'));

    // Export of the current list.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const exported = fs.readFileSync((await csv.path())!, 'utf8');
    expect(exported).toContain('+447700900101');
    expect(exported).toContain('Noah Import');

    // Search, then the contact page, then erasure with type-to-confirm.
    await page.getByLabel('Search contacts').fill('Noah');
    await rows.filter({ hasText: 'Olivia Import' }).waitFor({ state: 'detached' });
    await shot(page, '4-list');
    await rows.filter({ hasText: 'Noah Import' }).getByRole('link', { name: 'Noah Import' }).click();
    await visible(page.getByTestId('contact-name').getByText('Noah Import'));
    await visible(page.getByText('+447700900102'));
    await page.getByRole('button', { name: 'Mark as opted out' }).click();
    await visible(page.getByTestId('opted-out-badge'));
    await shot(page, '5-contact');
    await page.getByRole('button', { name: 'Erase contact' }).click();
    const erase = page.getByRole('button', { name: 'Erase permanently' });
    expect(await erase.isDisabled()).toBe(true);
    await page.getByLabel('Type ERASE to confirm').fill('erase');
    await shot(page, '6-erase');
    await erase.click();
    await page.waitForURL(`${server.url}/w/${wsId}/contacts`, { timeout: 30_000 });
    await page.getByLabel('Search contacts').fill('');
    await visible(rows.filter({ hasText: 'Olivia Import' }));
    expect(await rows.filter({ hasText: 'Noah Import' }).count()).toBe(0);
    const left = await server.database.db.selectFrom('contacts').select('phone').where('workspace_id', '=', wsId).execute();
    expect(left.map((c) => c.phone).sort()).toEqual(['447700900101', '447700900103']);
  });
});
