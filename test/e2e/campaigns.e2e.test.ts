import fs from 'node:fs';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startCampaignSender } from '../../src/server/jobs/campaign-sender.js';
import { systemClock } from '../../src/server/lib/clock.js';
import { insertContacts, ukPhone } from '../support/campaigns.js';
import { fakeProvider } from '../support/fake-provider.js';
import { insertTestNumber } from '../support/numbers.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { screenshot, useBrowserTest, visible } from './browser.js';
import { signUpFirstUser } from './flows.js';
import { TINY_PNG } from '../support/files.js';

/** WhatsApp is the manager tests' fake session: it connects at once and accepts every send. */
async function startCampaignServer(): Promise<TestServer> {
  const provider = fakeProvider({ onStart: (session) => session.connect() });
  const server = await startTestServer({
    startNumbers: true,
    whatsapp: {
      createSession: (n, auth) => provider.create(n, auth),
      holderId: 'e2e',
      manager: { acquireEveryMs: 200, send: { pollMs: 200, gapCapMs: 0 } },
    },
  });
  const sender = startCampaignSender({
    db: server.database.db,
    clock: systemClock,
    bus: server.services.bus,
    engine: server.services.campaignEngine,
    logger: pino({ level: 'silent' }),
    pollMs: 200,
    typingMs: [0, 0],
  });
  return {
    ...server,
    async close() {
      await sender.stop();
      await server.close();
    },
  };
}

describe('campaigns in the browser', () => {
  const t = useBrowserTest({ sharedServer: true, server: startCampaignServer });
  const shot = (page: Page, name: string) => screenshot(page, name, { fullPage: true, settled: true });

  it(
    'builds a campaign from a label and a CSV, previews it, starts, watches progress, pauses, resumes and exports results',
    { timeout: 120_000 },
    async () => {
      const { page, server } = t;
      const ws = await signUpFirstUser(page);
      const now = Date.now();
      await insertTestNumber(server.database.db, ws, {
        name: 'Sales line',
        created_at: now,
        linked_at: now - 60 * 86_400_000,
        state: 'idle',
      });
      await insertContacts(
        server.database.db,
        ws,
        [
          { phone: ukPhone(1), name: 'Ada Lovelace' },
          { phone: ukPhone(2), name: 'Grace Hopper' },
          { phone: ukPhone(3), name: 'Opted Out', optedOut: true },
        ],
        { label: 'VIP', now },
      );

      await page.goto(`/w/${ws}/campaigns`);
      await visible(page.getByText('No campaigns yet'));
      await shot(page, '40-campaigns-empty');
      await page.getByRole('button', { name: 'New campaign' }).click();
      await page.getByLabel('Campaign name').fill('June offer');
      await page.getByRole('button', { name: 'Create draft' }).click();
      await visible(page.getByRole('heading', { name: 'Audience' }));

      // Audience: a label, then a CSV whose columns become variables.
      await page.getByPlaceholder('Choose labels').click();
      await page.getByRole('option', { name: 'VIP' }).click();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Add labelled contacts' }).click();
      await visible(page.getByText('Opted out: 1'));
      const csv = `phone,name,order_no\n+${ukPhone(10)},Linus,1042\n+${ukPhone(1)},Ada again,7\nnot-a-number,X,1\n`;
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Upload CSV' }).click();
      await (await chooser).setFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await visible(page.getByText('Duplicate: 1'));
      await visible(page.getByText('Invalid number: 1'));
      await visible(page.getByText('Columns: name, order_no'));

      // Message with a variable chip, a fallback, and a variant; the preview shows each recipient's text.
      const text = page.getByRole('textbox', { name: 'Text', exact: true });
      await text.fill('Hi ');
      await page.getByText('{{first_name}}', { exact: true }).click();
      await text.press('End');
      await text.pressSequentially(', your order {{order_no|is on its way}}.');
      await page.getByRole('button', { name: 'Add a variant' }).click();
      await page.getByRole('textbox', { name: 'Variant 2' }).fill('Hello {{name|there}}!');
      await page.getByRole('button', { name: 'Save message' }).click();
      const preview = page.getByTestId('preview');
      await visible(preview.getByText('Hi Linus, your order 1042.').or(preview.getByText('Hello Linus!')));
      await visible(preview.getByText(/Hi Ada, your order is on its way\.|Hello Ada Lovelace!/));

      // A picture to go with each message: a voice note is refused before upload, an image is attached.
      const attach = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
        const [fileChooser] = await Promise.all([
          page.waitForEvent('filechooser'),
          page.getByRole('button', { name: 'Attach an image, video or document' }).click(),
        ]);
        await fileChooser.setFiles(file);
      };
      await attach({ name: 'hello.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('ID3') });
      await visible(page.getByRole('alert').filter({ hasText: 'A campaign can send an image, a video or a document' }));
      await attach({ name: 'offer.png', mimeType: 'image/png', buffer: TINY_PNG });
      await visible(page.getByTestId('campaign-media').getByText('offer.png'));

      // Faster pacing for the test, then start.
      await page.getByLabel('Shortest pause (s)').fill('1');
      await page.getByLabel('Longest pause (s)').fill('1');
      await page.getByRole('button', { name: 'Save pacing' }).click();
      await visible(page.getByText(/3 recipients from 1 number, 1 s apart/));
      await shot(page, '41-campaign-builder');
      await page.getByRole('button', { name: 'Start sending' }).click();

      // Progress: live counts, then pause and resume.
      await visible(page.getByRole('heading', { name: 'Funnel' }));
      await page.getByRole('button', { name: 'Pause' }).click();
      await visible(page.getByText('Paused by Ana Owner'));
      await shot(page, '42-campaign-paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      const counts = page.getByTestId('counts');
      await expect.poll(async () => (await counts.textContent()) ?? '', { timeout: 20_000 }).toMatch(/Waiting0Sent3/);
      await visible(page.getByText('Completed'));
      await page.locator('label[for$="-skipped"]').click();
      await visible(page.getByRole('cell', { name: 'Opted out' }));
      await shot(page, '43-campaign-progress');

      // Results as CSV, with every recipient's outcome.
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Export results' }).click();
      const file = await (await download).path();
      const lines = fs.readFileSync(file!, 'utf8').trim().split('\n');
      expect(lines[0]).toMatch(/^phone,name,input,source,status,reason/);
      expect(lines).toHaveLength(1 + 6);
      expect(lines.filter((l) => l.includes(',sent,'))).toHaveLength(3);
      // Every message went out with the picture.
      const sent = await server.database.db
        .selectFrom('messages')
        .select(['media_id'])
        .where('workspace_id', '=', ws)
        .where('direction', '=', 'out')
        .execute();
      expect(sent).toHaveLength(3);
      expect(new Set(sent.map((m) => m.media_id)).size).toBe(1);
      expect(sent[0]!.media_id).not.toBeNull();

      await page.goto(`/w/${ws}/campaigns`);
      await visible(page.getByRole('link', { name: 'June offer' }));
      await shot(page, '44-campaigns-list');
    },
  );
});
