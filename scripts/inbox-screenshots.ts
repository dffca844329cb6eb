/**
 * Saves PNGs of the team inbox into ./screenshots/ (gitignored) with a few
 * realistic conversations: every message kind, a failed send, notes, labels,
 * search. Needs a built dashboard:
 *   npx vite build && npx tsx scripts/inbox-screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { newId } from '../src/server/lib/ids.js';
import type { InboundMessage } from '../src/server/whatsapp/provider.js';
import { assertWebBuilt, launchBrowser, newContext } from '../test/e2e/browser.js';
import { signUpFirstUser } from '../test/e2e/flows.js';
import { customer, inbound, mediaInfo } from '../test/support/inbound.js';
import { insertTestNumber } from '../test/support/numbers.js';
import { startTestServer } from '../test/support/server.js';

const OUT = path.resolve(import.meta.dirname, '../screenshots');
const HOUR = 3_600_000;

async function main(): Promise<void> {
  assertWebBuilt();
  fs.mkdirSync(OUT, { recursive: true });
  const server = await startTestServer({ dialect: 'sqlite' });
  const browser = await launchBrowser();
  try {
    const { context, page } = await newContext(browser, server.url, { width: 1440, height: 900 });
    const shot = async (name: string, p: Page = page) => {
      await p.waitForLoadState('networkidle');
      await p.waitForTimeout(300);
      await p.screenshot({ path: path.join(OUT, `${name}.png`), animations: 'disabled' });
      console.log(`screenshots/${name}.png`);
    };

    const ws = await signUpFirstUser(page);
    const db = server.database.db;
    const number = await insertTestNumber(db, ws, { name: 'Shop line' });
    const ref = { id: number.id, workspaceId: ws };
    const now = Date.now();
    const write = (messages: InboundMessage[]) =>
      server.services.ingest.messages(ref, messages, { isHistory: false, upsertType: 'notify' });
    await page.request.post(`/api/v1/workspaces/${ws}/members`, {
      data: { name: 'Bo Agent', email: 'bo@example.com', password: 'another long passphrase', role: 'agent' },
    });
    for (const [name, color] of [
      ['VIP', 'grape'],
      ['Refund', 'red'],
      ['Wholesale', 'blue'],
    ] as const) {
      await page.request.post(`/api/v1/workspaces/${ws}/labels`, { data: { name, color } });
    }
    await page.request.post(`/api/v1/workspaces/${ws}/canned-replies`, { data: { shortcut: 'thanks', text: 'Thank you for your order!' } });
    await page.request.post(`/api/v1/workspaces/${ws}/canned-replies`, {
      data: { shortcut: 'hours', text: 'We are open 9:00–18:00, Monday to Saturday.' },
    });

    // Many customers, so the list scrolls.
    const names = [
      'Amira Haddad',
      'Ben Carter',
      'Chen Wei',
      'Dara O’Neill',
      'Eva Novak',
      'Farid Khan',
      'Grace Lee',
      'Hugo Silva',
      'Ines Moreau',
      'Jonas Berg',
    ];
    for (let i = 0; i < 40; i++) {
      await write([
        inbound({
          chat: customer(`4477009${String(10000 + i).slice(1)}`),
          pushName: `${names[i % names.length]}${i >= names.length ? ` ${Math.floor(i / names.length) + 1}` : ''}`,
          timestamp: now - (40 - i) * 37 * 60_000,
          text: ['Is this still in stock?', 'When will my parcel arrive?', 'Can I pay on delivery?', 'Thanks, got it!'][i % 4]!,
        }),
      ]);
    }

    // One conversation with every kind of message.
    const carla = customer('447700900555');
    const first = inbound({
      chat: carla,
      pushName: 'Carla Customer',
      timestamp: now - 26 * HOUR,
      text: 'Hi! I ordered the blue teapot last week, order 4711.',
    });
    await write([first]);
    await write([
      inbound({ chat: carla, timestamp: now - 26 * HOUR + 60_000, kind: 'image', text: 'It arrived like this 😢', media: mediaInfo() }),
      inbound({
        chat: carla,
        timestamp: now - 26 * HOUR + 120_000,
        kind: 'document',
        text: null,
        media: mediaInfo({ mimetype: 'application/pdf', fileName: 'receipt-4711.pdf', fileLength: 183_422 }),
      }),
      inbound({
        chat: carla,
        timestamp: now - 26 * HOUR + 180_000,
        kind: 'voice',
        text: null,
        media: mediaInfo({ mimetype: 'audio/ogg; codecs=opus', seconds: 7 }),
      }),
      inbound({
        chat: carla,
        timestamp: now - 26 * HOUR + 240_000,
        kind: 'location',
        text: null,
        location: { lat: 51.50135, lng: -0.14189, name: 'Home', address: '10 Example Road, London', live: false },
      }),
      inbound({
        chat: carla,
        timestamp: now - 26 * HOUR + 300_000,
        kind: 'contact',
        text: null,
        contacts: [
          { displayName: 'Dan (my husband)', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Dan\nTEL;type=CELL:+44 7700 900999\nEND:VCARD' },
        ],
      }),
      inbound({
        chat: carla,
        timestamp: now - 2 * HOUR,
        text: 'Any news? Details here: https://example.com/orders/4711 <img src=x onerror=alert(1)>',
        quoted: { providerMessageId: first.providerMessageId, text: first.text },
      }),
    ]);
    const conv = await db
      .selectFrom('conversations as c')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .select('c.id')
      .where('k.phone', '=', '447700900555')
      .executeTakeFirstOrThrow();
    // Our side: a delivered reply, a read one, an edit, a failed send.
    const out = (text: string, at: number, status: 'delivered' | 'read' | 'failed', error: string | null = null) =>
      db
        .insertInto('messages')
        .values({
          id: newId(at),
          workspace_id: ws,
          conversation_id: conv.id,
          number_id: number.id,
          provider_message_id: status === 'failed' ? null : `OUT${at}`,
          direction: 'out',
          sender_user_id: null,
          kind: 'text',
          text,
          media_id: null,
          quoted_provider_id: null,
          quoted_text: null,
          payload: '{}',
          status,
          error,
          edited_at: null,
          revoked_at: null,
          sent_at: at,
          created_at: at,
          attempts: 1,
          next_attempt_at: null,
          claimed_by: null,
          claim_expires_at: null,
        })
        .execute();
    await out('So sorry about that! We will send a new one today.', now - 25 * HOUR, 'read');
    await out('Tracking number: GB123456789', now - 25 * HOUR + 60_000, 'delivered');
    await out('Following up on your replacement', now - HOUR, 'failed', 'number offline');
    await db
      .updateTable('conversations')
      .set({ last_message_at: now - 2 * HOUR + 1 })
      .where('id', '=', conv.id)
      .execute();
    const labels = (await (await page.request.get(`/api/v1/workspaces/${ws}/labels`)).json()) as { items: Array<{ id: string }> };
    await page.request.patch(`/api/v1/workspaces/${ws}/conversations/${conv.id}`, {
      data: { labelIds: [labels.items[0]!.id, labels.items[1]!.id] },
    });
    await page.request.post(`/api/v1/workspaces/${ws}/conversations/${conv.id}/notes`, {
      data: { text: 'Replacement approved by Ana; ship with tracking.' },
    });

    await page.goto(`/w/${ws}/inbox`);
    await page.getByTestId('conversation-row').first().waitFor();
    await shot('inbox-01-list');

    await page.goto(`/w/${ws}/inbox/${conv.id}`);
    await page.getByTestId('history').waitFor();
    await page
      .getByText('Start of the conversation')
      .waitFor()
      .catch(() => undefined);
    await shot('inbox-02-conversation');

    await page.getByRole('textbox', { name: 'Message' }).fill('/');
    await page.getByRole('option').first().waitFor();
    await shot('inbox-03-canned');
    await page.getByRole('textbox', { name: 'Message' }).fill('');
    await page.getByLabel('Composer mode').getByText('Note', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Note' }).fill('Customer prefers a call after 17:00');
    await shot('inbox-04-note');

    await page.getByRole('textbox', { name: 'Search' }).fill('teapot');
    await page.locator('mark').first().waitFor();
    await shot('inbox-05-search');

    const phone = await newContext(browser, server.url, { width: 390, height: 844 });
    await phone.page.goto('/signin');
    await phone.page.getByLabel('Email').fill('ana@example.com');
    await phone.page.getByRole('textbox', { name: 'Password', exact: true }).fill('correct horse battery staple');
    await phone.page.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.waitForURL(/\/w\//);
    await phone.page.goto(`/w/${ws}/inbox`);
    await phone.page.getByTestId('conversation-row').first().waitFor();
    await shot('inbox-06-mobile-list', phone.page);
    await phone.page.goto(`/w/${ws}/inbox/${conv.id}`);
    await phone.page.getByTestId('history').waitFor();
    await shot('inbox-07-mobile-conversation', phone.page);
    await phone.context.close();
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
