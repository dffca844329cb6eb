import { describe, expect, it } from 'vitest';
import { contactUpdatesFrom, lidMappingFrom } from './contacts.js';

const PHONE = '4915112345678';

describe('contactUpdatesFrom', () => {
  it('maps a phone contact with both names', () => {
    expect(contactUpdatesFrom([{ id: `${PHONE}@s.whatsapp.net`, notify: 'Ana G', name: 'Ana (shop)' }])).toEqual([
      { phone: PHONE, pushName: 'Ana G', savedName: 'Ana (shop)' },
    ]);
  });

  it('joins a LID contact to its phone from phoneNumber', () => {
    expect(contactUpdatesFrom([{ id: '555@lid', lid: '555@lid', phoneNumber: `${PHONE}@s.whatsapp.net`, notify: 'Ana' }])).toEqual([
      { phone: PHONE, lid: '555', pushName: 'Ana' },
    ]);
  });

  it('keeps a LID-only contact with a null phone, or resolves it through the mapping', () => {
    expect(contactUpdatesFrom([{ id: '555@lid', notify: 'Ana' }])).toEqual([{ phone: null, lid: '555', pushName: 'Ana' }]);
    expect(contactUpdatesFrom([{ id: '555@lid' }], { lookupPhoneForLid: () => PHONE })).toEqual([{ phone: PHONE, lid: '555' }]);
  });

  it('drops groups, newsletters and status', () => {
    expect(contactUpdatesFrom([{ id: '120363@g.us', name: 'Team' }, { id: '1203@newsletter' }, { id: 'status@broadcast' }])).toEqual([]);
  });
});

describe('lidMappingFrom', () => {
  it('turns JIDs into bare ids, ignoring devices', () => {
    expect(lidMappingFrom({ lid: '555:3@lid', pn: `${PHONE}:3@s.whatsapp.net` })).toEqual({ lid: '555', phone: PHONE });
  });
  it('refuses a pair whose sides are swapped or malformed', () => {
    expect(lidMappingFrom({ lid: `${PHONE}@s.whatsapp.net`, pn: '555@lid' })).toBeNull();
  });
});
