/**
 * PNGs of the Numbers page against the local WhatsApp peer, into ./screenshots/
 * (gitignored): the list, the QR dialog, the connected dialog, a logged-out number
 * and the number's own page. Needs a built dashboard:
 *   npx vite build && npx tsx scripts/numbers-screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { assertWebBuilt, launchBrowser, newContext } from '../test/e2e/browser.js';
import { signUpFirstUser } from '../test/e2e/flows.js';
import { startTestServer } from '../test/support/server.js';
import { startWaPeer } from '../test/support/wa-peer.js';

const OUT = path.resolve(import.meta.dirname, '../screenshots');

async function main(): Promise<void> {
  assertWebBuilt();
  fs.mkdirSync(OUT, { recursive: true });
  const peer = await startWaPeer();
  const server = await startTestServer({ dialect: 'sqlite', env: peer.env, startNumbers: true });
  const browser = await launchBrowser();
  try {
    const { page } = await newContext(browser, server.url);
    const shot = async (name: string, p: Page = page) => {
      await p.evaluate('document.fonts.ready');
      await p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true, animations: 'disabled' });
      console.log(`screenshots/${name}.png`);
    };

    const ws = await signUpFirstUser(page);
    await page.goto(`/w/${ws}/numbers`);
    await page.getByText('No WhatsApp numbers yet').waitFor();
    await shot('20-numbers-empty');

    const link = async (name: string, phone: string, shots: boolean) => {
      await page.getByRole('button', { name: 'Add number' }).first().click();
      await page.getByLabel('Name').fill(name);
      if (shots) await shot('21-numbers-add');
      await page.getByRole('button', { name: 'Add and link' }).click();
      const qr = page.getByTestId('link-qr');
      await qr.waitFor();
      if (shots) await shot('22-numbers-qr-dialog');
      if (shots) {
        await page.getByRole('tab', { name: 'Pairing code' }).click();
        await shot('23-numbers-pairing-tab');
        await page.getByRole('tab', { name: 'QR code' }).click();
      }
      await peer.sim.scanQr((await qr.getAttribute('data-qr-payload'))!, { phone, pushName: name });
      await page.getByTestId('link-success').waitFor();
      if (shots) await shot('24-numbers-connected-dialog');
      await page.getByRole('button', { name: 'Done' }).click();
    };
    await link('Sales line', '15550001000', true);
    await link('Support', '447700900001', false);
    // A third number added but never linked, and one logged out from its phone.
    await page.getByRole('button', { name: 'Add number' }).first().click();
    await page.getByLabel('Name').fill('Returns desk');
    await page.getByRole('button', { name: 'Add and link' }).click();
    await page.getByTestId('link-qr').waitFor();
    await page.keyboard.press('Escape');
    peer.sim.logoutDevice('447700900001');
    await page.getByTestId('number-row').filter({ hasText: 'Support' }).locator('[data-state="logged_out"]').waitFor();
    await shot('25-numbers-list');

    await page.getByRole('link', { name: 'Sales line' }).click();
    await page.getByRole('heading', { name: 'Sending limits' }).waitFor();
    await shot('26-number-detail');
    await page.getByLabel('Longest delay (seconds)').fill('3');
    await page.getByRole('button', { name: 'Save sending limits' }).click();
    await page.getByText('Must not be shorter than the shortest delay').waitFor();
    await shot('27-number-limits-invalid');
    await page.getByRole('button', { name: 'Delete session' }).click();
    await page.getByLabel('Erase them too, with their media').check();
    await shot('28-number-delete-dialog');

    const phone = await newContext(browser, server.url, { width: 390, height: 844 });
    await phone.context.addCookies(await page.context().cookies());
    await phone.page.goto(`/w/${ws}/numbers`);
    await phone.page.getByTestId('numbers-table').waitFor();
    await shot('29-numbers-mobile', phone.page);
  } finally {
    await browser.close();
    await server.close();
    await peer.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
