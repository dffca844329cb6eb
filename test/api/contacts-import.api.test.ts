import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContactDetailDtoT, ContactDtoT, ContactImportDtoT } from '../../src/contracts/contacts.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { importCsv, uploadCsv, waitForImport } from '../support/contacts.js';
import { firstOwner, type Person } from '../support/factories.js';
import { as, expectError } from '../support/http.js';

const MAPPING = {
  Phone: 'phone',
  Name: 'name',
  Labels: 'labels',
  Tier: 'field:tier',
  Orders: 'field:orders',
  Since: 'field:since',
  'Opted out': 'opted_out',
};

describe('contacts CSV import and export', () => {
  let t: TestApp;
  let owner: Person & { workspaceId: string };
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await firstOwner(t.app);
    base = `/api/v1/workspaces/${owner.workspaceId}`;
    const client = as(t.app, owner.cookie);
    await client.patch(base, { country: 'GB' });
    await client.post(`${base}/contact-fields`, { key: 'tier', label: 'Tier', type: 'choice', options: ['Gold', 'Silver'] });
    await client.post(`${base}/contact-fields`, { key: 'orders', label: 'Orders', type: 'number' });
    await client.post(`${base}/contact-fields`, { key: 'since', label: 'Since', type: 'date' });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    delete t.services.contacts.importer.faults.failAfterRows;
  });

  const contacts = async () =>
    (await as(t.app, owner.cookie).get(`${base}/contacts?sort=created&limit=200`)).json<{ items: ContactDtoT[] }>().items;
  const byPhone = async (phone: string) => (await contacts()).find((c) => c.phone === phone);

  it('imports the good rows and rejects each bad row with its reason, with a downloadable report', async () => {
    const existing = await as(t.app, owner.cookie).post(`${base}/contacts`, { phone: '+447700900099', name: 'Old Name' });
    expect(existing.statusCode).toBe(201);
    const long = 'N'.repeat(201);
    const manyLabels = Array.from({ length: 21 }, (_, i) => `l${i}`).join(',');
    const lines: Array<[string, RegExp | null]> = [
      ['+447700900001,Alice,"VIP, Wholesale",Gold,3,2024-01-05,no', null],
      ['07700 900002,Bob,,,,,', null],
      ['+33 6 12 34 56 78,Chloé,,silver,"1,5",,yes', null],
      ['+447700900001,,Retail,,,,', null], // merged into row 2
      ['447700900099,New Name,,,,,', null], // updates the existing contact
      [',No Phone,,,,,', /phone is empty/],
      ['call me,Letters,,,,,', /phone contains letters/],
      ['12345,Short,,,,,', /phone is too short/],
      ['+44 7700 900123 4567 8901 234,Long,,,,,', /phone is too long/],
      ['+999 1234567,Invalid,,,,,', /not a valid phone number/],
      ['+1 555 0100,Invalid US,,,,,', /not a valid phone number/],
      ['+44 (0) 7700 900013!,Bang,,,,,', /characters other than digits/],
      ['lid:12345,Lid,,,,,', /phone contains letters/],
      ["=cmd|' /C calc'!A0,Formula,,,,,", /phone contains letters/],
      ['+447700900001,Alicia,,,,,', /duplicate in file: same phone as row 2 with a different name/],
      [`+447700900003,${long},,,,,`, /name is longer than 200 characters/],
      ['+447700900004,Bad tier,,Platinum,,,', /invalid field value: Tier/],
      ['+447700900005,Bad orders,,,many,,', /invalid field value: Orders/],
      ['+447700900006,Bad date,,,,2023-02-30,', /invalid field value: Since/],
      ['+447700900007,Bad opt-out,,,,,maybe', /opt-out value/],
      ['+447700900008,Too many,,,,,,extra,extra', /row has 9 cells but the header has 7/],
      ['+447700900010,Ctrl\u0001Name,,,,,', /control characters/],
      [`+447700900011,Long label,${'L'.repeat(41)},,,,`, /label .* is longer than 40 characters/],
      [`+447700900012,Many labels,"${manyLabels}",,,,`, /more than 20 labels/],
    ];
    const header = 'Phone,Name,Labels,Tier,Orders,Since,Opted out';
    const text = [header, ...lines.map(([l]) => l)].join('\n');
    // One row whose bytes are not UTF-8 (Latin-1 é), appended as raw bytes.
    const file = Buffer.concat([
      Buffer.from(text + '\n', 'utf8'),
      Buffer.from('+447700900009,Ren', 'latin1'),
      Buffer.from([0xe9]),
      Buffer.from(',,,,,\n'),
    ]);

    const upload = await uploadCsv(t.app, owner.cookie, owner.workspaceId, file, 'customers.csv');
    expect(upload.statusCode, upload.body).toBe(201);
    const preview = upload.json<ContactImportDtoT>();
    expect(preview).toMatchObject({ status: 'uploaded', delimiter: ',', fileName: 'customers.csv', headers: header.split(',') });
    expect(preview.preview[0]).toEqual(['+447700900001', 'Alice', 'VIP, Wholesale', 'Gold', '3', '2024-01-05', 'no']);
    expect(preview.suggestedMapping).toMatchObject({
      Phone: 'phone',
      Name: 'name',
      Labels: 'labels',
      Tier: 'field:tier',
      'Opted out': 'opted_out',
    });

    const commit = await as(t.app, owner.cookie).post(`${base}/contacts/import/${preview.id}/commit`, { mapping: MAPPING });
    expect(commit.statusCode, commit.body).toBe(202);
    const done = await waitForImport(t.app, owner.cookie, owner.workspaceId, preview.id);
    const bad = lines.filter(([, reason]) => reason).length + 1;
    expect(done).toMatchObject({
      status: 'done',
      created: 3,
      updated: 1,
      merged: 1,
      rejected: bad,
      processed: lines.length + 1,
      error: null,
    });
    expectError(await as(t.app, owner.cookie).post(`${base}/contacts/import/${preview.id}/commit`, { mapping: MAPPING }), 409, 'conflict');

    const alice = (await byPhone('+447700900001'))!;
    expect(alice).toMatchObject({ name: 'Alice', fields: { tier: 'Gold', orders: 3, since: '2024-01-05' }, optedOut: false });
    expect(alice.labels.map((l) => l.name).sort()).toEqual(['Retail', 'VIP', 'Wholesale']);
    expect(await byPhone('+447700900002')).toMatchObject({ name: 'Bob' });
    const chloe = (await byPhone('+33612345678'))!;
    expect(chloe).toMatchObject({ name: 'Chloé', optedOut: true, fields: { tier: 'Silver', orders: 1.5 } });
    const detail = (await as(t.app, owner.cookie).get(`${base}/contacts/${chloe.id}`)).json<ContactDetailDtoT>();
    expect(detail.optHistory.map((e) => e.source)).toEqual(['import']);
    expect(await byPhone('+447700900099')).toMatchObject({ id: existing.json<ContactDtoT>().id, name: 'New Name' });
    expect((await contacts()).filter((c) => c.phone === '+447700900001')).toHaveLength(1);

    const report = await as(t.app, owner.cookie).get(`${base}/contacts/import/${preview.id}/report.csv`);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(report.body, { bom: true, relax_column_count: true }) as string[][];
    expect(rows[0]!.slice(0, 3)).toEqual(['row', 'reason', 'Phone']);
    const reasons = new Map(rows.slice(1).map((r) => [Number(r[0]), r[1]!]));
    expect(reasons.size).toBe(bad);
    lines.forEach(([, reason], i) => {
      if (reason) expect(reasons.get(i + 2), `row ${i + 2}`).toMatch(reason);
    });
    expect(reasons.get(lines.length + 2)).toMatch(/not UTF-8 text \(bad encoding\)/);
    // The formula row comes back neutralised, never as a live formula.
    expect(rows.find((r) => r[2]?.includes('cmd'))![2]).toBe("'=cmd|' /C calc'!A0");
  });

  it('reads what Excel writes: a byte-order mark, semicolons, CRLF, quoted newlines and decimal commas', async () => {
    const csv =
      '\uFEFFTelefon;Name;Notizen;Orders\r\n+49 151 1111111;"Müller, Hans";"line one\r\nline two";"2,5"\r\n+49 151 2222222;Schmidt;;\r\n';
    const upload = await uploadCsv(t.app, owner.cookie, owner.workspaceId, csv, 'excel.csv');
    expect(upload.statusCode, upload.body).toBe(201);
    const preview = upload.json<ContactImportDtoT>();
    expect(preview.delimiter).toBe(';');
    expect(preview.headers).toEqual(['Telefon', 'Name', 'Notizen', 'Orders']);
    expect(preview.preview[0]).toEqual(['+49 151 1111111', 'Müller, Hans', 'line one\r\nline two', '2,5']);
    expect(preview.suggestedMapping).toEqual({ Telefon: 'phone', Name: 'name', Notizen: 'notes', Orders: 'field:orders' });
    await as(t.app, owner.cookie).post(`${base}/contacts/import/${preview.id}/commit`, { mapping: preview.suggestedMapping });
    const done = await waitForImport(t.app, owner.cookie, owner.workspaceId, preview.id);
    expect(done).toMatchObject({ status: 'done', created: 2, rejected: 0 });
    expect(await byPhone('+491511111111')).toMatchObject({ name: 'Müller, Hans', notes: 'line one\r\nline two', fields: { orders: 2.5 } });

    const tabbed = await importCsv(t.app, owner.cookie, owner.workspaceId, 'phone\tname\n+491513333333\tTab Person\n', {
      phone: 'phone',
      name: 'name',
    });
    expect(tabbed).toMatchObject({ status: 'done', created: 1, delimiter: '\t' });
  });

  it('refuses files that are not CSV with 400 invalid_csv', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d9d0b30000000049454e44ae426082',
      'hex',
    );
    const xlsx = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(100, 1)]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone,name\n1,2\n', 'utf16le')]);
    for (const [what, body, message] of [
      ['png', png, /PNG image/],
      ['xlsx', xlsx, /Excel workbook/],
      ['utf16', utf16, /UTF-16/],
      ['empty', Buffer.alloc(0), /empty/],
      ['binary', Buffer.from([1, 2, 3, 0, 4, 5, 6, 7, 8, 9, 10]), /not a text file/],
    ] as const) {
      const r = await uploadCsv(t.app, owner.cookie, owner.workspaceId, body, `${what}.csv`);
      expect(expectError(r, 400, 'invalid_csv', what).error.message).toMatch(message);
    }
    expectError(await as(t.app, owner.cookie).post(`${base}/contacts/import`), 400, 'validation_failed');
    const json = await as(t.app, owner.cookie).post(`${base}/contacts/import`, { file: 'x' });
    expect(json.statusCode).toBeGreaterThanOrEqual(400);
    expect(json.statusCode).toBeLessThan(500);
  });

  it('is all or nothing: a failure in the middle or a broken file leaves the contacts as they were', async () => {
    const before = await contacts();
    const rows = Array.from({ length: 60 }, (_, i) => `+4477009${String(50000 + i)},Batch ${i},Atomic`);
    rows.push('447700900099,Should Not Stick,Atomic');
    t.services.contacts.importer.faults.failAfterRows = 10;
    const failed = await importCsv(t.app, owner.cookie, owner.workspaceId, ['phone,name,labels', ...rows].join('\n'), {
      phone: 'phone',
      name: 'name',
      labels: 'labels',
    });
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/nothing was imported/) });
    expect(await contacts()).toEqual(before);
    const labels = await t.database.db
      .selectFrom('labels')
      .select('name')
      .where('workspace_id', '=', owner.workspaceId)
      .where('name', '=', 'Atomic')
      .execute();
    expect(labels).toEqual([]);
    const staged = await t.database.db.selectFrom('contact_import_rows').select('line').where('import_id', '=', failed.id).execute();
    expect(staged).toEqual([]);

    delete t.services.contacts.importer.faults.failAfterRows;
    const broken = await importCsv(
      t.app,
      owner.cookie,
      owner.workspaceId,
      ['phone,name', ...rows.map((r) => r.split(',').slice(0, 2).join(',')), '+447700912345,"never closed'].join('\n'),
      {
        phone: 'phone',
        name: 'name',
      },
    );
    expect(broken).toMatchObject({ status: 'failed', error: expect.stringMatching(/not valid CSV|stopped being valid/) });
    expect(await contacts()).toEqual(before);

    const ok = await importCsv(t.app, owner.cookie, owner.workspaceId, ['phone,name,labels', ...rows].join('\n'), {
      phone: 'phone',
      name: 'name',
      labels: 'labels',
    });
    expect(ok).toMatchObject({ status: 'done', created: 60, updated: 1 });
  });

  it('exports the current filter as CSV, streamed, with formula cells neutralised', async () => {
    const client = as(t.app, owner.cookie);
    await client.post(`${base}/contacts`, {
      phone: '+447700900777',
      name: '=HYPERLINK("http://evil.test","click")',
      fields: { tier: 'Gold' },
    });
    const all = await client.get(`${base}/contacts/export`);
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-type']).toMatch(/^text\/csv/);
    expect(all.headers['content-disposition']).toMatch(/attachment; filename="contacts-/);
    expect(all.body.startsWith('\uFEFF')).toBe(true);
    const rows = parse(all.body, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'phone',
      'name',
      'whatsapp_name',
      'saved_name',
      'labels',
      'notes',
      'opted_out',
      'opted_out_at',
      'first_seen',
      'last_seen',
      'created',
      'Tier',
      'Orders',
      'Since',
    ]);
    const evil = rows.find((r) => r[0] === '+447700900777')!;
    expect(evil[1]).toBe('\'=HYPERLINK("http://evil.test","click")');
    expect(evil[11]).toBe('Gold');
    expect(rows.length - 1).toBe((await contacts()).length);

    const filtered = parse((await client.get(`${base}/contacts/export?q=Chloé`)).body, { bom: true }) as string[][];
    expect(filtered.slice(1).map((r) => r[1])).toEqual(['Chloé']);
    const log = (await client.get(`${base}/activity?action=contacts.exported`)).json<{ items: unknown[] }>();
    expect(log.items.length).toBeGreaterThanOrEqual(2);
  });
});
