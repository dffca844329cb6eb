import type { DbOrTx } from '../../db/database.js';

export async function getSetting(db: DbOrTx, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('instance_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setSetting(db: DbOrTx, key: string, value: string): Promise<void> {
  await db
    .insertInto('instance_settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/**
 * Inserts a key only if absent; true when this call inserted it. Used as a
 * one-time claim (the first sign-up) that two concurrent requests cannot both win.
 */
export async function claimSetting(db: DbOrTx, key: string, value: string): Promise<boolean> {
  const result = await db
    .insertInto('instance_settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
