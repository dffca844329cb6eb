/**
 * Feature use, recorded on the server where the action happens (PRODUCT §10,
 * optional analytics). One helper every module calls after its action succeeded:
 * it stores an event only for a person whose analytics consent is on at that very
 * moment, and nothing at all for anyone else. An event is a fixed feature name
 * from the list below, the workspace and the time: never an id, a text, a phone
 * number or anything a person typed.
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';

/** Every feature WaSphere counts. A closed list, so no free text can end up in an event. */
export const FEATURES = [
  'inbox.reply_sent',
  'inbox.search',
  'inbox.conversation_assigned',
  'inbox.note_added',
  'message.sent',
  'campaign.created',
  'campaign.started',
  'campaign.scheduled',
  'contacts.created',
  'contacts.imported',
  'contacts.exported',
  'contacts.search',
] as const;
export type FeatureName = (typeof FEATURES)[number];

/**
 * Features counted at most once per person, workspace and window. A search list is
 * fetched again on every live update and keystroke pause, so counting each request
 * would count screen refreshes, not searches; one event per minute of searching is
 * what the figure means. Each server process keeps its own window.
 */
const COUNTED_ONCE_PER: Partial<Record<FeatureName, number>> = {
  'inbox.search': 60_000,
  'contacts.search': 60_000,
};
/** Bound on remembered windows; past it, expired ones are dropped. */
const MAX_WINDOWS = 10_000;

export interface UsageRecorder {
  /**
   * Records one use of a feature by `userId` in `workspaceId`, only if their consent
   * is on now; returns whether an event was stored. Never throws: counting must not
   * fail the action it counts. Call it outside the action's transaction.
   */
  feature(userId: string, workspaceId: string | null, name: FeatureName): Promise<boolean>;
}

export function createUsageRecorder(deps: { db: Db; clock: Clock; logger?: Logger }): UsageRecorder {
  const { db, clock } = deps;
  /** When an event was last stored, per person + workspace + coalesced feature. */
  const lastStored = new Map<string, number>();
  const withinWindow = (key: string, window: number, now: number) => {
    const last = lastStored.get(key);
    return last !== undefined && now - last < window;
  };
  const remember = (key: string, now: number) => {
    if (lastStored.size >= MAX_WINDOWS) {
      const longest = Math.max(...Object.values(COUNTED_ONCE_PER));
      for (const [k, at] of lastStored) if (now - at >= longest) lastStored.delete(k);
    }
    lastStored.set(key, now);
  };
  return {
    async feature(userId, workspaceId, name) {
      const now = clock.now();
      const window = COUNTED_ONCE_PER[name];
      const key = `${userId}\u0000${workspaceId ?? ''}\u0000${name}`;
      if (window !== undefined && withinWindow(key, window, now)) return false;
      try {
        // One statement: the consent check and the insert cannot be split by a withdrawal.
        const r = await db
          .insertInto('usage_events')
          .columns(['id', 'user_id', 'workspace_id', 'kind', 'name', 'at'])
          .expression((eb) =>
            eb
              .selectFrom('users')
              .select([
                sql<string>`cast(${newId(now)} as text)`.as('id'),
                'users.id as user_id',
                sql<string | null>`cast(${workspaceId} as text)`.as('workspace_id'),
                sql<string>`cast(${'feature'} as text)`.as('kind'),
                sql<string>`cast(${name} as text)`.as('name'),
                sql<number>`cast(${now} as bigint)`.as('at'),
              ])
              .where('users.id', '=', userId)
              .where('users.analytics_consent', '=', 1),
          )
          .executeTakeFirst();
        const stored = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
        if (stored && window !== undefined) remember(key, now);
        return stored;
      } catch (err) {
        deps.logger?.warn({ err, feature: name }, 'usage: could not record a feature use');
        return false;
      }
    },
  };
}
