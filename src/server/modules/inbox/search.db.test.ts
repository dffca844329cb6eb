import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactRow } from '../../../../test/support/contacts.js';
import { openTestDatabase, testDialect, type TestDatabase } from '../../../../test/support/db.js';
import { insertTestWorkspace } from '../../../../test/support/numbers.js';
import { insertMany } from '../../db/bulk.js';
import { newestMatchesPostgres } from './team-repo.js';

// The walk-or-index choice exists on PostgreSQL only; SQLite's FTS5 reads its index newest first.
describe.skipIf(testDialect() !== 'postgres')('newest full-text matches on PostgreSQL', () => {
  let database: TestDatabase;
  let ws: string;
  let otherWs: string;
  const DOCS = 9_000;

  beforeAll(async () => {
    database = await openTestDatabase();
    ws = await insertTestWorkspace(database.db, { now: 0 });
    otherWs = await insertTestWorkspace(database.db, { name: 'Other shop', now: 0 });
    const body = (i: number) =>
      [
        `doc${i}`,
        i % 3 === 0 ? 'often' : '',
        i % 7 === 0 ? 'weekly' : '',
        i === 17 || i === 8_000 ? 'zanzibar' : '',
        i < 1_000 && i % 11 === 0 ? 'oldword' : '',
      ].join(' ');
    // Contacts, whose search documents the triggers write in this order, interleaved with
    // another workspace's, which must never come back.
    const contact = (workspaceId: string, id: string, i: number) =>
      contactRow(workspaceId, id, `44770${String(i).padStart(6, '0')}`, { push_name: body(i) });
    const rows = Array.from({ length: DOCS }, (_, i) => [
      contact(ws, `k${i}`, i),
      ...(i % 4 === 0 ? [contact(otherWs, `x${i}`, i)] : []),
    ]).flat();
    await insertMany(database.db, 'contacts', rows);
    await sql`analyze search_docs`.execute(database.db);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  /** What one plain query gives: the newest matches of the workspace. */
  const reference = async (tsquery: string, wanted: number) =>
    (
      await sql<{ contact_id: string }>`
        select contact_id from search_docs where workspace_id = ${ws} and tsv @@ to_tsquery('simple', ${tsquery})
        order by id desc limit ${wanted}`.execute(database.db)
    ).rows.map((r) => r.contact_id);

  it.each([
    ['a common word, found in the newest documents', 'often', 50],
    ['a common word, more than the newest documents hold', 'often', 2_000],
    ['a word in every seventh document, walked further', 'weekly', 2_000],
    ['a rare word, found by the index', 'zanzibar', 2_000],
    ['a word only in old documents', 'oldwo:*', 100],
    ['two words together', 'often & weekly', 2_000],
    ['a word no document has', 'nowhere', 10],
  ])('%s: exactly the newest matches of the workspace', async (_what, tsquery, wanted) => {
    const expected = await reference(tsquery, wanted);
    const hits = await newestMatchesPostgres(database.db, ws, tsquery, 'contact', wanted);
    expect(hits.map((h) => h.contact_id)).toEqual(expected);
    expect(hits.every((h) => h.contact_id!.startsWith('k'))).toBe(true);
    // The same documents are no messages.
    expect(await newestMatchesPostgres(database.db, ws, tsquery, 'message', wanted)).toEqual([]);
  });

  it('stops once the matches cover the conversations asked for, and those are still the newest matches', async () => {
    const expected = await reference('weekly', 2_000);
    const hits = await newestMatchesPostgres(database.db, ws, 'weekly', 'contact', 2_000, 30);
    expect(new Set(hits.map((h) => h.contact_id)).size).toBeGreaterThanOrEqual(30);
    expect(hits.length).toBeLessThan(expected.length);
    expect(hits.map((h) => h.contact_id)).toEqual(expected.slice(0, hits.length));
  });
});
