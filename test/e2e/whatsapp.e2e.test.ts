/**
 * The whole WhatsApp path through the real Baileys socket: the dashboard links a
 * number against the local protocol peer (test/wa-sim), a customer writes, the
 * agent answers, and the customer's phone receives, delivers and reads it.
 * Nothing here touches the adapter: a broken ingest or send path fails the test.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { startServerOnPeer, startWaPeer, type WaPeer } from '../support/wa-peer.js';
import { screenshot, useBrowserTest, visible } from './browser.js';
import { nav, signUpFirstUser } from './flows.js';

const BUSINESS = { phone: '15550001000', pushName: 'Acme Corner Shop' };
const CUSTOMER = { phone: '447700900123', pushName: 'Jane Customer' };

interface LiveFrame {
  type: string;
  payload?: Record<string, unknown>;
}

let peer: WaPeer;
const t = useBrowserTest({ server: async () => startServerOnPeer((peer = await startWaPeer())) });
/** Every frame the dashboard's live WebSocket received, in order. */
let frames: LiveFrame[];
beforeEach(() => {
  frames = [];
  t.page.on('websocket', (socket) => {
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

/** Resolves once the dashboard has received a live frame matching `match`. */
async function liveFrame(match: (f: LiveFrame) => boolean, what: string): Promise<LiveFrame> {
  await expect.poll(() => frames.some(match), { timeout: 15_000, message: `live event: ${what}` }).toBe(true);
  return frames.find(match)!;
}

/**
 * Signs up, adds a number and links it by scanning the dashboard's live QR with the business
 * phone, as a person does; returns the workspace and number ids once the number is connected.
 */
async function signUpAndLinkNumber(): Promise<{ wsId: string; numberId: string }> {
  const { page, server } = t;
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
  return { wsId, numberId: numberId! };
}

/** Opens the inbox and waits for its live connection. */
async function openInbox(wsId: string): Promise<void> {
  const { page, server } = t;
  await nav(page).getByRole('link', { name: 'Inbox' }).click();
  await page.waitForURL(`${server.url}/w/${wsId}/inbox`);
  await visible(page.locator('[data-testid="live-status"][data-status="live"]'));
}

describe('WhatsApp through the real protocol', () => {
  it('links a number by QR, shows a customer message live, and the reply reaches the customer and is delivered then read', async () => {
    const { server, page } = t;
    const { sim } = peer;
    const { wsId, numberId } = await signUpAndLinkNumber();

    // The agent has the inbox open. A customer writes from their phone: the conversation and the
    // message appear live, without a reload.
    await openInbox(wsId);
    sim.createCustomer(CUSTOMER);
    const inboundText = 'Hi! Is my order #1042 ready for pick-up?';
    const inbound = await sim.sendText(CUSTOMER.phone, inboundText);
    const conversation = page.getByTestId('conversation-row').filter({ hasText: CUSTOMER.pushName });
    await visible(conversation.filter({ hasText: 'Is my order #1042 ready' }));
    await conversation.click();
    const history = page.getByTestId('history');
    await visible(history.locator('[data-direction="in"]').filter({ hasText: inboundText }));
    // Stored as WhatsApp delivered it, on this number.
    const created = await liveFrame((f) => f.type === 'message.created' && f.payload?.direction === 'in', 'inbound message.created');
    const stored = await server.database.db
      .selectFrom('messages')
      .select(['text', 'direction', 'provider_message_id', 'number_id'])
      .where('id', '=', String(created.payload!.messageId))
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ text: inboundText, direction: 'in', provider_message_id: inbound.id, number_id: numberId });
    // WaSphere's phone confirmed receipt to the customer.
    await sim.waitForReceipt(CUSTOMER.phone, inbound.id);

    // The agent answers from the composer; the customer's phone decrypts exactly that text.
    const replyText = 'Hello Jane, yes — it is ready. See you soon!';
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(replyText);
    await box.press('Enter');
    const bubble = history.locator('[data-direction="out"]').filter({ hasText: replyText });
    await visible(bubble);
    const received = await sim.waitForMessage(CUSTOMER.phone, (m) => m.text === replyText, 15_000);
    expect(sim.receivedBy(CUSTOMER.phone).map((m) => m.text)).toEqual([replyText]);
    const replyId = await bubble.getAttribute('data-message-id');
    expect(replyId).toBeTruthy();
    await visible(bubble.locator('[data-status="sent"]'));

    // The customer's phone confirms delivery, then reads it: the ticks change on the open page.
    // (A receipt that lands inside Baileys' ~100 ms buffer of its own send can be folded into it, so
    // delivery is repeated until it shows; repeats are harmless, as on the real network.)
    await expect
      .poll(
        async () => {
          const shown = (await bubble.locator('[data-status="delivered"]').count()) > 0;
          if (!shown) sim.deliver(CUSTOMER.phone, received.id);
          return shown;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);
    sim.read(CUSTOMER.phone, received.id);
    await visible(bubble.locator('[data-status="read"]'));
    const order = frames
      .filter((f) => f.type === 'message.status' && f.payload?.messageId === replyId)
      .map((f) => String(f.payload!.status));
    expect(order.indexOf('delivered')).toBeGreaterThan(-1);
    expect(order.indexOf('delivered')).toBeLessThan(order.indexOf('read'));
    const final = await server.database.db
      .selectFrom('messages')
      .select(['status', 'text', 'provider_message_id'])
      .where('id', '=', replyId!)
      .executeTakeFirstOrThrow();
    expect(final).toEqual({ status: 'read', text: replyText, provider_message_id: received.id });
  }, 120_000);

  it("shows the customer typing on their phone in the open conversation, until they pause or their message arrives; the agent's typing reaches the phone", async () => {
    const { page } = t;
    const { sim } = peer;
    const { wsId } = await signUpAndLinkNumber();
    await openInbox(wsId);
    sim.createCustomer(CUSTOMER);
    await sim.sendText(CUSTOMER.phone, 'Hello, quick question');
    await page.getByTestId('conversation-row').filter({ hasText: CUSTOMER.pushName }).click();
    const history = page.getByTestId('history');
    await visible(history.getByText('Hello, quick question'));

    // Opening the conversation subscribes the number to the customer's presence, without which
    // WhatsApp forwards no chat states.
    await sim.waitForPresenceSubscription(CUSTOMER.phone, { timeoutMs: 15_000 });
    const indicator = page.getByTestId('typing-indicator');
    expect(await indicator.innerText()).toBe('');

    // The customer types: their phone's chat state reaches Baileys and the agent sees it.
    expect(sim.sendChatState(CUSTOMER.phone, 'composing')).toBe(1);
    await visible(indicator.getByText(`${CUSTOMER.pushName} is typing…`));
    await screenshot(page, 'typing-indicator-whatsapp');
    // They stop without sending: it clears.
    sim.sendChatState(CUSTOMER.phone, 'paused');
    await expect.poll(() => indicator.innerText(), { timeout: 15_000 }).toBe('');

    // Recording a voice note reads as such.
    sim.sendChatState(CUSTOMER.phone, 'recording');
    await visible(indicator.getByText(`${CUSTOMER.pushName} is recording audio…`));

    // Typing again, then the message arrives: the message ends it, with no "paused" from the phone.
    sim.sendChatState(CUSTOMER.phone, 'composing');
    await visible(indicator.getByText(`${CUSTOMER.pushName} is typing…`));
    await sim.sendText(CUSTOMER.phone, 'Do you deliver on Sundays?');
    await visible(history.getByText('Do you deliver on Sundays?'));
    await expect.poll(() => indicator.innerText(), { timeout: 15_000 }).toBe('');

    // The other way: the agent typing a reply shows "typing…" on the customer's phone, and sending ends it.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.pressSequentially('Yes, we do', { delay: 20 });
    await expect.poll(() => sim.chatStatesFromBusiness(CUSTOMER.phone), { timeout: 15_000 }).toEqual(['composing']);
    await box.press('Enter');
    await sim.waitForMessage(CUSTOMER.phone, (m) => m.text === 'Yes, we do', 15_000);
    await expect.poll(() => sim.chatStatesFromBusiness(CUSTOMER.phone), { timeout: 15_000 }).toEqual(['composing', 'paused']);
  }, 120_000);
});
