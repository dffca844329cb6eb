import type { DbOrTx } from '../../db/database.js';

/**
 * Fixed-window failure counters kept in the database, so every server process
 * sharing it sees the same count (an attacker gains nothing by spreading attempts).
 */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** Seconds until the key may try again, or 0 when it is not blocked. */
export async function blockedForSeconds(db: DbOrTx, key: string, rule: RateLimitRule, now: number): Promise<number> {
  const row = await db.selectFrom('rate_limits').select(['count', 'reset_at']).where('key', '=', key).executeTakeFirst();
  if (!row || row.reset_at <= now || row.count < rule.limit) return 0;
  return Math.max(1, Math.ceil((row.reset_at - now) / 1000));
}

export async function recordFailure(db: DbOrTx, key: string, rule: RateLimitRule, now: number): Promise<void> {
  await db
    .insertInto('rate_limits')
    .values({ key, count: 1, reset_at: now + rule.windowMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        // A window that has ended starts again at 1.
        count: eb
          .case()
          .when('rate_limits.reset_at', '<=', now)
          .then(1)
          .else(eb('rate_limits.count', '+', 1))
          .end(),
        reset_at: eb
          .case()
          .when('rate_limits.reset_at', '<=', now)
          .then(now + rule.windowMs)
          .else(eb.ref('rate_limits.reset_at'))
          .end(),
      })),
    )
    .execute();
}

export async function clearFailures(db: DbOrTx, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

export async function deleteExpiredRateLimits(db: DbOrTx, now: number): Promise<void> {
  await db.deleteFrom('rate_limits').where('reset_at', '<=', now).execute();
}
