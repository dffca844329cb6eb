import type { DbOrTx } from '../../db/database.js';
import type { ContactsTable } from '../../db/tables.js';
import { newId } from '../../lib/ids.js';

export type ContactRow = ContactsTable;

/**
 * A customer known only by LID is kept under this placeholder phone until a
 * LID→phone mapping arrives; `mergeLidContact` then folds it into the phone contact.
 */
export const LID_PREFIX = 'lid:';
export const lidPlaceholder = (lid: string) => `${LID_PREFIX}${lid}`;
export const isLidPlaceholder = (phone: string) => phone.startsWith(LID_PREFIX);

const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function findContact(db: DbOrTx, workspaceId: string, contactId: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', contactId).executeTakeFirst();
}

export async function findContactsByPhones(db: DbOrTx, workspaceId: string, phones: readonly string[]): Promise<ContactRow[]> {
  const out: ContactRow[] = [];
  for (const part of chunks([...new Set(phones)])) {
    if (part.length === 0) continue;
    out.push(...(await db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('phone', 'in', part).execute()));
  }
  return out;
}

export async function findContactsByLids(db: DbOrTx, workspaceId: string, lids: readonly string[]): Promise<ContactRow[]> {
  const out: ContactRow[] = [];
  for (const part of chunks([...new Set(lids)])) {
    if (part.length === 0) continue;
    out.push(...(await db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('lid', 'in', part).execute()));
  }
  return out;
}

export interface NewContact {
  phone: string;
  lid?: string | null;
  pushName?: string | null;
  seenAt?: number | null;
}

/**
 * Inserts the contacts that do not exist yet (a concurrent insert of the same
 * phone wins quietly) and returns every requested contact, old and new, by phone.
 */
export async function ensureContacts(
  db: DbOrTx,
  workspaceId: string,
  wanted: readonly NewContact[],
  now: number,
): Promise<{ byPhone: Map<string, ContactRow>; created: string[] }> {
  const byPhone = new Map<string, ContactRow>();
  for (const row of await findContactsByPhones(
    db,
    workspaceId,
    wanted.map((w) => w.phone),
  ))
    byPhone.set(row.phone, row);
  const missing = new Map<string, NewContact>();
  for (const w of wanted) if (!byPhone.has(w.phone) && !missing.has(w.phone)) missing.set(w.phone, w);
  const created: string[] = [];
  if (missing.size > 0) {
    const rows: ContactRow[] = [...missing.values()].map((w) => ({
      id: newId(now),
      workspace_id: workspaceId,
      phone: w.phone,
      lid: w.lid ?? null,
      name: null,
      push_name: w.pushName ?? null,
      saved_name: null,
      notes: null,
      custom_fields: '{}',
      opted_out: 0,
      opted_out_at: null,
      first_seen_at: w.seenAt ?? null,
      last_seen_at: w.seenAt ?? null,
      created_at: now,
      updated_at: now,
    }));
    for (const part of chunks(rows, 200)) {
      const inserted = await db
        .insertInto('contacts')
        .values(part)
        .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
        .returning('id')
        .execute();
      created.push(...inserted.map((r) => r.id));
    }
    for (const row of await findContactsByPhones(db, workspaceId, [...missing.keys()])) byPhone.set(row.phone, row);
  }
  return { byPhone, created };
}

/** WhatsApp's names for a contact. `name` (typed by an agent) is never touched here. */
export async function updateContactProfile(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
  patch: Partial<Pick<ContactRow, 'push_name' | 'saved_name' | 'lid' | 'last_seen_at' | 'first_seen_at'>>,
  now: number,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ ...patch, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', contactId)
    .execute();
}

/**
 * Folds the LID-only placeholder contact `from` into the phone contact `into`:
 * conversations move over; where `into` already has a conversation on the same
 * number, the messages move into it and the placeholder conversation goes.
 * Returns the ids of the conversations that survive and changed.
 */
export async function mergeContactInto(
  db: DbOrTx,
  workspaceId: string,
  from: ContactRow,
  into: ContactRow,
  now: number,
): Promise<{ conversationIds: string[] }> {
  const fromConvs = await db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', from.id)
    .execute();
  const intoConvs = await db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', into.id)
    .execute();
  const touched: string[] = [];
  for (const conv of fromConvs) {
    const target = intoConvs.find((c) => c.number_id === conv.number_id);
    if (!target) {
      await db.updateTable('conversations').set({ contact_id: into.id, updated_at: now }).where('id', '=', conv.id).execute();
      touched.push(conv.id);
      continue;
    }
    await db
      .updateTable('messages')
      .set({ conversation_id: target.id })
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', '=', conv.id)
      .execute();
    const newer = (conv.last_message_at ?? -1) > (target.last_message_at ?? -1);
    const waiting = [conv.waiting_since, target.waiting_since].filter((w): w is number => w !== null);
    await db
      .updateTable('conversations')
      .set({
        unread_count: target.unread_count + conv.unread_count,
        waiting_since: waiting.length > 0 ? Math.min(...waiting) : null,
        ...(newer
          ? {
              last_message_at: conv.last_message_at,
              last_message_preview: conv.last_message_preview,
              last_message_direction: conv.last_message_direction,
            }
          : {}),
        ...(conv.unread_count > 0 && target.status !== 'open' ? { status: 'open' as const } : {}),
        assignee_user_id: target.assignee_user_id ?? conv.assignee_user_id,
        updated_at: now,
      })
      .where('id', '=', target.id)
      .execute();
    await db.deleteFrom('conversations').where('id', '=', conv.id).execute();
    touched.push(target.id);
  }
  await db
    .updateTable('contacts')
    .set({
      lid: into.lid ?? from.lid,
      push_name: into.push_name ?? from.push_name,
      saved_name: into.saved_name ?? from.saved_name,
      name: into.name ?? from.name,
      notes: into.notes ?? from.notes,
      first_seen_at: minOrNull(into.first_seen_at, from.first_seen_at),
      last_seen_at: maxOrNull(into.last_seen_at, from.last_seen_at),
      updated_at: now,
    })
    .where('id', '=', into.id)
    .execute();
  await db.deleteFrom('contacts').where('id', '=', from.id).execute();
  return { conversationIds: touched };
}

function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
