import { sql, type Kysely } from 'kysely';

/**
 * Lighter conversation indexes for ingest. Every new message moves its
 * conversation's `last_message_at`, so each inbox index that carries it is
 * rewritten at a random place per conversation per batch; they were half of
 * what an ingest batch wrote. Two go:
 * - `conversations_inbox_number`: a workspace has a handful of numbers, so the
 *   number filter walks the status (or plain inbox) index newest first and
 *   skips the other numbers' rows, a few per hit;
 * - `conversations_inbox_waiting` (partial): the waiting filter walks the inbox
 *   index newest first, and the newest conversations are the ones waiting.
 * The status and assignee indexes stay (a small status or an agent's own
 * conversations can be a tiny share of a large inbox).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists conversations_inbox_number`.execute(db);
  await sql`drop index if exists conversations_inbox_waiting`.execute(db);
}
