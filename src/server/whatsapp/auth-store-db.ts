/**
 * `AuthStateStore` on the database: one `wa_auth_keys` row per credential or
 * signal key, each value sealed with AES-256-GCM. The session keys are
 * credentials to the owner's WhatsApp account, so nothing is stored in clear.
 */
import type { Db, DbOrTx } from '../db/database.js';
import type { WaAuthKeysTable } from '../db/tables.js';
import { chunks } from '../lib/chunks.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secrets.js';
import type { AuthStateStore } from './provider.js';

const CREDS = 'creds';
/** Rows per statement: well under both dialects' bound-parameter limits. */
const CHUNK = 200;

async function upsertRows(db: DbOrTx, rows: WaAuthKeysTable[]): Promise<void> {
  for (const part of chunks(rows, CHUNK)) {
    await db
      .insertInto('wa_auth_keys')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['number_id', 'category', 'key_id']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export function createDbAuthStateStore(deps: { db: Db; box: SecretBox; numberId: string; clock: Clock }): AuthStateStore {
  const { db, box, numberId, clock } = deps;
  const open = (value: Buffer | Uint8Array) => box.open(Buffer.from(value)).toString('utf8');

  return {
    async loadCreds() {
      const row = await db
        .selectFrom('wa_auth_keys')
        .select('value')
        .where('number_id', '=', numberId)
        .where('category', '=', CREDS)
        .where('key_id', '=', CREDS)
        .executeTakeFirst();
      return row ? open(row.value) : null;
    },

    async saveCreds(serialised) {
      await upsertRows(db, [{ number_id: numberId, category: CREDS, key_id: CREDS, value: box.seal(serialised), updated_at: clock.now() }]);
    },

    async getKeys(category, ids) {
      const out: Record<string, string> = {};
      for (const part of chunks([...new Set(ids)], CHUNK)) {
        if (part.length === 0) continue;
        const rows = await db
          .selectFrom('wa_auth_keys')
          .select(['key_id', 'value'])
          .where('number_id', '=', numberId)
          .where('category', '=', category)
          .where('key_id', 'in', part)
          .execute();
        for (const row of rows) out[row.key_id] = open(row.value);
      }
      return out;
    },

    async setKeys(data) {
      const now = clock.now();
      const writes: WaAuthKeysTable[] = [];
      const deletes: Array<{ category: string; ids: string[] }> = [];
      for (const [category, entries] of Object.entries(data)) {
        const gone: string[] = [];
        for (const [id, value] of Object.entries(entries)) {
          if (value === null) gone.push(id);
          else writes.push({ number_id: numberId, category, key_id: id, value: box.seal(value), updated_at: now });
        }
        if (gone.length > 0) deletes.push({ category, ids: gone });
      }
      if (writes.length === 0 && deletes.length === 0) return;
      // The same order in every batch, so two concurrent batches on PostgreSQL lock rows in the same order and cannot deadlock.
      writes.sort((a, b) => (a.category === b.category ? cmp(a.key_id, b.key_id) : cmp(a.category, b.category)));
      await db.transaction().execute(async (tx) => {
        await upsertRows(tx, writes);
        for (const { category, ids } of deletes) {
          for (const part of chunks(ids.sort(cmp), CHUNK)) {
            await tx
              .deleteFrom('wa_auth_keys')
              .where('number_id', '=', numberId)
              .where('category', '=', category)
              .where('key_id', 'in', part)
              .execute();
          }
        }
      });
    },

    async clear() {
      await db.deleteFrom('wa_auth_keys').where('number_id', '=', numberId).execute();
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
