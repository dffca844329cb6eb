import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';
import { newContext, screenshot, useBrowserTest, visible } from './browser.js';
import { signIn, signUpFirstUser } from './flows.js';

const t = useBrowserTest();

const CUSTOMER = '447700900556';
const BO = { name: 'Bo Agent', email: 'bo@example.com', password: 'another long passphrase' };

async function openConversation(p: Page, wsId: string) {
  await p.goto(`/w/${wsId}/inbox`);
  await p.locator('[data-testid="live-status"][data-status="live"]').waitFor();
  await p.getByTestId('conversation-row').filter({ hasText: 'Carla Customer' }).click();
  await visible(p.getByTestId('history').getByText('Is my order ready?'));
}

describe('typing indicators', () => {
  it('a teammate sees another typing live, it ends on send; the customer typing on WhatsApp shows too', async () => {
    const { browser, server, page } = t;
    const wsId = await signUpFirstUser(page);
    const number = await insertTestNumber(server.database.db, wsId, { name: 'Shop line' });
    const added = await page.request.post(`/api/v1/workspaces/${wsId}/members`, { data: { ...BO, role: 'agent' } });
    expect(added.status()).toBe(201);
    const ref = { id: number.id, workspaceId: wsId };
    await server.services.ingest.messages(
      ref,
      [inbound({ chat: customer(CUSTOMER), pushName: 'Carla Customer', timestamp: Date.now(), text: 'Is my order ready?' })],
      { isHistory: false, upsertType: 'notify' },
    );

    const other = await newContext(browser, server.url);
    try {
      await other.page.goto('/signin');
      await signIn(other.page, BO.email, BO.password);
      await other.page.waitForURL(/\/w\//);
      await openConversation(page, wsId);
      await openConversation(other.page, wsId);

      const indicator = page.getByTestId('typing-indicator');
      const box = other.page.getByRole('textbox', { name: 'Message' });
      await box.pressSequentially('Let me check', { delay: 20 });
      await visible(indicator.getByText('Bo Agent is typing…'));
      // Bo never sees himself typing.
      expect(await other.page.getByTestId('typing-indicator').innerText()).toBe('');
      await screenshot(page, 'typing-indicator');

      await box.press('Enter');
      await expect.poll(() => indicator.innerText(), { timeout: 15_000 }).toBe('');
      await visible(page.getByTestId('history').getByText('Let me check'));

      // A note shows to teammates too (it just never reaches the customer).
      await other.page.getByLabel('Composer mode').getByText('Note', { exact: true }).click();
      await other.page.getByRole('textbox', { name: 'Note' }).pressSequentially('call her', { delay: 20 });
      await visible(indicator.getByText('Bo Agent is typing…'));
      // Leaving the box stops it at once.
      await other.page.getByTestId('conversation-title').click();
      await expect.poll(() => indicator.innerText(), { timeout: 15_000 }).toBe('');

      // The customer typing on WhatsApp, as the number reports it.
      await server.services.typing.customer(ref, { chat: customer(CUSTOMER), presence: 'typing' });
      await visible(indicator.getByText('Carla Customer is typing…'));
      await visible(other.page.getByTestId('typing-indicator').getByText('Carla Customer is typing…'));
      await screenshot(page, 'typing-indicator-customer');
      // Their message ends it.
      await server.services.ingest.messages(
        ref,
        [inbound({ chat: customer(CUSTOMER), pushName: 'Carla Customer', timestamp: Date.now(), text: 'thanks!' })],
        { isHistory: false, upsertType: 'notify' },
      );
      await visible(page.getByTestId('history').getByText('thanks!'));
      await expect.poll(() => indicator.innerText(), { timeout: 15_000 }).toBe('');
    } finally {
      await other.context.close();
    }
  });

  it('admins switch the inbox settings; agents see them read-only', async () => {
    const { browser, server, page } = t;
    const wsId = await signUpFirstUser(page);
    expect((await page.request.post(`/api/v1/workspaces/${wsId}/members`, { data: { ...BO, role: 'agent' } })).status()).toBe(201);
    await page.goto(`/w/${wsId}/settings/workspace`);
    const markRead = page.getByRole('switch', { name: 'Mark customer messages as read on WhatsApp when replying' });
    await visible(markRead);
    expect(await markRead.isChecked()).toBe(true);
    await screenshot(page, 'settings-inbox');
    await markRead.click({ force: true });
    await visible(page.getByText('Inbox settings saved.'));
    await expect.poll(async () => (await (await page.request.get(`/api/v1/workspaces/${wsId}`)).json()).markReadOnReply).toBe(false);
    expect(await markRead.isChecked()).toBe(false);

    const other = await newContext(browser, server.url);
    try {
      await other.page.goto('/signin');
      await signIn(other.page, BO.email, BO.password);
      await other.page.waitForURL(/\/w\//);
      await other.page.goto(`/w/${wsId}/settings/workspace`);
      const seen = other.page.getByRole('switch', { name: 'Mark customer messages as read on WhatsApp when replying' });
      await visible(seen);
      expect(await seen.isChecked()).toBe(false);
      expect(await seen.isDisabled()).toBe(true);
      await visible(other.page.getByText('Only owners and admins can change these.'));
      await screenshot(other.page, 'settings-inbox-agent');
    } finally {
      await other.context.close();
    }
  });
});
