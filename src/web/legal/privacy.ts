import type { LegalDocument } from './types';

export const privacy: LegalDocument = {
  title: 'Privacy Policy',
  summary: 'What WaSphere does with your account details and your WhatsApp messages.',
  version: '1.1',
  updated: 'November 2026',
  sections: [
    {
      id: 'who-we-are',
      heading: 'Who we are',
      blocks: [
        'WaSphere is a WhatsApp operations platform that you install and run on your own server. It is operated by AI Team.',
        'This page describes which data is processed when you use WaSphere, why, where it is kept and for how long.',
      ],
    },
    {
      id: 'data',
      heading: 'The data we process',
      blocks: [
        {
          list: [
            {
              term: 'Account details',
              text: 'your name, your email address and your password. The password is never stored as such: only a one-way, memory-hard hash of it (argon2id) is kept, which cannot be turned back into the password.',
            },
            {
              term: 'WhatsApp data',
              text: 'once you link a number: messages, contacts, media files and the connection status of that number.',
            },
            {
              term: 'Usage logs',
              text: 'a record of actions taken in the dashboard, such as messages sent, sign-ins and number session events.',
            },
            {
              term: 'Analytics cookies',
              text: 'optional. They are only used if you said yes to them — when you signed up, or later in Settings — and they stop the moment you withdraw. Usage figures (which pages and features are used) are stored only while your consent is on, and only on this server.',
            },
          ],
        },
      ],
    },
    {
      id: 'purposes',
      heading: 'Why we use it',
      blocks: [
        {
          list: [
            { text: 'To run the dashboard: the shared inbox, sending, bulk messages and SLA alerts.' },
            { text: 'To keep your sign-in secure.' },
            { text: 'To make the product better — only if you agreed to optional analytics.' },
            { text: 'To answer your support requests.' },
          ],
        },
      ],
    },
    {
      id: 'storage',
      heading: 'Where it is kept',
      blocks: [
        'WaSphere is self-hosted. Your account data and your WhatsApp messages are stored on the server where WaSphere is installed. They are not kept on Meta’s servers, and they are not sold to anyone.',
      ],
    },
    {
      id: 'store-owners',
      heading: 'If you run a store: your responsibilities',
      blocks: [
        'When you message customers in the EU, the UK or any other place with privacy laws, you are the data controller for the WhatsApp data of your customers. That means you must:',
        {
          list: [
            { text: 'have a lawful basis for messaging each customer;' },
            { text: 'respect every request to stop receiving messages (opt-out);' },
            { text: 'answer the privacy questions your customers send you.' },
          ],
        },
      ],
    },
    {
      id: 'rights',
      heading: 'Your rights',
      blocks: [
        {
          list: [
            {
              term: 'Access',
              text: 'you can get a copy of your account data at any time: your profile, workspaces and roles, consent history, signed-in devices and your activity, as a ZIP file of JSON and CSV.',
              link: { label: 'Settings → Profile → Download my data', to: '/settings/profile' },
            },
            {
              term: 'Correction',
              text: 'you can change your name and email yourself.',
              link: { label: 'Settings → Profile', to: '/settings/profile' },
            },
            {
              term: 'Deletion',
              text: 'you can delete your account yourself; your profile, sign-ins, consent history and usage data are erased, and your entries in activity logs are kept only as “deleted user”. The owner of a workspace can delete it with all its stored messages, media files and contacts; ask your administrator if you are not the owner. Erased data is removed from the database, the disk and the search index.',
              link: { label: 'Settings → Profile → Delete account', to: '/settings/profile' },
            },
            {
              term: 'Withdrawing consent',
              text: 'you can take back your analytics consent at any time with the switch in Settings → Profile, which removes the analytics cookie at once and stops collection; you can also delete the usage data already collected. Your WaSphere administrator can help too.',
              link: { label: 'Settings → Profile → Privacy', to: '/settings/profile' },
            },
            { term: 'Complaints', text: 'where it applies, you can complain to your local data protection authority.' },
          ],
        },
      ],
    },
    {
      id: 'retention',
      heading: 'How long we keep it',
      blocks: [
        {
          list: [
            { term: 'Account data', text: 'for as long as your account is active.' },
            {
              term: 'Activity logs',
              text: 'for the period set in your workspace’s log retention setting, which is 30 days by default.',
            },
            {
              term: 'WhatsApp session data',
              text: 'until you delete the session of that number, or your account — for an owner that means the workspace the number belongs to, which must be deleted (or handed to another owner) before the account can be.',
            },
            {
              term: 'Messages',
              text: 'until they are deleted, or — if your workspace turned on message retention — for the number of days it set.',
            },
          ],
        },
      ],
    },
    {
      id: 'contact',
      heading: 'Contact',
      blocks: ['For any privacy request, contact your WaSphere administrator — or the team that gave you your login.'],
    },
  ],
};
