import type { LegalDocument } from './types';

export const acceptableUse: LegalDocument = {
  title: 'Acceptable Use Policy',
  summary: 'The rules for messaging people through WaSphere.',
  version: '1.0',
  updated: 'June 2026',
  sections: [
    {
      id: 'rules',
      heading: 'When you use WaSphere you agree to',
      blocks: [
        {
          list: [
            { term: 'No spam', text: 'only message people who expect to hear from you. Do not send unsolicited bulk messages.' },
            {
              term: 'Lawful basis',
              text: 'have a lawful basis — such as consent or an existing customer relationship — for every person you message.',
            },
            {
              term: 'Honour opt-outs',
              text: 'when someone asks to stop receiving messages, stop. WaSphere marks replies like STOP as opt-outs and leaves those contacts out of campaigns; do not work around that.',
            },
            { term: 'WhatsApp’s terms', text: 'follow WhatsApp’s Terms of Service and Business Policy for every number you link.' },
            {
              term: 'No unlawful content',
              text: 'do not send anything illegal, fraudulent, harassing, hateful or infringing, and do not impersonate anyone.',
            },
          ],
        },
      ],
    },
    {
      id: 'consequences',
      heading: 'If these rules are broken',
      blocks: [
        'The administrator of a WaSphere installation may suspend the accounts involved. Note that WhatsApp may also restrict or ban numbers that are used for spam, independently of WaSphere.',
      ],
    },
  ],
};
