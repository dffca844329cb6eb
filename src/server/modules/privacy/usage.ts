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
  return {
    async feature(userId, workspaceId, name) {
      const now = clock.now();
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
        return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
      } catch (err) {
        deps.logger?.warn({ err, feature: name }, 'usage: could not record a feature use');
        return false;
      }
    },
  };
}
