import type { LegalDocument } from './types';

export const terms: LegalDocument = {
  title: 'Terms of Use',
  summary: 'The terms for using this WaSphere installation.',
  version: '1.0',
  updated: 'June 2026',
  sections: [
    {
      id: 'service',
      heading: 'The service',
      blocks: [
        'WaSphere is self-hosted software for working WhatsApp conversations as a team: a shared inbox, sending, bulk messages, SLA alerts, contacts and an activity log. This installation is run by its owner on their own server.',
      ],
    },
    {
      id: 'accounts',
      heading: 'Your account',
      blocks: [
        {
          list: [
            { text: 'Give a real name and an email address you can receive mail at.' },
            { text: 'Keep your password to yourself. Each person on a team has their own login.' },
            {
              text: 'You are responsible for what is done with your account. If you think someone else has used it, change your password and use “Sign out everywhere”.',
            },
          ],
        },
      ],
    },
    {
      id: 'use',
      heading: 'How you may use it',
      blocks: [
        'Use WaSphere according to the Acceptable Use Policy and WhatsApp’s own terms. A workspace owner is responsible for the numbers linked to it and for the customer data it holds, as described in the Privacy Policy.',
      ],
    },
    {
      id: 'whatsapp',
      heading: 'WhatsApp',
      blocks: [
        'WaSphere connects to WhatsApp but is not made by, or affiliated with, WhatsApp or Meta. WhatsApp may change its service, or limit a number, at any time.',
      ],
    },
    {
      id: 'availability',
      heading: 'Availability and liability',
      blocks: [
        'The software is provided as it is, under its open-source licence. The owner of this installation decides how it is run, backed up and kept available.',
      ],
    },
    {
      id: 'changes',
      heading: 'Changes',
      blocks: [
        'These terms may be updated; the version and date at the top of this page show when. Questions go to your WaSphere administrator.',
      ],
    },
  ],
};
