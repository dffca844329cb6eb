import { describe, expect, it } from 'vitest';
import { useBrowserTest, visible } from './browser.js';

// Public pages only: one server for the file is enough, nothing is written.
const t = useBrowserTest({ sharedServer: true });

const PAGES = [
  { link: 'Privacy', path: '/legal/privacy', heading: 'Privacy Policy' },
  { link: 'Terms', path: '/legal/terms', heading: 'Terms of Use' },
  { link: 'Cookies', path: '/legal/cookies', heading: 'Cookie Policy' },
  { link: 'Security', path: '/legal/security', heading: 'Security' },
  { link: 'Acceptable Use', path: '/legal/acceptable-use', heading: 'Acceptable Use Policy' },
];

describe('legal pages', () => {
  it('are each reachable from the sign-in footer, and "Back to sign in" returns', async () => {
    for (const p of PAGES) {
      await t.page.goto('/signin');
      await t.page.getByRole('contentinfo').getByRole('link', { name: p.link, exact: true }).click();
      await t.page.waitForURL(`${t.server.url}${p.path}`);
      await visible(t.page.getByRole('heading', { level: 1, name: p.heading, exact: true }));
      await visible(t.page.getByText(/Version \d+\.\d+ · Last updated/));
      await t.page.getByRole('link', { name: 'Back to sign in' }).first().click();
      await t.page.waitForURL(`${t.server.url}/signin`);
      await visible(t.page.getByRole('heading', { name: 'Sign in' }));
    }
  });

  it('privacy policy states what the product commits to', async () => {
    await t.page.goto('/legal/privacy');
    const text = (await (await visible(t.page.getByRole('article'))).innerText()).replace(/\s+/g, ' ');
    for (const phrase of [
      'operated by AI Team',
      'argon2id',
      'not kept on Meta’s servers',
      'not sold',
      'data controller',
      '30 days by default',
      'until you delete the session',
      'contact your WaSphere administrator',
    ]) {
      expect(text).toContain(phrase);
    }
    expect(text).not.toContain('stored encrypted');
  });

  it('cookie policy names the session cookie and the opt-in analytics cookie only', async () => {
    await t.page.goto('/legal/cookies');
    const text = await (await visible(t.page.getByRole('article'))).innerText();
    expect(text).toContain('wasphere_session');
    expect(text).toContain('wasphere_analytics');
    expect(text).toMatch(/no third-party cookies/i);
  });
});
