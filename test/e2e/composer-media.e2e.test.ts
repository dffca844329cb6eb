import { createHash } from 'node:crypto';
import type { JSHandle, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';
import { screenshot, useBrowserTest, visible } from './browser.js';
import { signUpFirstUser } from './flows.js';
import { TINY_PNG } from '../support/files.js';

const t = useBrowserTest();

/** A fresh workspace with one customer conversation, open in the inbox. */
async function openCustomerConversation(): Promise<string> {
  const { page, server } = t;
  const wsId = await signUpFirstUser(page);
  const number = await insertTestNumber(server.database.db, wsId, { name: 'Shop line' });
  await server.services.ingest.messages(
    { id: number.id, workspaceId: wsId },
    [inbound({ chat: customer('447700900556'), pushName: 'Carla Customer', timestamp: Date.now(), text: 'Can I see the teapot?' })],
    { isHistory: false, upsertType: 'notify' },
  );
  await page.goto(`/w/${wsId}/inbox`);
  await page.getByTestId('conversation-row').filter({ hasText: 'Carla Customer' }).click();
  await visible(page.getByTestId('history').getByText('Can I see the teapot?'));
  return wsId;
}

// The few browser types the in-page code below uses: this test compiles without the DOM library.
declare const DataTransfer: new () => { items: { add(file: File): void } };
type DataTransfer = InstanceType<typeof DataTransfer>;
declare const ClipboardEvent: new (type: 'paste', init: { clipboardData: DataTransfer; bubbles: boolean; cancelable: boolean }) => Event;

/** Where a file comes from in the page: its bytes, or a size (zeros after a PNG signature) for files too big to pass over. */
type PageFile = { name: string; type: string } & ({ bytes: Buffer } | { size: number });

/** A DataTransfer holding files, built inside the page as the browser builds one for a drop or a paste. */
function dataTransfer(page: Page, files: PageFile[]): Promise<JSHandle<DataTransfer>> {
  const wire = files.map((f) => ({
    name: f.name,
    type: f.type,
    base64: 'bytes' in f ? f.bytes.toString('base64') : null,
    size: 'size' in f ? f.size : 0,
  }));
  return page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) {
      const bytes = f.base64 !== null ? Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) : new Uint8Array(f.size);
      if (f.base64 === null) bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      transfer.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return transfer;
  }, wire);
}

/** Drags files from the desktop over the composer and lets go, as Chromium dispatches it; `whileOver` runs before letting go. */
async function dropOn(target: Locator, files: PageFile[], whileOver?: () => Promise<void>): Promise<void> {
  const transfer = await dataTransfer(target.page(), files);
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await whileOver?.();
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

/** Pastes files (a screenshot on the clipboard) into a text box. */
async function pasteInto(box: Locator, files: PageFile[]): Promise<void> {
  const transfer = await dataTransfer(box.page(), files);
  await box.focus();
  await box.evaluate(
    (el, clipboardData) => el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true })),
    transfer,
  );
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('composer attachments', () => {
  it('attaches an image with a caption and sends it; a file WhatsApp cannot send is refused before upload', async () => {
    const { page, server } = t;
    await openCustomerConversation();

    // A type WhatsApp does not send: refused in place, nothing uploaded.
    /** Through the paperclip and the browser's file chooser, as a person picks a file. */
    const pick = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach a file' }).click()]);
      await chooser.setFiles(file);
    };
    await pick({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    const chip = page.getByTestId('attachment-chip');
    await visible(chip.getByText(/WhatsApp cannot send this type of file/));
    await expect.poll(() => page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await chip.getByRole('button', { name: 'Remove attachment' }).click();
    await chip.waitFor({ state: 'hidden' });

    await pick({ name: 'teapot.png', mimeType: 'image/png', buffer: TINY_PNG });
    await visible(chip.getByText('teapot.png'));
    await visible(chip.getByText(/70 B · image/));
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Here it is, freshly packed');
    await screenshot(page, 'composer-attachment');
    await box.press('Enter');

    const sent = page.getByTestId('history').locator('[data-direction="out"]').filter({ hasText: 'Here it is, freshly packed' });
    await visible(sent);
    await visible(sent.locator('img'));
    await chip.waitFor({ state: 'hidden' });
    const row = await server.database.db
      .selectFrom('messages')
      .select(['kind', 'text', 'media_id'])
      .where('direction', '=', 'out')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'image', text: 'Here it is, freshly packed', media_id: expect.any(String) });
  });

  it('a file dropped on the composer or an image pasted into it is sent and stored; too large, wrong type or not what it claims is refused on the chip', async () => {
    const { page, server } = t;
    await openCustomerConversation();
    const composer = page.getByTestId('composer');
    const chip = page.getByTestId('attachment-chip');
    const box = page.getByRole('textbox', { name: 'Message' });
    const sendButton = page.getByRole('button', { name: 'Send' });
    const history = page.getByTestId('history');
    const sentCount = () =>
      server.database.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('direction', '=', 'out')
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n));
    const removeAttachment = async () => {
      await chip.getByRole('button', { name: 'Remove attachment' }).click();
      await chip.waitFor({ state: 'hidden' });
    };

    // Too large for WhatsApp: refused in place with the limit, before any upload.
    await dropOn(composer, [{ name: 'holiday.png', type: 'image/png', size: 6 * 1024 * 1024 }]);
    await visible(chip.getByRole('alert').getByText('Images can be at most 5 MB on WhatsApp (this file is 6 MB).'));
    await screenshot(page, 'composer-attachment-too-large');
    await expect.poll(() => sendButton.isDisabled()).toBe(true);
    await removeAttachment();

    // A type WhatsApp does not send, dropped.
    await dropOn(composer, [{ name: 'setup.exe', type: 'application/x-msdownload', bytes: Buffer.from('MZ') }]);
    await visible(chip.getByRole('alert').getByText(/WhatsApp cannot send this type of file/));
    await removeAttachment();

    // Named and labelled a PNG but not one: the server reads the bytes and refuses it; the reason shows on the chip.
    await dropOn(composer, [{ name: 'photo.png', type: 'image/png', bytes: Buffer.from('just some text, not a picture') }]);
    await visible(chip.getByText('photo.png'));
    await sendButton.click();
    await visible(chip.getByRole('alert'));
    await visible(
      chip
        .getByRole('alert')
        .getByText("The file's contents do not match its type (image/png): it may be damaged, or renamed from another kind of file.", {
          exact: false,
        }),
    );
    expect(await sentCount()).toBe(0);
    await removeAttachment();

    // A PDF dropped from the desktop (with a second file, which WhatsApp cannot carry in the same
    // message: the chip says so) goes with the caption typed after it.
    const pdf = Buffer.from('%PDF-1.4\n% teapot invoice\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    await dropOn(
      composer,
      [
        { name: 'invoice-1042.pdf', type: 'application/pdf', bytes: pdf },
        { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('left behind') },
      ],
      async () => {
        // While the file hovers, the composer shows it will take it.
        await composer.and(page.locator('[data-dragging]')).waitFor();
        await screenshot(page, 'composer-dragging');
      },
    );
    await composer.and(page.locator(':not([data-dragging])')).waitFor();
    await visible(chip.getByText('invoice-1042.pdf'));
    await visible(
      chip
        .getByRole('alert')
        .getByText('WhatsApp sends one file per message: the other file was not attached. Send it in its own message.'),
    );
    await screenshot(page, 'composer-attachment-two-dropped');
    await visible(chip.getByText(/ · document/));
    expect(await box.getAttribute('placeholder')).toBe('Add a caption…');
    await box.fill('Your invoice');
    await box.press('Enter');
    const sentPdf = history.locator('[data-direction="out"]').filter({ hasText: 'invoice-1042.pdf' });
    await visible(sentPdf);
    await visible(sentPdf.getByText('Your invoice'));
    await chip.waitFor({ state: 'hidden' });

    // A screenshot pasted into the box: attached, sent without a caption.
    await pasteInto(box, [{ name: 'image.png', type: 'image/png', bytes: TINY_PNG }]);
    await visible(chip.getByText('image.png'));
    await visible(chip.getByText(/70 B · image/));
    await visible(chip.getByTestId('attachment-preview'));
    await screenshot(page, 'composer-attachment-pasted');
    await sendButton.click();
    await chip.waitFor({ state: 'hidden' });
    await expect.poll(sentCount).toBe(2);

    // Both stored as sent, with the very bytes that were dropped and pasted.
    const rows = await server.database.db
      .selectFrom('messages as m')
      .innerJoin('media as f', 'f.id', 'm.media_id')
      .select(['m.kind', 'm.text', 'f.mimetype', 'f.file_name', 'f.sha256', 'f.state'])
      .where('m.direction', '=', 'out')
      .orderBy('m.created_at')
      .execute();
    expect(rows).toEqual([
      {
        kind: 'document',
        text: 'Your invoice',
        mimetype: 'application/pdf',
        file_name: 'invoice-1042.pdf',
        sha256: sha256(pdf),
        state: 'stored',
      },
      { kind: 'image', text: null, mimetype: 'image/png', file_name: 'image.png', sha256: sha256(TINY_PNG), state: 'stored' },
    ]);
    // And served back to the page: the image shows, the document downloads as it was.
    const image = history.locator('[data-direction="out"] img').last();
    await visible(image);
    await expect.poll(() => image.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)).toBe(1);
    const href = await sentPdf.getByRole('link').getAttribute('href');
    const download = await page.request.get(href!);
    expect(download.status()).toBe(200);
    expect(sha256(await download.body())).toBe(sha256(pdf));
  });
});
