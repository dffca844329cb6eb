import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newContext, useBrowserTest, visible } from './browser.js';
import { nav, OWNER, signIn, signUpFirstUser } from './flows.js';

const t = useBrowserTest();

const AGENT = { name: 'Bo Agent', email: 'bo@example.com', password: 'another long passphrase' };

async function addLogin(p: Page, wsId: string, who = AGENT): Promise<void> {
  await p.goto(`/w/${wsId}/settings/members`);
  await p.getByRole('button', { name: 'Add login' }).click();
  const dialog = p.getByRole('dialog', { name: 'Add a login' });
  await dialog.getByLabel('Name').fill(who.name);
  await dialog.getByLabel('Email').fill(who.email);
  await dialog.getByRole('textbox', { name: 'Initial password' }).fill(who.password);
  await dialog.getByRole('button', { name: 'Add login' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await visible(p.getByRole('row').filter({ hasText: who.email }));
}

describe('team and roles', () => {
  it('an admin adds a login, changes its role and removes it after confirming', async () => {
    const wsId = await signUpFirstUser(t.page);
    await addLogin(t.page, wsId);
    const row = t.page.getByRole('row').filter({ hasText: AGENT.email });

    await row
      .locator('input')
      .and(row.getByLabel(`Role of ${AGENT.name}`))
      .click();
    await t.page.getByRole('option', { name: 'Admin', exact: true }).click();
    await visible(t.page.getByText(`${AGENT.name} is now admin.`));
    await t.page.reload();
    expect(await t.page.getByLabel(`Role of ${AGENT.name}`).and(t.page.locator('input')).inputValue()).toBe('Admin');

    await t.page.getByRole('button', { name: `Actions for ${AGENT.name}` }).click();
    await t.page.getByRole('menuitem', { name: 'Remove from workspace' }).click();
    const confirm = t.page.getByRole('dialog', { name: 'Remove from workspace?' });
    await visible(confirm.getByText(AGENT.email));
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await t.page.getByRole('row').filter({ hasText: AGENT.email }).waitFor({ state: 'detached' });
  });

  it('an agent sees workspace settings read-only and cannot manage invites', async () => {
    const wsId = await signUpFirstUser(t.page);
    await addLogin(t.page, wsId);

    const agent = await newContext(t.browser, t.server.url);
    try {
      await agent.page.goto('/signin');
      await signIn(agent.page, AGENT.email, AGENT.password);
      await agent.page.waitForURL(`${t.server.url}/w/${wsId}`);
      await visible(agent.page.getByText('Agent', { exact: true }));

      await agent.page.goto(`/w/${wsId}/settings/workspace`);
      await visible(agent.page.getByText('Only owners and admins can change workspace settings.'));
      expect(await agent.page.getByLabel('Workspace name').getAttribute('readonly')).not.toBeNull();
      expect(await agent.page.getByRole('button', { name: 'Save workspace settings' }).count()).toBe(0);
      expect(await agent.page.getByRole('tab', { name: 'Invites' }).count()).toBe(0);
      expect(await agent.page.getByRole('tab', { name: 'Instance' }).count()).toBe(0);

      // Members are listed, without role controls.
      await agent.page.getByRole('tab', { name: 'Members' }).click();
      await visible(agent.page.getByRole('row').filter({ hasText: OWNER.email }));
      expect(await agent.page.getByRole('button', { name: 'Add login' }).count()).toBe(0);
    } finally {
      await agent.context.close();
    }
  });

  it('"Sign out everywhere" ends other sessions: their next request goes to sign-in', async () => {
    const wsId = await signUpFirstUser(t.page);

    const other = await newContext(t.browser, t.server.url);
    try {
      await other.page.goto('/signin');
      await signIn(other.page, OWNER.email, OWNER.password);
      await other.page.waitForURL(`${t.server.url}/w/${wsId}`);

      await t.page.getByTestId('user-menu').click();
      await t.page.getByRole('menuitem', { name: 'Sign out everywhere' }).click();
      await t.page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
      await t.page.waitForURL(`${t.server.url}/signin`);

      // The other browser still shows the dashboard; its next API call answers 401.
      await nav(other.page).getByRole('link', { name: 'Activity' }).click();
      await other.page.waitForURL(/\/signin\?next=/);
      expect(decodeURIComponent(new URL(other.page.url()).searchParams.get('next') ?? '')).toBe(`/w/${wsId}/activity`);
      await visible(other.page.getByRole('heading', { name: 'Sign in' }));
    } finally {
      await other.context.close();
    }
  });
});
