/**
 * The whole WhatsApp path through the real Baileys socket: the dashboard links a
 * number against the local protocol peer (test/wa-sim), a customer writes, the
 * agent answers, and the customer's phone receives, delivers and reads it.
 * Nothing here touches the adapter: a broken ingest or send path fails the test.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { startWaPeer, type WaPeer } from '../support/wa-peer.js';
import { assertWebBuilt, launchBrowser, newContext, visible } from './browser.js';
import { nav, signUpFirstUser } from './flows.js';

const BUSINESS = { phone: '15550001000', pushName: 'Acme Corner Shop' };
const CUSTOMER = { phone: '447700900123', pushName: 'Jane Customer' };

interface LiveFrame {
  type: string;
  payload?: Record<string, unknown>;
}

let browser: Browser;
let peer: WaPeer;
let server: Awaited<ReturnType<typeof startTestServer>>;
let context: BrowserContext;
let page: Page;
/** Every frame the dashboard's live WebSocket received, in order. */
let frames: LiveFrame[];

beforeAll(async () => {
  assertWebBuilt();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  peer = await startWaPeer();
  server = await startTestServer({ env: peer.env, startNumbers: true });
  ({ context, page } = await newContext(browser, server.url));
  frames = [];
  page.on('websocket', (socket) => {
    if (!socket.url().endsWith('/events')) return;
    socket.on('framereceived', (frame) => {
      try {
        frames.push(JSON.parse(String(frame.payload)) as LiveFrame);
      } catch {
        // not JSON: ignore
      }
    });
  });
});
afterEach(async () => {
  await context?.close();
  await server?.close();
  await peer?.close();
});

/** Resolves once the dashboard has received a live frame matching `match`. */
async function liveFrame(match: (f: LiveFrame) => boolean, what: string): Promise<LiveFrame> {
  await expect.poll(() => frames.some(match), { timeout: 15_000, message: `live event: ${what}` }).toBe(true);
  return frames.find(match)!;
}

describe('WhatsApp through the real protocol', () => {
  it('links a number by QR, shows a customer message live, and the reply reaches the customer and is delivered then read', async () => {
    const { sim } = peer;
    const wsId = await signUpFirstUser(page);

    // Add a number; the link dialog shows the live QR from WhatsApp.
    await nav(page).getByRole('link', { name: 'Numbers' }).click();
    await page.waitForURL(`${server.url}/w/${wsId}/numbers`);
    await visible(page.getByTestId('live-indicator').and(page.locator('[data-live="live"]')));
    await page.getByRole('button', { name: 'Add number' }).first().click();
    await page.getByLabel('Name').fill('Sales line');
    await page.getByRole('button', { name: 'Add and link' }).click();
    const dialog = page.getByRole('dialog', { name: /Link “Sales line” to WhatsApp/ });
    const qrImage = await visible(dialog.getByTestId('link-qr'));
    const qr = await qrImage.getAttribute('data-qr-payload');
    expect(qr).toBeTruthy();
    await visible(dialog.getByTestId('number-status').and(page.locator('[data-state="waiting_for_scan"]')));

    // The business phone scans it: the dialog turns into a success with the phone number.
    await sim.scanQr(qr!, BUSINESS);
    await visible(dialog.getByTestId('link-success'));
    expect((await dialog.getByTestId('linked-phone').innerText()).replace(/\D/g, '')).toBe(BUSINESS.phone);
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByTestId('number-row').filter({ hasText: 'Sales line' });
    await visible(row.getByTestId('number-status').and(page.locator('[data-state="connected"]')));
    const numberId = await row.getAttribute('data-number-id');
    expect(numberId).toBeTruthy();

    // A customer writes from their phone: the message reaches the open dashboard live, without a reload.
    sim.createCustomer(CUSTOMER);
    const inbound = await sim.sendText(CUSTOMER.phone, 'Hi! Is my order #1042 ready for pick-up?');
    const created = await liveFrame((f) => f.type === 'message.created' && f.payload?.direction === 'in', 'inbound message.created');
    const stored = await server.database.db
      .selectFrom('messages')
      .select(['id', 'text', 'direction', 'provider_message_id', 'number_id'])
      .where('id', '=', String(created.payload!.messageId))
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      text: 'Hi! Is my order #1042 ready for pick-up?',
      direction: 'in',
      provider_message_id: inbound.id,
      number_id: numberId,
    });
    // WaSphere's phone confirmed receipt to the customer.
    await sim.waitForReceipt(CUSTOMER.phone, inbound.id);

    // The agent answers; the customer's phone decrypts exactly that text.
    const replyText = 'Hello Jane, yes — it is ready. See you soon!';
    const sent = await page.request.post(`/api/v1/workspaces/${wsId}/messages`, {
      data: { numberId, to: `+${CUSTOMER.phone}`, text: replyText },
    });
    expect(sent.status()).toBe(202);
    const reply = (await sent.json()) as { id: string; conversationId: string };
    expect(reply.conversationId).toBe(created.payload!.conversationId);
    const received = await sim.waitForMessage(CUSTOMER.phone, (m) => m.text === replyText, 15_000);
    expect(sim.receivedBy(CUSTOMER.phone).map((m) => m.text)).toEqual([replyText]);
    await liveFrame((f) => f.type === 'message.status' && f.payload?.messageId === reply.id && f.payload?.status === 'sent', 'sent');

    // The customer's phone confirms delivery, then reads it; the dashboard hears both, in that order.
    // (A receipt that lands inside Baileys' ~100 ms buffer of its own send can be folded into it, so
    // delivery is repeated until it shows; repeats are harmless, as on the real network.)
    const statusOf = (s: string) => (f: LiveFrame) =>
      f.type === 'message.status' && f.payload?.messageId === reply.id && f.payload?.status === s;
    await expect
      .poll(
        () => {
          if (!frames.some(statusOf('delivered'))) sim.deliver(CUSTOMER.phone, received.id);
          return frames.some(statusOf('delivered'));
        },
        { timeout: 15_000, intervals: [250, 500, 1000] },
      )
      .toBe(true);
    sim.read(CUSTOMER.phone, received.id);
    await liveFrame(statusOf('read'), 'read');
    const order = frames.filter((f) => f.type === 'message.status' && f.payload?.messageId === reply.id).map((f) => f.payload!.status);
    expect(order.indexOf('delivered')).toBeLessThan(order.indexOf('read'));
    const final = await server.database.db
      .selectFrom('messages')
      .select(['status', 'text'])
      .where('id', '=', reply.id)
      .executeTakeFirstOrThrow();
    expect(final).toEqual({ status: 'read', text: replyText });
  }, 120_000);
});
