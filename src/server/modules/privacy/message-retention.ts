/**
 * Optional message retention (PRODUCT §9, off by default): for each workspace with
 * `message_retention_days` set, messages sent before the cutoff are deleted in
 * small batches, with their reactions and search entries (foreign-key cascade),
 * their media rows and files when nothing else uses them, and the copies of their
 * text elsewhere: quotes of them in later replies, and the conversation preview
 * when no message is left.
 *
 * Conversations are kept even when no message is left: the contact, labels, notes
 * and assignment still belong to the team's history; the list shows a conversation
 * again when a new message arrives. Messages still waiting to be sent are never
 * touched. Idempotent and safe to run from several processes.
 */
import type { Db } from '../../db/database.js';
import { DAY_MS, type Clock } from '../../lib/clock.js';
import { chunks } from '../../lib/chunks.js';
import { deleteMediaRowsAndFiles } from './media-files.js';
import { checkpoint, secureDelete } from './workspace-eraser.js';

export interface RetentionResult {
  messages: number;
  media: number;
  files: number;
}

export async function purgeExpiredMessages(deps: {
  db: Db;
  clock: Clock;
  pathOf(sha256: string): string;
  batchSize?: number;
}): Promise<RetentionResult> {
  const { db } = deps;
  const batch = deps.batchSize ?? 500;
  const result: RetentionResult = { messages: 0, media: 0, files: 0 };
  const workspaces = await db
    .selectFrom('workspaces')
    .select(['id', 'message_retention_days'])
    .where('message_retention_days', 'is not', null)
    .execute();
  if (workspaces.length === 0) return result;
  await secureDelete(db);
  for (const ws of workspaces) {
    const days = ws.message_retention_days;
    if (!days || days < 1) continue;
    const cutoff = deps.clock.now() - days * DAY_MS;
    for (;;) {
      const rows = await db
        .selectFrom('messages')
        .select(['id', 'media_id', 'conversation_id', 'provider_message_id'])
        .where('workspace_id', '=', ws.id)
        .where('sent_at', '<', cutoff)
        .where('status', 'not in', ['queued', 'sending'])
        .orderBy('sent_at')
        .limit(batch)
        .execute();
      if (rows.length === 0) break;
      const removed = await db.transaction().execute(async (tx) => {
        const ids = rows.map((r) => r.id);
        await tx.deleteFrom('messages').where('workspace_id', '=', ws.id).where('id', 'in', ids).execute();
        const providerIds = rows.map((r) => r.provider_message_id).filter((p): p is string => !!p);
        for (const part of chunks(providerIds)) {
          if (part.length === 0) continue;
          await tx
            .updateTable('messages')
            .set({ quoted_text: null })
            .where('workspace_id', '=', ws.id)
            .where('quoted_provider_id', 'in', part)
            .execute();
        }
        const conversations = [...new Set(rows.map((r) => r.conversation_id))];
        for (const part of chunks(conversations)) {
          await tx
            .updateTable('conversations')
            .set({ last_message_preview: null, last_message_direction: null })
            .where('workspace_id', '=', ws.id)
            .where('id', 'in', part)
            .where(({ not, exists, selectFrom }) =>
              not(exists(selectFrom('messages').select('messages.id').whereRef('messages.conversation_id', '=', 'conversations.id'))),
            )
            .execute();
        }
        return ids.length;
      });
      result.messages += removed;
      const mediaIds = [...new Set(rows.map((r) => r.media_id).filter((m): m is string => !!m))];
      if (mediaIds.length > 0) {
        // Media still used by a newer message or by a campaign stays.
        const orphans = await db
          .selectFrom('media')
          .select(['id', 'sha256'])
          .where('workspace_id', '=', ws.id)
          .where('id', 'in', mediaIds)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('messages').select('messages.id').whereRef('messages.media_id', '=', 'media.id'))),
          )
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('campaigns').select('campaigns.id').whereRef('campaigns.media_id', '=', 'media.id'))),
          )
          .execute();
        result.files += await deleteMediaRowsAndFiles(db, ws.id, orphans, deps.pathOf);
        result.media += orphans.length;
      }
      if (rows.length < batch) break;
    }
  }
  if (result.messages > 0) await checkpoint(db);
  return result;
}
