import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { initAuthCreds, proto, type AuthenticationCreds, type SignalDataSet } from 'baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fakeClock } from '../../../test/support/clock.js';
import { insertTestNumber, insertTestWorkspace } from '../../../test/support/numbers.js';
import { createSecretBox } from '../lib/secrets.js';
import { createDbAuthStateStore } from './auth-store-db.js';
import { deserialise, serialise, signalKeyStoreOver } from './baileys/auth-state.js';

describe('auth state store on the database', () => {
  let database: TestDatabase;
  let numberId: string;
  let otherNumberId: string;
  const box = createSecretBox(randomBytes(32));
  const clock = fakeClock();

  beforeEach(async () => {
    database = await openTestDatabase();
    const ws = await insertTestWorkspace(database.db);
    numberId = (await insertTestNumber(database.db, ws)).id;
    otherNumberId = (await insertTestNumber(database.db, ws)).id;
  });
  afterEach(async () => {
    await database.destroy();
  });

  const storeFor = (id: string) => createDbAuthStateStore({ db: database.db, box, numberId: id, clock });

  it('round-trips Baileys credentials and every signal key type, and keeps numbers apart', async () => {
    const store = storeFor(numberId);
    expect(await store.loadCreds()).toBeNull();
    const creds = initAuthCreds();
    await store.saveCreds(serialise(creds));
    const back = deserialise<AuthenticationCreds>((await store.loadCreds())!);
    expect(Buffer.from(back.noiseKey.private).equals(Buffer.from(creds.noiseKey.private))).toBe(true);
    expect(Buffer.from(back.signedIdentityKey.public).equals(Buffer.from(creds.signedIdentityKey.public))).toBe(true);
    expect(back.registrationId).toBe(creds.registrationId);
    expect(back.advSecretKey).toBe(creds.advSecretKey);
    // Saving again replaces (one creds row).
    await store.saveCreds(serialise({ ...creds, registrationId: 42 }));
    expect(deserialise<AuthenticationCreds>((await store.loadCreds())!).registrationId).toBe(42);

    const keys = signalKeyStoreOver(store);
    const data: SignalDataSet = {
      'pre-key': { '1': { private: randomBytes(32), public: randomBytes(32) } },
      session: { '4915112345678.0': new Uint8Array(randomBytes(64)) },
      'sender-key': { 'group@g.us::4915112345678::0': new Uint8Array(randomBytes(40)) },
      'sender-key-memory': { 'group@g.us': { '4915112345678:0@s.whatsapp.net': true } },
      'app-state-sync-key': { AAAAAQ: proto.Message.AppStateSyncKeyData.fromObject({ keyData: randomBytes(32), timestamp: 5 }) },
      'app-state-sync-version': { regular: { version: 3, hash: randomBytes(128), indexValueMap: { abc: { valueMac: randomBytes(32) } } } },
      'lid-mapping': { '123456789': '4915112345678', '4915112345678_reverse': '123456789' },
      'device-list': { '4915112345678': ['0', '1', '23'] },
      tctoken: { '4915112345678': { token: randomBytes(16), timestamp: '1700000000' } },
      'identity-key': { '4915112345678.0': new Uint8Array(randomBytes(33)) },
    };
    await keys.set(data);

    const preKey = (await keys.get('pre-key', ['1', 'nope']))['1'];
    expect(Buffer.from(preKey!.private).equals(Buffer.from(data['pre-key']!['1']!.private))).toBe(true);
    expect(Buffer.from((await keys.get('session', ['4915112345678.0']))['4915112345678.0']!)).toEqual(
      Buffer.from(data.session!['4915112345678.0']!),
    );
    expect(Buffer.from((await keys.get('sender-key', ['group@g.us::4915112345678::0']))['group@g.us::4915112345678::0']!)).toEqual(
      Buffer.from(data['sender-key']!['group@g.us::4915112345678::0']!),
    );
    expect(await keys.get('sender-key-memory', ['group@g.us'])).toEqual({ 'group@g.us': { '4915112345678:0@s.whatsapp.net': true } });
    const sync = (await keys.get('app-state-sync-key', ['AAAAAQ'])).AAAAAQ!;
    expect(sync).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(sync.keyData!)).toEqual(Buffer.from(data['app-state-sync-key']!.AAAAAQ!.keyData!));
    const version = (await keys.get('app-state-sync-version', ['regular'])).regular!;
    expect(version.version).toBe(3);
    expect(Buffer.from(version.hash)).toEqual(Buffer.from(data['app-state-sync-version']!.regular!.hash));
    expect(await keys.get('lid-mapping', ['123456789', '4915112345678_reverse'])).toEqual({
      '123456789': '4915112345678',
      '4915112345678_reverse': '123456789',
    });
    expect(await keys.get('device-list', ['4915112345678'])).toEqual({ '4915112345678': ['0', '1', '23'] });
    const tc = (await keys.get('tctoken', ['4915112345678']))['4915112345678']!;
    expect(Buffer.from(tc.token)).toEqual(data.tctoken!['4915112345678']!.token);
    expect(Buffer.from((await keys.get('identity-key', ['4915112345678.0']))['4915112345678.0']!)).toEqual(
      Buffer.from(data['identity-key']!['4915112345678.0']!),
    );

    // Another number sees none of it.
    const other = storeFor(otherNumberId);
    expect(await other.loadCreds()).toBeNull();
    expect(await other.getKeys('session', ['4915112345678.0'])).toEqual({});
  });

  it('deletes on null within a batch and clears one number without touching another', async () => {
    const store = storeFor(numberId);
    const other = storeFor(otherNumberId);
    await store.setKeys({ session: { a: 'A', b: 'B' }, 'pre-key': { '1': 'P1', '2': 'P2' } });
    await other.setKeys({ session: { a: 'other A' } });
    await store.setKeys({ session: { a: null, c: 'C' }, 'pre-key': { '1': null } });
    expect(await store.getKeys('session', ['a', 'b', 'c'])).toEqual({ b: 'B', c: 'C' });
    expect(await store.getKeys('pre-key', ['1', '2'])).toEqual({ '2': 'P2' });
    // Deleting something absent is fine.
    await store.setKeys({ session: { zzz: null } });

    await store.saveCreds('{"x":1}');
    await store.clear();
    expect(await store.loadCreds()).toBeNull();
    expect(await store.getKeys('session', ['b', 'c'])).toEqual({});
    expect(await other.getKeys('session', ['a'])).toEqual({ a: 'other A' });
  });

  it('applies concurrent batches on the same keys without errors or torn state', async () => {
    const store = storeFor(numberId);
    const ids = Array.from({ length: 60 }, (_, i) => `k${i}`);
    const batch = (tag: string, order: string[]) => ({ session: Object.fromEntries(order.map((id) => [id, `${tag}:${id}`])) });
    const reversed = [...ids].reverse();
    await Promise.all([
      store.setKeys(batch('one', ids)),
      store.setKeys(batch('two', reversed)),
      store.setKeys(batch('three', ids)),
      store.setKeys({ session: { k0: null } }),
    ]);
    const all = await store.getKeys('session', ids);
    // Every batch is atomic: apart from k0 (maybe deleted), all keys come from the same batch.
    const tags = new Set(
      Object.entries(all)
        .filter(([id]) => id !== 'k0')
        .map(([, v]) => v.split(':')[0]),
    );
    expect(tags.size).toBe(1);
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(59);
  });

  it('stores no key material in clear: not in the value column, not in the database file', async () => {
    const store = storeFor(numberId);
    const creds = initAuthCreds();
    await store.saveCreds(serialise(creds));
    const sessionBytes = randomBytes(48);
    await store.setKeys({ session: { s1: serialise(new Uint8Array(sessionBytes)) } });

    const secrets = [
      Buffer.from(creds.noiseKey.private),
      Buffer.from(creds.signedIdentityKey.private),
      Buffer.from(creds.signedPreKey.keyPair.private),
      sessionBytes,
    ];
    const needles = secrets.flatMap((b) => [b.toString('base64'), b.toString('hex'), b.toString('base64url')]).map((s) => Buffer.from(s));
    needles.push(...secrets, Buffer.from(creds.advSecretKey));

    const rows = await database.db.selectFrom('wa_auth_keys').select(['value', 'key_id', 'category']).execute();
    expect(rows.length).toBe(2);
    for (const row of rows) {
      const raw = Buffer.from(row.value);
      for (const needle of needles) expect(raw.includes(needle)).toBe(false);
      expect(raw.includes(Buffer.from('noiseKey'))).toBe(false);
    }

    if (database.dialect === 'sqlite') {
      // Checkpoint the WAL so the file holds everything, then read the raw bytes.
      await database.close();
      const bytes = Buffer.concat(
        ['wasphere.db', 'wasphere.db-wal']
          .map((f) => path.join(database.dataDir, f))
          .filter(fs.existsSync)
          .map((f) => fs.readFileSync(f)),
      );
      expect(bytes.length).toBeGreaterThan(0);
      for (const needle of needles) expect(bytes.includes(needle)).toBe(false);
      database = await reopen(database);
    }
  });
});

/** The test database's destroy() closes the handle again; give it a fresh one over the same files. */
async function reopen(database: TestDatabase): Promise<TestDatabase> {
  const { openDatabase } = await import('../db/database.js');
  const handle = openDatabase({ databaseUrl: null, dataDir: database.dataDir });
  return {
    ...database,
    ...handle,
    async destroy() {
      await handle.close();
      fs.rmSync(database.dataDir, { recursive: true, force: true });
    },
  };
}
