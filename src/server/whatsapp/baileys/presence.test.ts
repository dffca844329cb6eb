import { describe, expect, it } from 'vitest';
import { presencesFrom } from './presence.js';

const PHONE = '4915112345678';
const PN_JID = `${PHONE}@s.whatsapp.net`;
const LID = '123456789012345';
const LID_JID = `${LID}@lid`;

describe('presencesFrom', () => {
  it.each([
    ['composing', 'typing'],
    ['recording', 'recording'],
    ['paused', 'paused'],
    ['available', 'available'],
    ['unavailable', 'unavailable'],
  ] as const)('a customer %s → %s', (engine, ours) => {
    expect(presencesFrom({ id: PN_JID, presences: { [PN_JID]: { lastKnownPresence: engine } } })).toEqual([
      { chat: { id: PHONE, phone: PHONE, lid: null }, presence: ours },
    ]);
  });

  it('resolves a customer addressed by LID to their phone when the mapping is known, else keys by LID', () => {
    const update = { id: LID_JID, presences: { [LID_JID]: { lastKnownPresence: 'composing' as const } } };
    expect(presencesFrom(update, { lookupPhoneForLid: (lid) => (lid === LID ? PHONE : null) })).toEqual([
      { chat: { id: PHONE, phone: PHONE, lid: LID }, presence: 'typing' },
    ]);
    expect(presencesFrom(update)).toEqual([{ chat: { id: `lid:${LID}`, phone: null, lid: LID }, presence: 'typing' }]);
  });

  it('drops groups, status, newsletters, our own account and unknown states', () => {
    const group = '120363025246125486@g.us';
    expect(presencesFrom({ id: group, presences: { [PN_JID]: { lastKnownPresence: 'composing' } } })).toEqual([]);
    expect(presencesFrom({ id: 'status@broadcast', presences: { [PN_JID]: { lastKnownPresence: 'composing' } } })).toEqual([]);
    expect(presencesFrom({ id: '1203630@newsletter', presences: { x: { lastKnownPresence: 'composing' } } })).toEqual([]);
    expect(
      presencesFrom({ id: PN_JID, presences: { [PN_JID]: { lastKnownPresence: 'composing' } } }, { self: { phone: PHONE, lid: null } }),
    ).toEqual([]);
    expect(presencesFrom({ id: PN_JID, presences: { [PN_JID]: { lastKnownPresence: 'dancing' as unknown as 'composing' } } })).toEqual([]);
  });
});
