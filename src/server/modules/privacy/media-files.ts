/**
 * Media rows and their files, for erasure. Files are content-addressed and may be
 * shared between workspaces (the same picture received twice), so a file leaves the
 * disk only when no media row outside the ones being deleted still uses it. The
 * file goes before the row: a crash in between leaves a row without a file (which
 * the next run deletes), never a file that no row points at any more.
 */
import fs from 'node:fs';
import type { DbOrTx } from '../../db/database.js';
import { chunks } from '../../lib/chunks.js';

export interface MediaRef {
  id: string;
  sha256: string | null;
}

/** Removes the files of `media` that no other media row uses, then the rows; returns files removed. */
export async function deleteMediaRowsAndFiles(
  db: DbOrTx,
  workspaceId: string,
  media: readonly MediaRef[],
  pathOf: (sha256: string) => string,
): Promise<number> {
  if (media.length === 0) return 0;
  const ids = media.map((m) => m.id);
  const hashes = [...new Set(media.map((m) => m.sha256).filter((h): h is string => !!h))];
  const used = new Set<string>();
  for (const part of chunks(hashes)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('media')
      .select('sha256')
      .where('sha256', 'in', part)
      .where((eb) => eb.or([eb('workspace_id', '!=', workspaceId), eb('id', 'not in', ids)]))
      .execute();
    for (const r of rows) if (r.sha256) used.add(r.sha256);
  }
  let files = 0;
  for (const hash of hashes) {
    if (used.has(hash)) continue;
    const file = pathOf(hash);
    if (fs.existsSync(file)) files += 1;
    await fs.promises.rm(file, { force: true });
  }
  for (const part of chunks(ids)) {
    if (part.length > 0) await db.deleteFrom('media').where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
  }
  return files;
}
