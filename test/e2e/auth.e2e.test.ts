import { describe, expect, it } from 'vitest';
import { useBrowserTest, visible } from './browser.js';
import { nav, OWNER, signIn, signOut, signUpFirstUser } from './flows.js';

const t = useBrowserTest();

describe('sign-up, sign-out and sign-in', () => {
  it('creates the first account, shows the dashboard, and signs back in after signing out', async () => {
    await t.page.goto('/signup');
    await visible(t.page.getByRole('heading', { name: 'Create your WaSphere' }));
    // Consent is opt-in: the analytics box starts unticked.
    expect(await t.page.getByLabel(/Allow optional analytics cookies/).isChecked()).toBe(false);
    await visible(t.page.getByText('At least 10 characters', { exact: false }));

    const wsId = await signUpFirstUser(t.page);
    await visible(t.page.getByRole('heading', { name: 'Next steps' }));
    await visible(nav(t.page).getByRole('link', { name: 'Activity' }));
    expect(t.page.url()).toBe(`${t.server.url}/w/${wsId}`);

    await signOut(t.page);
    await visible(t.page.getByRole('heading', { name: 'Sign in' }));

    await signIn(t.page, OWNER.email, OWNER.password);
    await t.page.waitForURL(`${t.server.url}/w/${wsId}`);
    await visible(t.page.getByText('Welcome, Ana'));
  });

  it('shows an error on the sign-in page for a wrong password and stays there', async () => {
    await signUpFirstUser(t.page);
    await signOut(t.page);

    await signIn(t.page, OWNER.email, 'not the right password');
    const alert = await visible(t.page.getByRole('alert').filter({ hasText: 'do not match' }));
    expect(await alert.textContent()).toMatch(/email and password do not match/i);
    expect(new URL(t.page.url()).pathname).toBe('/signin');
    // The password field is emptied for the next try.
    expect(await t.page.getByRole('textbox', { name: 'Password', exact: true }).inputValue()).toBe('');
  });

  it('sends a signed-out visitor of a dashboard page to sign-in and back there afterwards', async () => {
    const wsId = await signUpFirstUser(t.page);
    await signOut(t.page);

    await t.page.goto(`/w/${wsId}/settings/password`);
    await t.page.waitForURL(/\/signin\?next=/);
    await signIn(t.page, OWNER.email, OWNER.password);
    await t.page.waitForURL(`${t.server.url}/w/${wsId}/settings/password`);
    await visible(t.page.getByRole('button', { name: 'Change password' }));
  });

  it('says sign-up is by invitation once the first account exists', async () => {
    await signUpFirstUser(t.page);
    await signOut(t.page);
    await t.page.goto('/signup');
    await visible(t.page.getByRole('heading', { name: 'Sign-up is by invitation' }));
  });
});
