import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';
import { useBrowserTest, visible } from './browser.js';
import { signUpFirstUser } from './flows.js';
import { TINY_PNG } from '../support/files.js';

const t = useBrowserTest();

describe('composer attachments', () => {
  it('attaches an image with a caption and sends it; a file WhatsApp cannot send is refused before upload', async () => {
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
    const screenshots = path.resolve('screenshots');
    fs.mkdirSync(screenshots, { recursive: true });
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Here it is, freshly packed');
    await page.screenshot({ path: path.join(screenshots, 'composer-attachment.png') });
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
});
