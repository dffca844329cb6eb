import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * PostgreSQL: the search index per kind of document. `search_docs` holds messages
 * and contacts side by side, numbered in the order they were written, and the
 * inbox search walks a workspace's documents newest first to find the newest
 * matches of a common word. Right after a large contact import the newest
 * documents were tens of thousands of contacts: the walk found no message there,
 * judged the word rare and fell back to the full-text index, which fetched and
 * sorted every document holding the word (seconds for a word in 5 % of a million
 * messages). Messages and contacts are now searched apart, each on its own
 * partial indexes (newest-first order, full text), so neither kind's documents
 * stand in the other's way; the contacts list's word search (`contact_id is not
 * null`) reads the small contacts index too. `search_docs_workspace` stays for
 * deleting a workspace. SQLite: FTS5 walks only the matching documents, nothing
 * to change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create index search_docs_message_order on search_docs (workspace_id, id) where message_id is not null`.execute(db);
  await sql`create index search_docs_contact_order on search_docs (workspace_id, id) where contact_id is not null`.execute(db);
  await sql`create index search_docs_message_tsv on search_docs using gin (tsv) where message_id is not null`.execute(db);
  await sql`create index search_docs_contact_tsv on search_docs using gin (tsv) where contact_id is not null`.execute(db);
  await sql`drop index search_docs_tsv`.execute(db);
}
