/**
 * The Numbers page against the local WhatsApp peer: managing a linked number
 * (rename, sending limits with validation, a logout from the phone shown live,
 * delete session) and the read-only view agents get.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startServerOnPeer, startWaPeer, type WaPeer } from '../support/wa-peer.js';
import { newContext, useBrowserTest, visible } from './browser.js';
import { signIn, signUpFirstUser } from './flows.js';

const BUSINESS = { phone: '15550002000', pushName: 'Acme' };

let peer: WaPeer;
const t = useBrowserTest({ server: async () => startServerOnPeer((peer = await startWaPeer())) });

const state = (p: Page, s: string) => p.locator(`[data-testid="number-status"][data-state="${s}"]`);

/** Adds a number from the Numbers page and links it by scanning its QR at the peer. */
async function addAndLink(wsId: string, name: string): Promise<string> {
  const { page } = t;
  await page.goto(`/w/${wsId}/numbers`);
  await page.getByRole('button', { name: 'Add number' }).first().click();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Add and link' }).click();
  const qr = await visible(page.getByTestId('link-qr'));
  await peer.sim.scanQr((await qr.getAttribute('data-qr-payload'))!, BUSINESS);
  await visible(page.getByTestId('link-success'));
  await page.getByRole('button', { name: 'Done' }).click();
  const row = page.getByTestId('number-row').filter({ hasText: name });
  await visible(row.locator(state(page, 'connected')));
  return (await row.getAttribute('data-number-id'))!;
}

describe('numbers page', () => {
  it('renames, checks sending limits, shows a logout from the phone live, and deletes the session keeping messages', async () => {
    const { server, page } = t;
    const wsId = await signUpFirstUser(page);
    await page.goto(`/w/${wsId}/numbers`);
    await page.getByRole('button', { name: 'Add number' }).first().click();
    await page.getByRole('button', { name: 'Add and link' }).click();
    await visible(page.getByText('Give the number a name'));
    await page.keyboard.press('Escape');
    const numberId = await addAndLink(wsId, 'Sales line');

    await page.getByRole('link', { name: 'Sales line' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/numbers/${numberId}`);
    await page.getByLabel('Name', { exact: true }).fill('Front desk');
    await page.getByRole('button', { name: 'Rename' }).click();
    await visible(page.getByRole('heading', { name: 'Front desk' }));

    await page.getByLabel('Shortest delay (seconds)').fill('30');
    await page.getByLabel('Longest delay (seconds)').fill('10');
    await page.getByRole('button', { name: 'Save sending limits' }).click();
    await visible(page.getByText('Must not be shorter than the shortest delay'));
    await page.getByLabel('Longest delay (seconds)').fill('45');
    await page.getByLabel('Daily cap (messages)').fill('250');
    await page
      .getByRole('switch', { name: /Warm-up/ })
      .or(page.getByLabel('Warm-up'))
      .first()
      .uncheck();
    await page.getByRole('button', { name: 'Save sending limits' }).click();
    await visible(page.getByText('Sending limits saved.'));
    const saved = await (await page.request.get(`/api/v1/workspaces/${wsId}/numbers/${numberId}`)).json();
    expect(saved).toMatchObject({ name: 'Front desk', limits: { minDelaySeconds: 30, maxDelaySeconds: 45, dailyCap: 250, warmup: false } });

    // The phone removes the linked device: the page shows it without a reload and offers a relink.
    peer.sim.logoutDevice(BUSINESS.phone);
    await visible(state(page, 'logged_out'));
    await visible(page.getByTestId('number-reason'));
    await visible(page.getByRole('button', { name: 'Relink' }));

    await page.getByRole('button', { name: 'Delete session' }).click();
    const dialog = page.getByRole('dialog', { name: /Delete the session of “Front desk”/ });
    await expect.poll(() => dialog.getByLabel(/Keep them/).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Delete session' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/numbers`);
    await visible(page.getByText('No WhatsApp numbers yet'));
    const row = await server.database.db.selectFrom('numbers').select(['deleted_at']).where('id', '=', numberId).executeTakeFirst();
    expect(row?.deleted_at).not.toBeNull();
  }, 90_000);

  it('shows agents the numbers and their status, read-only', async () => {
    const { browser, server, page } = t;
    const wsId = await signUpFirstUser(page);
    const numberId = await addAndLink(wsId, 'Sales line');
    const created = await page.request.post(`/api/v1/workspaces/${wsId}/members`, {
      data: { name: 'Bo Agent', email: 'bo@example.com', password: 'another long passphrase', role: 'agent' },
    });
    expect(created.status()).toBe(201);

    const agent = await newContext(browser, server.url);
    try {
      await agent.page.goto('/signin');
      await signIn(agent.page, 'bo@example.com', 'another long passphrase');
      await agent.page.waitForURL(/\/w\/[^/]+$/);
      await agent.page.goto(`/w/${wsId}/numbers`);
      await visible(agent.page.getByTestId('number-row').filter({ hasText: 'Sales line' }).locator(state(agent.page, 'connected')));
      await visible(agent.page.getByText('Only owners and admins can add, link or change numbers.'));
      expect(await agent.page.getByRole('button', { name: 'Add number' }).count()).toBe(0);

      await agent.page.goto(`/w/${wsId}/numbers/${numberId}`);
      await visible(agent.page.getByRole('heading', { name: 'Sending limits' }));
      expect(await agent.page.getByLabel('Name', { exact: true }).getAttribute('readonly')).not.toBeNull();
      expect(await agent.page.getByRole('button', { name: /Rename|Save sending limits|Delete session|Relink/ }).count()).toBe(0);
    } finally {
      await agent.context.close();
    }
  }, 90_000);
});
