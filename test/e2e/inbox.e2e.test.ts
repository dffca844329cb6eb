import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/server/whatsapp/provider.js';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';
import { newContext, useBrowserTest, visible } from './browser.js';
import { nav, signIn, signUpFirstUser } from './flows.js';

const t = useBrowserTest();
/** Browser dialogs (alert, confirm) the page opened: the inbox should need none. */
const dialogs: string[] = [];
beforeEach(() => {
  dialogs.length = 0;
  t.context.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

const CUSTOMER = '447700900555';

/** A customer message through the real ingest, as a linked number would hand it over. */
async function customerWrites(workspaceId: string, numberId: string, text: string, extra: Partial<InboundMessage> = {}) {
  await t.server.services.ingest.messages(
    { id: numberId, workspaceId },
    [inbound({ chat: customer(CUSTOMER), pushName: 'Carla Customer', timestamp: Date.now(), text, ...extra })],
    { isHistory: false, upsertType: 'notify' },
  );
}

const rows = (p: Page) => p.getByTestId('conversation-row');
const history = (p: Page) => p.getByTestId('history');
const status = (p: Page) => p.getByTestId('conversation-status');

async function openInbox(p: Page, wsId: string) {
  await p.goto(`/w/${wsId}/inbox`);
  await p.locator('[data-testid="live-status"][data-status="live"]').waitFor();
}

describe('team inbox', () => {
  it('shows a customer message live, replies, assigns, resolves, reopens, searches, uses canned replies and notes', async () => {
    const { server, page } = t;
    const wsId = await signUpFirstUser(page);
    const number = await insertTestNumber(server.database.db, wsId, { name: 'Shop line' });
    const canned = await page.request.post(`/api/v1/workspaces/${wsId}/canned-replies`, {
      data: { shortcut: 'thanks', text: 'Thank you for shopping with us!' },
    });
    expect(canned.status()).toBe(201);

    await nav(page).getByRole('link', { name: 'Inbox' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/inbox`);
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    await visible(page.getByText('No conversations here'));

    // Arrives without a reload.
    await customerWrites(wsId, number.id, 'Hi, where is my order 4711?');
    const row = rows(page).filter({ hasText: 'Carla Customer' });
    await visible(row.filter({ hasText: 'where is my order 4711' }));
    await row.click();
    await page.waitForURL(new RegExp(`/w/${wsId}/inbox/[^/?]+$`));
    await visible(history(page).getByText('Hi, where is my order 4711?'));
    await visible(page.getByTestId('conversation-title').filter({ hasText: 'Carla Customer' }));

    // Reply: queued until the number's worker sends it.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Your order ships today');
    await box.press('Enter');
    const reply = history(page).locator('[data-direction="out"]').filter({ hasText: 'Your order ships today' });
    await visible(reply);
    await visible(reply.locator('[data-status="queued"], [data-status="sending"], [data-status="sent"]'));
    await expect.poll(() => box.inputValue()).toBe('');

    await page.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => page.locator('input[aria-label="Assignee"]').inputValue()).toContain('Ana Owner');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await visible(status(page).filter({ hasText: 'resolved' }));

    // A new customer message reopens it, live.
    await customerWrites(wsId, number.id, 'Also: can I change the address?');
    await visible(history(page).getByText('Also: can I change the address?'));
    await visible(status(page).filter({ hasText: 'open' }));

    // Search finds it and opens the hit.
    await page.getByRole('textbox', { name: 'Search' }).fill('4711');
    const hit = rows(page).filter({ hasText: 'Carla Customer' });
    await visible(hit.locator('mark', { hasText: '4711' }));
    await page.getByRole('textbox', { name: 'Search' }).fill('');

    // Canned reply with "/".
    await box.fill('/than');
    const option = page.getByRole('option', { name: /\/thanks/ });
    await visible(option);
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('Thank you for shopping with us!');
    await box.press('Enter');
    await visible(history(page).locator('[data-direction="out"]').filter({ hasText: 'Thank you for shopping with us!' }));

    // A private note: shown in yellow, never sent.
    const messagesBefore = await server.database.db.selectFrom('messages').select('id').where('workspace_id', '=', wsId).execute();
    await page.getByLabel('Composer mode').getByText('Note', { exact: true }).click();
    const noteBox = page.getByRole('textbox', { name: 'Note' });
    await noteBox.fill('VIP customer, offer free shipping');
    await page.getByRole('button', { name: 'Add note' }).click();
    await visible(history(page).getByTestId('note').filter({ hasText: 'VIP customer, offer free shipping' }));
    const messagesAfter = await server.database.db.selectFrom('messages').select('id').where('workspace_id', '=', wsId).execute();
    expect(messagesAfter).toHaveLength(messagesBefore.length);

    // The draft survives a reload.
    await page.getByLabel('Composer mode').getByText('Reply', { exact: true }).click();
    await box.fill('half-typed answer');
    await page.waitForTimeout(400);
    await page.reload();
    await expect.poll(() => page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('half-typed answer');
    expect(dialogs).toEqual([]);
  });

  it('two people see each other’s changes live, and customer HTML stays text', async () => {
    const { browser, server, page } = t;
    const wsId = await signUpFirstUser(page);
    const number = await insertTestNumber(server.database.db, wsId, { name: 'Shop line' });
    const added = await page.request.post(`/api/v1/workspaces/${wsId}/members`, {
      data: { name: 'Bo Agent', email: 'bo@example.com', password: 'another long passphrase', role: 'agent' },
    });
    expect(added.status()).toBe(201);
    await customerWrites(wsId, number.id, 'First question');

    const other = await newContext(browser, server.url);
    other.context.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await other.page.goto('/signin');
      await signIn(other.page, 'bo@example.com', 'another long passphrase');
      await other.page.waitForURL(/\/w\//);

      await openInbox(page, wsId);
      await openInbox(other.page, wsId);
      await rows(page).filter({ hasText: 'Carla Customer' }).click();
      await rows(other.page).filter({ hasText: 'Carla Customer' }).click();
      await visible(history(other.page).getByText('First question'));

      // Ana marks it pending; Bo sees it.
      await page.getByRole('button', { name: 'More statuses' }).click();
      await page.getByRole('menuitem', { name: 'Mark pending' }).click();
      await visible(status(other.page).filter({ hasText: 'pending' }));

      // Bo adds a note and replies; Ana sees both.
      await other.page.getByLabel('Composer mode').getByText('Note', { exact: true }).click();
      await other.page.getByRole('textbox', { name: 'Note' }).fill('I will call her');
      await other.page.getByRole('button', { name: 'Add note' }).click();
      await visible(history(page).getByTestId('note').filter({ hasText: 'I will call her' }));
      await other.page.getByLabel('Composer mode').getByText('Reply', { exact: true }).click();
      await other.page.getByRole('textbox', { name: 'Message' }).fill('Hello from Bo');
      await other.page.getByRole('textbox', { name: 'Message' }).press('Enter');
      await visible(history(page).getByText('Hello from Bo'));

      // Hostile customer text: shown literally in both dashboards, nothing runs.
      const hostile = '<img src=x onerror=alert(1)>';
      await customerWrites(wsId, number.id, hostile);
      for (const p of [page, other.page]) {
        await visible(history(p).locator('.message-text').filter({ hasText: hostile }));
        expect(await history(p).locator('img[src="x"]').count()).toBe(0);
      }
      await visible(rows(page).filter({ hasText: hostile }));
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
    } finally {
      await other.context.close();
    }
  });
});
