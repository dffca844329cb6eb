/**
 * Uploads that nothing ever used (attached, then the message was not sent, or a
 * campaign was saved with another file) are deleted by maintenance after a day:
 * long enough for any send a person started, short enough not to keep files
 * nobody asked to keep.
 */
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { deleteMediaRowsAndFiles } from '../privacy/media-files.js';

export const UNUSED_MEDIA_TTL_MS = 24 * 60 * 60 * 1000;

/** Deletes up to `limit` media rows older than the TTL that no message or campaign refers to; returns rows deleted. */
export async function purgeUnusedMedia(deps: {
  db: Db;
  clock: Clock;
  pathOf: (sha256: string) => string;
  ttlMs?: number;
  limit?: number;
}): Promise<number> {
  const cutoff = deps.clock.now() - (deps.ttlMs ?? UNUSED_MEDIA_TTL_MS);
  const rows = await deps.db
    .selectFrom('media as md')
    .select(['md.id', 'md.workspace_id', 'md.sha256'])
    .where('md.created_at', '<', cutoff)
    .where((eb) =>
      eb.not(
        eb.or([
          eb.exists(eb.selectFrom('messages as m').select('m.id').whereRef('m.media_id', '=', 'md.id')),
          eb.exists(eb.selectFrom('campaigns as c').select('c.id').whereRef('c.media_id', '=', 'md.id')),
        ]),
      ),
    )
    .orderBy('md.created_at')
    .limit(deps.limit ?? 1000)
    .execute();
  const byWorkspace = new Map<string, typeof rows>();
  for (const row of rows) byWorkspace.set(row.workspace_id, [...(byWorkspace.get(row.workspace_id) ?? []), row]);
  for (const [workspaceId, media] of byWorkspace) await deleteMediaRowsAndFiles(deps.db, workspaceId, media, deps.pathOf);
  return rows.length;
}
