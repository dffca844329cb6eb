import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot, useBrowserTest, visible } from './browser.js';
import { nav, signUpFirstUser } from './flows.js';

const t = useBrowserTest();

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
    const { server, page } = t;
    const wsId = await signUpFirstUser(page);
    await page.request.patch(`/api/v1/workspaces/${wsId}`, { data: { country: 'GB' } });

    await nav(page).getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/contacts`);
    await visible(page.getByText('No contacts yet'));
    await screenshot(page, 'contacts-1-empty', { fullPage: true });

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
    await screenshot(page, 'contacts-2-mapping', { fullPage: true });
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
    await screenshot(page, 'contacts-3-report', { fullPage: true });

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
    await screenshot(page, 'contacts-4-list', { fullPage: true });
    await rows.filter({ hasText: 'Noah Import' }).getByRole('link', { name: 'Noah Import' }).click();
    await visible(page.getByTestId('contact-name').getByText('Noah Import'));
    await visible(page.getByText('+447700900102'));
    await page.getByRole('button', { name: 'Mark as opted out' }).click();
    await visible(page.getByTestId('opted-out-badge'));
    await screenshot(page, 'contacts-5-contact', { fullPage: true });
    await page.getByRole('button', { name: 'Erase contact' }).click();
    const erase = page.getByRole('button', { name: 'Erase permanently' });
    expect(await erase.isDisabled()).toBe(true);
    await page.getByLabel('Type ERASE to confirm').fill('erase');
    await screenshot(page, 'contacts-6-erase', { fullPage: true });
    await erase.click();
    await page.waitForURL(`${server.url}/w/${wsId}/contacts`, { timeout: 30_000 });
    await page.getByLabel('Search contacts').fill('');
    await visible(rows.filter({ hasText: 'Olivia Import' }));
    expect(await rows.filter({ hasText: 'Noah Import' }).count()).toBe(0);
    const left = await server.database.db.selectFrom('contacts').select('phone').where('workspace_id', '=', wsId).execute();
    expect(left.map((c) => c.phone).sort()).toEqual(['447700900101', '447700900103']);
  });
});
