import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contactRow } from '../../../../test/support/contacts.js';
import { openTestDatabase, type TestDatabase } from '../../../../test/support/db.js';
import { insertTestWorkspace } from '../../../../test/support/numbers.js';
import { insertMany } from '../../db/bulk.js';
import { listContacts, pagesFromSearchEntries, updateContact, type ContactFilter, type ContactRow } from './repo.js';

const NOW = Date.parse('2026-03-01T10:00:00Z');

function contact(workspaceId: string, n: number, patch: Partial<ContactRow> = {}): ContactRow {
  return contactRow(workspaceId, `k${String(n).padStart(25, '0')}`, `4474${String(n).padStart(8, '0')}`, {
    name: `Customer ${n}`,
    created_at: NOW,
    updated_at: NOW,
    ...patch,
  });
}

describe('bulk contact writes and search', () => {
  let database: TestDatabase;
  let ws: string;
  let otherWs: string;
  beforeEach(async () => {
    database = await openTestDatabase();
    ws = await insertTestWorkspace(database.db, { now: NOW });
    otherWs = await insertTestWorkspace(database.db, { name: 'Other shop', now: NOW });
  });
  afterEach(async () => {
    await database.destroy();
  });

  const docsOf = (workspaceId: string) =>
    database.db
      .selectFrom('search_docs')
      .select(['contact_id', 'body'])
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', 'is not', null)
      .orderBy('contact_id')
      .execute();

  it('inserts thousands of rows across statement boundaries, each contact indexed once for search', async () => {
    const rows = Array.from({ length: 6_200 }, (_, i) => contact(ws, i));
    rows[1] = contact(ws, 1, { name: null, push_name: 'Zoë', saved_name: 'Zoe Saved' });
    rows[2] = contact(ws, 2, { name: null, phone: 'lid:123456789' });
    await insertMany(database.db, 'contacts', rows);

    expect(
      Number(
        (
          await database.db
            .selectFrom('contacts')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(6_200);
    const docs = await docsOf(ws);
    // Every contact but the LID-only one without a name has exactly one document.
    expect(docs).toHaveLength(6_199);
    // SQLite's trigger keeps the blanks of empty names; words are what the index reads.
    const byId = new Map(docs.map((d) => [d.contact_id, d.body.replace(/\s+/g, ' ')]));
    expect(byId.get(rows[0]!.id)).toBe('Customer 0 447400000000');
    expect(byId.get(rows[1]!.id)).toBe('Zoe Saved Zoë 447400000001');
    expect(byId.has(rows[2]!.id)).toBe(false);
    expect(await docsOf(otherWs)).toEqual([]);
  });

  it('skips rows that conflict when asked, indexing only the rows actually inserted', async () => {
    await insertMany(database.db, 'contacts', [contact(ws, 1), contact(ws, 2)]);
    // Same phones under new ids, plus one new contact: only the new one lands.
    await insertMany(database.db, 'contacts', [contact(ws, 1, { id: 'kdup1' }), contact(ws, 2, { id: 'kdup2' }), contact(ws, 3)], {
      ignoreConflicts: ['workspace_id', 'phone'],
    });
    const docs = await docsOf(ws);
    expect(docs.map((d) => d.contact_id)).toEqual([contact(ws, 1).id, contact(ws, 2).id, contact(ws, 3).id]);
    await expect(insertMany(database.db, 'contacts', [contact(ws, 1, { id: 'kdup3' })])).rejects.toThrow();
  });

  it('pages a broad phone prefix in name order, with the cursor, inside the workspace only', async () => {
    await insertMany(
      database.db,
      'contacts',
      Array.from({ length: 300 }, (_, i) => contact(ws, i, { name: `Name ${String(299 - i).padStart(3, '0')}` })),
    );
    await insertMany(database.db, 'contacts', [contact(otherWs, 900, { name: 'Name 000 elsewhere', phone: '447400000205' })]);
    // 44740000010x: ten contacts (100..109); 4474000002: a hundred (200..299).
    const filter = { phonePrefixes: ['44740000010', '4474000002'] };
    const first = await listContacts(database.db, ws, filter, 'name', null, 60);
    expect(first).toHaveLength(60);
    const second = await listContacts(database.db, ws, filter, 'name', [first.at(-1)!.sort_key, first.at(-1)!.id], 60);
    const names = [...first, ...second].map((c) => c.name);
    const expected = [...Array.from({ length: 10 }, (_, i) => 100 + i), ...Array.from({ length: 100 }, (_, i) => 200 + i)]
      .map((n) => `Name ${String(299 - n).padStart(3, '0')}`)
      .sort();
    expect(names).toEqual(expected);
    expect([...first, ...second].every((c) => c.workspace_id === ws)).toBe(true);
  });

  it('pages a name search in name order from the search entries, following renames, inside the workspace only', async () => {
    const pad = (n: number) => String(n).padStart(3, '0');
    await insertMany(
      database.db,
      'contacts',
      Array.from({ length: 300 }, (_, i) =>
        i % 3 === 0
          ? contact(ws, i, { name: `Tim ${pad(299 - i)}` })
          : i % 3 === 1
            ? contact(ws, i, { name: null, push_name: `timothy ${pad(i)}` })
            : contact(ws, i, { name: `Other ${pad(i)}` }),
      ),
    );
    await insertMany(database.db, 'contacts', [contact(otherWs, 900, { name: 'Tim 000 elsewhere' })]);
    const filter: ContactFilter = { terms: ['tim'] };
    expect(pagesFromSearchEntries(filter, 'name')).toBe(true);

    const pages = async (f: ContactFilter) => {
      const out: Array<ContactRow & { sort_key: string | number }> = [];
      for (;;) {
        const last = out.at(-1);
        const page = await listContacts(database.db, ws, f, 'name', last ? [last.sort_key, last.id] : null, 70);
        out.push(...page);
        if (page.length < 70) return out;
      }
    };
    const all = await pages(filter);
    const expected = [
      ...Array.from({ length: 100 }, (_, i) => `Tim ${pad(3 * i + 2)}`),
      ...Array.from({ length: 100 }, (_, i) => `timothy ${pad(3 * i + 1)}`),
    ];
    expect(all.map((c) => c.name ?? c.push_name)).toEqual(expected);
    expect(all.every((c) => c.workspace_id === ws)).toBe(true);
    // The other path (a filter on the contact row walks the name index) gives the same order.
    expect(pagesFromSearchEntries({ ...filter, optedOut: false }, 'name')).toBe(false);
    expect((await pages({ ...filter, optedOut: false })).map((c) => c.id)).toEqual(all.map((c) => c.id));

    // A rename moves the contact in the search order too.
    await updateContact(database.db, ws, contact(ws, 3).id, { name: 'Aaron Tim' });
    const first = await listContacts(database.db, ws, filter, 'name', null, 2);
    expect(first.map((c) => c.name)).toEqual(['Aaron Tim', 'Tim 002']);
  });
});
