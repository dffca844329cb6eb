import { proto } from 'baileys';
import { describe, expect, it } from 'vitest';
import { createMemoryAuthStateStore } from '../auth-state-memory.js';
import { loadAuthState, saveCreds } from './auth-state.js';

describe('auth state over an AuthStateStore', () => {
  it('creates fresh credentials for a number never linked, and reads back what was saved', async () => {
    const store = createMemoryAuthStateStore();
    const first = await loadAuthState(store);
    expect(first.fresh).toBe(true);

    await saveCreds(store, first.creds);
    const again = await loadAuthState(store);
    expect(again.fresh).toBe(false);
    // Buffers survive the string round trip.
    expect(Buffer.isBuffer(again.creds.noiseKey.private)).toBe(true);
    expect(Buffer.from(again.creds.noiseKey.private).equals(Buffer.from(first.creds.noiseKey.private))).toBe(true);
    expect(again.creds.registrationId).toBe(first.creds.registrationId);
  });

  it('stores keys as strings, revives binary and protobuf values, and deletes on null', async () => {
    const store = createMemoryAuthStateStore();
    const { keys } = await loadAuthState(store);
    await keys.set({
      session: { 'a.0': new Uint8Array([1, 2, 3]) },
      'app-state-sync-key': { K1: proto.Message.AppStateSyncKeyData.fromObject({ keyData: new Uint8Array([9]) }) },
      'lid-mapping': { '555': '4915112345678' },
    });
    const raw = await store.getKeys('session', ['a.0']);
    expect(typeof raw['a.0']).toBe('string');

    const sessions = await keys.get('session', ['a.0', 'missing']);
    expect(Array.from(sessions['a.0'] ?? [])).toEqual([1, 2, 3]);
    expect('missing' in sessions).toBe(false);

    const sync = await keys.get('app-state-sync-key', ['K1']);
    expect(sync.K1).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Array.from(sync.K1?.keyData ?? [])).toEqual([9]);

    expect(await keys.get('lid-mapping', ['555'])).toEqual({ '555': '4915112345678' });

    await keys.set({ session: { 'a.0': null } });
    expect(await keys.get('session', ['a.0'])).toEqual({});
    expect(store.size()).toBe(2);
  });
});
