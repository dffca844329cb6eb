import type { LegalDocument } from './types';

export const cookies: LegalDocument = {
  title: 'Cookie Policy',
  summary: 'WaSphere uses one cookie to keep you signed in, and nothing else unless you opt in.',
  version: '1.0',
  updated: 'June 2026',
  sections: [
    {
      id: 'necessary',
      heading: 'The one cookie we always use',
      blocks: [
        {
          list: [
            { term: 'Name', text: 'wasphere_session' },
            {
              term: 'Purpose',
              text: 'keeps you signed in. It is strictly necessary: without it the dashboard cannot work, so it needs no consent.',
            },
            {
              term: 'Protection',
              text: 'HttpOnly (scripts in the page cannot read it), SameSite=Lax (not sent with requests started by other sites), and Secure when WaSphere is served over https.',
            },
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
        'No other cookie is set unless you opted in to optional analytics — at sign-up, or later in Settings → Profile. If you did, WaSphere also sets:',
        {
          list: [
            { term: 'Name', text: 'wasphere_analytics' },
            {
              term: 'Purpose',
              text: 'helps improve WaSphere. It is first-party and read only by your own WaSphere server; the analytics it enables stay on that server.',
            },
            {
              term: 'Withdrawing',
              text: 'turn “Allow optional analytics” off in Settings → Profile at any time; the cookie is deleted at once and no longer set.',
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
