import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '../support/clock.js';
import { customer, inbound } from '../support/inbound.js';
import { insertTestNumber } from '../support/numbers.js';
import { startTestServer } from '../support/server.js';
import { useBrowserTest, visible } from './browser.js';
import { nav, signUpFirstUser } from './flows.js';

const MIN = 60_000;
let clock: FakeClock;
const t = useBrowserTest({
  server: () => {
    // The server's clock starts at the browser's "now" and is moved by the test.
    clock = fakeClock(Date.now());
    return startTestServer({ clock });
  },
});

/** Moves the server's time and lets the evaluator do what falls due (as its timer would). */
async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await t.server.services.sla.evaluator.runOnce();
}

const badge = (p: Page) => p.getByTestId('conversation-row').filter({ hasText: 'Carla Customer' }).locator('[data-sla-state]');

describe('SLA alerts', () => {
  it('a waiting customer turns at risk then breached, the team is notified, a reply clears it, and the report shows the breach', async () => {
    const { server, page } = t;
    const wsId = await signUpFirstUser(page);
    const number = await insertTestNumber(server.database.db, wsId, { name: 'Shop line' });
    await page.goto(`/w/${wsId}/inbox`);
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();

    // A customer message through the real ingest starts the first-response clock (15 minutes).
    await server.services.ingest.messages(
      { id: number.id, workspaceId: wsId },
      [inbound({ chat: customer('447700900555'), pushName: 'Carla Customer', timestamp: clock.now(), text: 'Is my order on its way?' })],
      { isHistory: false, upsertType: 'notify' },
    );
    await visible(badge(page).and(page.locator('[data-sla-state="on_track"]')));
    await expect.poll(() => badge(page).textContent()).toMatch(/1[45] min left/);

    // 12 minutes: at risk, live, with a notification and its badge in the header.
    await advance(12 * MIN);
    await visible(badge(page).and(page.locator('[data-sla-state="at_risk"]')));
    await visible(page.getByRole('button', { name: 'Notifications, 1 unread' }));

    // 15 minutes: breached.
    await advance(3 * MIN);
    await visible(badge(page).and(page.locator('[data-sla-state="breached"]')));
    await visible(page.getByRole('button', { name: 'Notifications, 2 unread' }));
    // The "Breached" filter keeps it; "At risk" does not.
    const chip = (name: string) => page.locator('label.mantine-Chip-label', { hasText: new RegExp(`^${name}$`) });
    await chip('At risk').click();
    await expect.poll(() => page.getByTestId('conversation-row').count()).toBe(0);
    await chip('At risk').click();
    await chip('Breached').click();
    await visible(page.getByTestId('conversation-row').filter({ hasText: 'Carla Customer' }));
    await chip('Breached').click();

    // The notification centre lists both and opens the conversation.
    await page.getByRole('button', { name: 'Notifications, 2 unread' }).click();
    const list = page.getByRole('list', { name: 'Notifications' });
    await visible(list.getByText('SLA breached: first response'));
    await visible(list.getByText('SLA at risk: first response'));
    await list.getByText('SLA breached: first response').click();
    await page.waitForURL(new RegExp(`/w/${wsId}/inbox/[^/?]+$`));
    await visible(page.getByRole('button', { name: 'Notifications, 1 unread' }));

    // An agent's reply stops the clock: the badge goes away.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Yes, it ships today!');
    await box.press('Enter');
    await expect.poll(() => badge(page).count()).toBe(0);
    await advance(60 * MIN);
    expect(await server.database.db.selectFrom('sla_events').select('kind').execute()).toHaveLength(2);

    // The home page counts it as answered; the report shows the breach and the missed target.
    await nav(page).getByRole('link', { name: 'Home' }).click();
    await visible(page.getByTestId('stat-breached').filter({ hasText: '0' }));
    await nav(page).getByRole('link', { name: 'SLA' }).click();
    const table = page.getByRole('table', { name: 'SLA report' });
    await visible(table);
    const total = table.getByRole('row').filter({ hasText: 'All' });
    await visible(total.getByRole('cell', { name: '0%' }));
    await expect.poll(() => total.getByRole('cell').last().textContent()).toBe('1');
  });
});
