/**
 * Saves PNGs of the dashboard home, the SLA pages, the inbox SLA badges and the
 * notification centre into ./screenshots/ (gitignored), with two weeks of
 * answered conversations and a few open ones on track, at risk and breached.
 *   npx vite build && npx tsx scripts/sla-screenshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { assertWebBuilt, launchBrowser, newContext } from '../test/e2e/browser.js';
import { signUpFirstUser } from '../test/e2e/flows.js';
import { fakeClock } from '../test/support/clock.js';
import { customer, inbound } from '../test/support/inbound.js';
import { insertTestNumber } from '../test/support/numbers.js';
import { startTestServer } from '../test/support/server.js';

const OUT = path.resolve(import.meta.dirname, '../screenshots');
const MIN = 60_000;
const DAY = 86_400_000;

async function main(): Promise<void> {
  assertWebBuilt();
  fs.mkdirSync(OUT, { recursive: true });
  const realNow = Date.now();
  const start = Math.floor((realNow - 14 * DAY) / DAY) * DAY;
  const clock = fakeClock(start);
  const server = await startTestServer({ dialect: 'sqlite', clock });
  const browser = await launchBrowser();
  try {
    const { page } = await newContext(browser, server.url, { width: 1440, height: 900 });
    const shot = async (name: string, p: Page = page) => {
      await p.waitForLoadState('networkidle');
      await p.waitForTimeout(400);
      await p.screenshot({ path: path.join(OUT, `${name}.png`), animations: 'disabled', fullPage: true });
      console.log(`screenshots/${name}.png`);
    };
    const ws = await signUpFirstUser(page);
    const db = server.database.db;
    const { sla, ingest } = server.services;
    const sales = await insertTestNumber(db, ws, { name: 'Shop line', created_at: start });
    const support = await insertTestNumber(db, ws, { name: 'Support', phone: '447700900002', created_at: start, state: 'reconnecting' });
    await page.request.post(`/api/v1/workspaces/${ws}/members`, {
      data: { name: 'Bo Agent', email: 'bo@example.com', password: 'another long passphrase', role: 'agent' },
    });
    const vip = (await (await page.request.post(`/api/v1/workspaces/${ws}/labels`, { data: { name: 'VIP', color: 'grape' } })).json()) as {
      id: string;
    };
    await page.request.put(`/api/v1/workspaces/${ws}/sla/policy`, { data: { resolutionMinutes: 240 } });

    let seq = 0;
    const write = async (numberId: string, phone: string, text: string, name: string) => {
      await ingest.messages(
        { id: numberId, workspaceId: ws },
        [inbound({ chat: customer(phone), timestamp: clock.now(), text, pushName: name })],
        { isHistory: false, upsertType: 'notify' },
      );
      await sla.tracker.idle();
    };
    const conversationOf = async (phone: string) =>
      (
        await db
          .selectFrom('conversations as c')
          .innerJoin('contacts as k', 'k.id', 'c.contact_id')
          .select('c.id')
          .where('k.phone', '=', phone)
          .executeTakeFirstOrThrow()
      ).id;

    const names = ['Amira Haddad', 'Ben Carter', 'Chen Wei', 'Dara Okafor', 'Elif Yilmaz', 'Felipe Ramos', 'Grace Lee', 'Hugo Martin'];
    for (let d = 0; d < 14; d += 1) {
      const perDay = 3 + ((d * 7) % 5);
      for (let k = 0; k < perDay; k += 1) {
        seq += 1;
        const phone = `4477009${String(10000 + seq).slice(-5)}`;
        clock.set(start + d * DAY + 8 * 3_600_000 + k * 67 * MIN);
        await write(seq % 3 === 0 ? support.id : sales.id, phone, 'Hello, is my order on its way?', names[seq % names.length]!);
        const wait = (3 + ((seq * 13) % 22)) * MIN;
        clock.advance(wait);
        await sla.evaluator.runOnce();
        const id = await conversationOf(phone);
        if (seq % 4 === 0) await page.request.patch(`/api/v1/workspaces/${ws}/conversations/${id}`, { data: { labelIds: [vip.id] } });
        await page.request.post(`/api/v1/workspaces/${ws}/conversations/${id}/messages`, { data: { text: 'Yes, it ships today.' } });
        await sla.tracker.idle();
        clock.advance(((seq * 29) % 120) * MIN);
        await page.request.patch(`/api/v1/workspaces/${ws}/conversations/${id}`, { data: { status: 'resolved' } });
        await sla.tracker.idle();
      }
    }
    // Today: three customers waiting — on track, at risk and breached.
    clock.set(realNow - 25 * MIN);
    await write(sales.id, '447700955501', 'Do you have this in blue?', 'Ines Duarte');
    clock.set(realNow - 13 * MIN);
    await write(sales.id, '447700955502', 'My parcel arrived damaged', 'Jonas Berg');
    clock.set(realNow - 4 * MIN);
    await write(support.id, '447700955503', 'Can I change the address?', 'Kemi Adeyemi');
    clock.set(realNow);
    await sla.evaluator.runOnce();
    await sla.tracker.idle();

    await page.goto(`/w/${ws}`);
    await page.getByTestId('stat-open').waitFor();
    await shot('sla-01-home');
    await page.getByTestId('notification-bell').click();
    await page.getByRole('list', { name: 'Notifications' }).waitFor();
    await shot('sla-02-notifications');
    await page.keyboard.press('Escape');
    await page.goto(`/w/${ws}/inbox`);
    await page.locator('[data-sla-state]').first().waitFor();
    await shot('sla-03-inbox');
    await page.goto(`/w/${ws}/sla/reports`);
    await page.getByRole('table', { name: 'SLA report' }).waitFor();
    await shot('sla-04-reports');
    await page.getByText('By agent').click();
    await page.waitForTimeout(500);
    await shot('sla-05-reports-agent');
    await page.goto(`/w/${ws}/sla/policy`);
    await page.getByText('Business hours', { exact: true }).waitFor();
    await page.getByLabel('Count only business hours').check({ force: true });
    await shot('sla-06-policy');
    await page.goto(`/w/${ws}/sla/alerts`);
    await page.getByText('Delivery log').waitFor();
    await shot('sla-07-alerts');

    // An empty workspace keeps its next steps.
    const fresh = await page.request.post('/api/v1/workspaces', { data: { name: 'New brand' } });
    const freshId = ((await fresh.json()) as { id: string }).id;
    await page.goto(`/w/${freshId}`);
    await page.getByText('Next steps').waitFor();
    await shot('sla-08-home-empty');
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
