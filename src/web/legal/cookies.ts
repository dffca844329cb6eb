import type { LegalDocument, LegalItem } from './types.js';

/**
 * The cookies WaSphere sets, as data: the Cookie Policy below is written from this
 * list, and the browser tests compare a real cookie jar against it (names,
 * HttpOnly, SameSite) for a person who consented to analytics and one who did not.
 */
export interface CookieFact {
  name: string;
  /** 'always' for every signed-in person; 'analytics' only while analytics consent is on. */
  when: 'always' | 'analytics';
  httpOnly: true;
  sameSite: 'Lax';
}

export const COOKIES_SET: CookieFact[] = [
  { name: 'wasphere_session', when: 'always', httpOnly: true, sameSite: 'Lax' },
  { name: 'wasphere_analytics', when: 'analytics', httpOnly: true, sameSite: 'Lax' },
];

const protection = (c: CookieFact): LegalItem => ({
  term: 'Protection',
  text: `${c.httpOnly ? 'HttpOnly (scripts in the page cannot read it), ' : ''}SameSite=${c.sameSite} (not sent with requests started by other sites), and Secure when WaSphere is served over https.`,
});

const session = COOKIES_SET[0]!;
const analytics = COOKIES_SET[1]!;

export const cookies: LegalDocument = {
  title: 'Cookie Policy',
  summary: 'WaSphere uses one cookie to keep you signed in, and nothing else unless you opt in.',
  version: '1.1',
  updated: 'November 2026',
  sections: [
    {
      id: 'necessary',
      heading: 'The one cookie we always use',
      blocks: [
        {
          list: [
            { term: 'Name', text: session.name },
            {
              term: 'Purpose',
              text: 'keeps you signed in. It is strictly necessary: without it the dashboard cannot work, so it needs no consent.',
            },
            protection(session),
            {
              term: 'Lifetime',
              text: 'it ends when you sign out, and expires after about 30 days without use. “Sign out everywhere” in the user menu ends all your sessions at once.',
            },
          ],
        },
      ],
    },
    {
      id: 'analytics',
      heading: 'Optional analytics cookie',
      blocks: [
        'No other cookie is set unless you opted in to optional analytics — at sign-up, or later in Settings → Profile. While your consent is on, WaSphere also sets:',
        {
          list: [
            { term: 'Name', text: analytics.name },
            {
              term: 'Purpose',
              text: 'marks that optional analytics are on for you in this browser. It holds a random identifier and nothing else; it is first-party and read only by your own WaSphere server. The usage figures (which pages and features are used) are stored on that server, never sent elsewhere.',
            },
            protection(analytics),
            {
              term: 'Lifetime',
              text: 'up to one year; it is deleted when you sign out, and on every device as soon as you withdraw your consent.',
            },
            {
              term: 'Withdrawing',
              text: 'turn “Allow optional analytics” off in Settings → Profile at any time; the cookie is deleted at once, no more usage is stored, and “Also delete my collected usage data” removes what was collected.',
            },
          ],
        },
      ],
    },
    {
      id: 'third-party',
      heading: 'Third parties',
      blocks: [
        'WaSphere sets no third-party cookies. It loads no fonts, scripts or trackers from other servers: every file of the dashboard comes from the server it is installed on.',
      ],
    },
  ],
};
