import type { Db } from '../../src/server/db/database.js';
import { newId } from '../../src/server/lib/ids.js';

/** Contacts (with a label) inserted directly, the way the contacts module stores them. */
export async function insertContacts(
  db: Db,
  workspaceId: string,
  people: ReadonlyArray<{ phone: string; name?: string | null; fields?: Record<string, string>; optedOut?: boolean }>,
  options: { label?: string; now?: number } = {},
): Promise<{ contactIds: string[]; labelId: string | null }> {
  const now = options.now ?? Date.now();
  let labelId: string | null = null;
  if (options.label) {
    const existing = await db
      .selectFrom('labels')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', options.label)
      .executeTakeFirst();
    labelId = existing?.id ?? newId(now);
    if (!existing)
      await db
        .insertInto('labels')
        .values({ id: labelId, workspace_id: workspaceId, name: options.label, color: 'blue', created_at: now })
        .execute();
  }
  const contactIds: string[] = [];
  for (let i = 0; i < people.length; i += 500) {
    const rows = people.slice(i, i + 500).map((p) => ({
      id: newId(now),
      workspace_id: workspaceId,
      phone: p.phone,
      lid: null,
      name: p.name ?? null,
      push_name: null,
      saved_name: null,
      notes: null,
      custom_fields: JSON.stringify(p.fields ?? {}),
      opted_out: p.optedOut ? 1 : 0,
      opted_out_at: p.optedOut ? now : null,
      first_seen_at: null,
      last_seen_at: null,
      created_at: now,
      updated_at: now,
    }));
    await db.insertInto('contacts').values(rows).execute();
    contactIds.push(...rows.map((r) => r.id));
    if (labelId) {
      await db
        .insertInto('contact_labels')
        .values(rows.map((r) => ({ contact_id: r.id, label_id: labelId!, workspace_id: workspaceId })))
        .execute();
    }
  }
  return { contactIds, labelId };
}

/** Marks a contact opted out (or back in), as the opt-out keyword handling would. */
export async function setOptedOut(db: Db, workspaceId: string, phone: string, optedOut: boolean, now = Date.now()): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ opted_out: optedOut ? 1 : 0, opted_out_at: optedOut ? now : null, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('phone', '=', phone)
    .execute();
}

/** UK test-range mobile numbers (447700900000–447700900999 are set aside for drama and tests). */
export const ukPhone = (i: number) => `4477009${String(i).padStart(5, '0')}`;
