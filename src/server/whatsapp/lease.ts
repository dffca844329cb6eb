/**
 * Ownership of a number's socket across server processes (PRODUCT §13): one row
 * per number in `number_leases` with a holder and an expiry. A process renews
 * its leases well before they lapse; another process may take a lease over only
 * once it has lapsed. Every statement is a single atomic upsert/update, so it is
 * correct on PostgreSQL with several processes and trivially so on SQLite.
 */
import type { DbOrTx } from '../db/database.js';

/** Takes the lease if it is free, lapsed, or already ours. True when this holder now owns it. */
export async function acquireLease(db: DbOrTx, numberId: string, holder: string, now: number, leaseMs: number): Promise<boolean> {
  const row = await db
    .insertInto('number_leases')
    .values({ number_id: numberId, holder, expires_at: now + leaseMs })
    .onConflict((oc) =>
      oc
        .column('number_id')
        .doUpdateSet({ holder, expires_at: now + leaseMs })
        .where((eb) => eb.or([eb('number_leases.expires_at', '<', now), eb('number_leases.holder', '=', holder)])),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

/** Extends the leases this holder still owns; returns the ids renewed (any other id was lost). */
export async function renewLeases(
  db: DbOrTx,
  numberIds: readonly string[],
  holder: string,
  now: number,
  leaseMs: number,
): Promise<Set<string>> {
  if (numberIds.length === 0) return new Set();
  const rows = await db
    .updateTable('number_leases')
    .set({ expires_at: now + leaseMs })
    .where('holder', '=', holder)
    .where('number_id', 'in', [...numberIds])
    .returning('number_id')
    .execute();
  return new Set(rows.map((r) => r.number_id));
}

export async function releaseLease(db: DbOrTx, numberId: string, holder: string): Promise<void> {
  await db.deleteFrom('number_leases').where('number_id', '=', numberId).where('holder', '=', holder).execute();
}

/** Ends whoever holds the lease (the number is being deleted); the holder notices on its next renewal. */
export async function dropLease(db: DbOrTx, numberId: string): Promise<void> {
  await db.deleteFrom('number_leases').where('number_id', '=', numberId).execute();
}

export async function leaseHolder(db: DbOrTx, numberId: string, now: number): Promise<string | null> {
  const row = await db
    .selectFrom('number_leases')
    .select('holder')
    .where('number_id', '=', numberId)
    .where('expires_at', '>=', now)
    .executeTakeFirst();
  return row?.holder ?? null;
}
