import type { LegalDocument } from './types';

export const security: LegalDocument = {
  title: 'Security',
  summary: 'How WaSphere protects your account, your sessions and your WhatsApp numbers.',
  version: '1.0',
  updated: 'June 2026',
  sections: [
    {
      id: 'passwords',
      heading: 'Passwords',
      blocks: [
        'Passwords are hashed with argon2id, a deliberately slow, memory-hard algorithm. The password itself is never stored and cannot be recovered from the hash — it can only be reset.',
      ],
    },
    {
      id: 'sessions',
      heading: 'Sessions',
      blocks: [
        {
          list: [
            {
              text: 'Each sign-in gets a long random token. The server keeps only a SHA-256 hash of it, so a copy of the database does not contain usable sessions.',
            },
            { text: 'The token travels in an HttpOnly cookie that page scripts cannot read.' },
            { text: 'Sessions expire, and “Sign out everywhere” ends every session of your account at once.' },
          ],
        },
      ],
    },
    {
      id: 'abuse',
      heading: 'Sign-in protection',
      blocks: [
        {
          list: [
            {
              text: 'Repeated sign-in attempts are rate-limited per account and per network address, and failed sign-ins are recorded in the activity log.',
            },
            { text: 'Requests from other websites that try to change anything are refused.' },
          ],
        },
      ],
    },
    {
      id: 'whatsapp-keys',
      heading: 'WhatsApp session keys',
      blocks: [
        'The keys that link a WhatsApp number are credentials to that WhatsApp account. They are encrypted at rest with AES-256-GCM, and they are never returned by the API, written to logs or included in any export.',
      ],
    },
    {
      id: 'self-hosted',
      heading: 'Your data stays on your server',
      blocks: [
        'WaSphere runs on the server you install it on. Apart from the connection to WhatsApp itself, and any email or webhook you set up, nothing is sent anywhere else.',
        'Found a security problem? Tell your WaSphere administrator straight away.',
      ],
    },
  ],
};
