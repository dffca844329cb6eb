import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserTest, visible } from './browser.js';
import { nav, OWNER, signIn, signOut, signUpFirstUser } from './flows.js';

const t = useBrowserTest();

async function chooseOption(p: Page, label: string, option: string): Promise<void> {
  await p
    .locator('input')
    .and(p.getByLabel(label, { exact: true }))
    .click();
  await p.getByRole('option', { name: option, exact: true }).click();
}

describe('activity log', () => {
  it('lists the sign-in and can be filtered by action', async () => {
    const wsId = await signUpFirstUser(t.page);
    await signOut(t.page);
    await signIn(t.page, OWNER.email, OWNER.password);
    await t.page.waitForURL(`${t.server.url}/w/${wsId}`);

    await nav(t.page).getByRole('link', { name: 'Activity' }).click();
    await t.page.waitForURL(`${t.server.url}/w/${wsId}/activity`);
    const rows = t.page.getByTestId('activity-table').locator('tbody tr');
    await visible(rows.filter({ hasText: 'Signed in' }).filter({ hasText: OWNER.name }));
    await visible(rows.filter({ hasText: 'Signed up' }));

    await chooseOption(t.page, 'Action', 'Signed in');
    await visible(t.page.getByRole('button', { name: 'Clear filters' }));
    // Every remaining row is a sign-in.
    await rows.filter({ hasText: 'Signed up' }).waitFor({ state: 'detached' });
    const labels = await rows.locator('td:nth-child(3)').allInnerTexts();
    expect(labels.length).toBeGreaterThan(0);
    expect(new Set(labels.map((l) => l.trim()))).toEqual(new Set(['Signed in']));

    // The export carries the same filter.
    const href = await t.page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toContain(`/api/v1/workspaces/${wsId}/activity?`);
    expect(href).toContain('action=auth.login');
    expect(href).toContain('format=csv');
    const [download] = await Promise.all([t.page.waitForEvent('download'), t.page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes(',auth.login,'))).toBe(true);

    await chooseOption(t.page, 'Action', 'Failed sign-in');
    await visible(t.page.getByText('Nothing matches these filters'));

    await t.page.getByRole('button', { name: 'Clear filters' }).click();
    await visible(rows.filter({ hasText: 'Signed up' }));
  });

  it('filters by a date range, and the export carries the range', async () => {
    const wsId = await signUpFirstUser(t.page);
    await t.page.goto(`/w/${wsId}/activity`);
    const rows = t.page.getByTestId('activity-table').locator('tbody tr');
    await visible(rows.filter({ hasText: 'Signed up' }));

    // Today only (the browser runs in UTC): pick the same day as start and end.
    const today = new Date();
    const dayLabel = today.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    await t.page.getByLabel('Dates', { exact: true }).click();
    const day = t.page.getByRole('button', { name: dayLabel, exact: true });
    await day.click();
    await day.click();
    await visible(t.page.getByRole('button', { name: 'Clear filters' }));
    await visible(rows.filter({ hasText: 'Signed up' }));

    const href = new URL((await t.page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')) ?? '', t.server.url);
    const from = new Date(href.searchParams.get('from') ?? '');
    const to = new Date(href.searchParams.get('to') ?? '');
    expect(from.getTime()).toBeLessThanOrEqual(today.getTime());
    expect(to.getTime()).toBeGreaterThanOrEqual(today.getTime());
    expect(to.getTime() - from.getTime()).toBeLessThan(24 * 3600 * 1000);
  });

  it('records a failed sign-in and filters by person', async () => {
    const wsId = await signUpFirstUser(t.page);
    await signOut(t.page);
    await signIn(t.page, OWNER.email, 'wrong password entirely');
    await visible(t.page.getByRole('alert'));
    await signIn(t.page, OWNER.email, OWNER.password);
    await t.page.waitForURL(`${t.server.url}/w/${wsId}`);

    await t.page.goto(`/w/${wsId}/activity`);
    const rows = t.page.getByTestId('activity-table').locator('tbody tr');
    await visible(rows.filter({ hasText: 'Failed sign-in' }));

    await chooseOption(t.page, 'Person', OWNER.name);
    await visible(rows.filter({ hasText: 'Signed in' }));
    const who = await rows.locator('td:nth-child(2)').allInnerTexts();
    expect(new Set(who.map((w) => w.trim()))).toEqual(new Set([OWNER.name]));
  });
});
