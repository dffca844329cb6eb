import { describe, expect, it } from 'vitest';
import { newContext, useBrowserTest, visible } from './browser.js';
import { nav, signUpFirstUser, workspaceIdFromUrl } from './flows.js';

const t = useBrowserTest();

describe('settings', () => {
  it('renames the workspace, and the new name shows in the switcher and survives a reload', async () => {
    const wsId = await signUpFirstUser(t.page);
    await nav(t.page).getByRole('link', { name: 'Settings' }).click();
    await t.page.waitForURL(`${t.server.url}/w/${wsId}/settings/profile`);
    await t.page.getByRole('tab', { name: 'Workspace' }).click();
    await t.page.waitForURL(`${t.server.url}/w/${wsId}/settings/workspace`);

    const name = t.page.getByLabel('Workspace name');
    await visible(name);
    await name.fill('Acme Corner Shop');
    await t.page.getByRole('button', { name: 'Save workspace settings' }).click();
    await visible(t.page.getByText('Workspace settings saved.'));
    await visible(t.page.getByTestId('current-workspace').filter({ hasText: 'Acme Corner Shop' }));

    await t.page.reload();
    await visible(t.page.getByTestId('current-workspace').filter({ hasText: 'Acme Corner Shop' }));
    expect(await t.page.getByLabel('Workspace name').inputValue()).toBe('Acme Corner Shop');
  });

  it('creates an invite whose link lets a new teammate sign up and land in the workspace', async () => {
    const wsId = await signUpFirstUser(t.page);
    await t.page.goto(`/w/${wsId}/settings/invites`);
    await t.page.getByRole('button', { name: 'Create invite link' }).click();
    const urlField = await visible(t.page.getByTestId('invite-url'));
    const inviteUrl = await urlField.inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${t.server.url}/invite/[\\w-]{10,}$`));
    await visible(t.page.getByRole('button', { name: 'Copy link' }));
    // The list shows the new invite as pending.
    await visible(t.page.getByRole('row').filter({ hasText: 'Anyone with the link' }).filter({ hasText: 'Pending' }));

    const guest = await newContext(t.browser, t.server.url);
    try {
      await guest.page.goto(inviteUrl);
      await visible(guest.page.getByRole('heading', { name: 'Join My store' }));
      await guest.page.getByLabel('Your name').fill('Bo Agent');
      await guest.page.getByLabel('Email').fill('bo@example.com');
      await guest.page.getByRole('textbox', { name: 'Password', exact: true }).fill('another long passphrase');
      await guest.page.getByRole('button', { name: 'Create account and join' }).click();
      await guest.page.waitForURL(/\/w\/[^/]+$/);
      expect(workspaceIdFromUrl(guest.page.url())).toBe(wsId);
      await visible(guest.page.getByTestId('current-workspace').filter({ hasText: 'My store' }));
      await visible(guest.page.getByText('Agent', { exact: true }));
    } finally {
      await guest.context.close();
    }

    // The owner sees the new member.
    await t.page.goto(`/w/${wsId}/settings/members`);
    await visible(t.page.getByRole('row').filter({ hasText: 'bo@example.com' }));
  });
});
