import type { Kysely } from 'kysely';

/**
 * Two inbox settings per workspace, both on by default (0/1 like every boolean):
 * - `typing_to_customer`: while a teammate types a reply, the customer sees
 *   "typing…" on WhatsApp (private notes never signal).
 * - `mark_read_on_reply`: sending a reply marks the customer's unread messages
 *   in that conversation as read on WhatsApp (blue ticks on their side).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('workspaces')
    .addColumn('typing_to_customer', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('mark_read_on_reply', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}
