/**
 * Erasure proofs: a dump of every row of every table of the test database (found
 * from the catalogue, so tables added later are included, and FTS5 shadow tables
 * too), and the bytes of every file under the data directory. A test seeds unique
 * markers, erases, and expects none of them anywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestDatabase } from './db.js';

export async function tableNames(database: TestDatabase): Promise<string[]> {
  const { db, dialect } = database;
  if (dialect === 'sqlite') {
    const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db);
    return rows.rows.map((r) => r.name);
  }
  const rows = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
    db,
  );
  return rows.rows.map((r) => r.table_name);
}

/** Every row of every table as text, one line per row, prefixed with its table. */
export async function dumpDatabase(database: TestDatabase): Promise<string> {
  const { db, dialect } = database;
  const out: string[] = [];
  for (const name of await tableNames(database)) {
    if (dialect === 'sqlite') {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
      for (const row of rows.rows) {
        out.push(
          `${name}: ${Object.values(row)
            .map((v) => (Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v)))
            .join(' | ')}`,
        );
      }
    } else {
      // The row as text includes generated columns (the search tsvector).
      const rows = await sql<{ t: string }>`select t::text as t from ${sql.table(name)} t`.execute(db);
      for (const row of rows.rows) out.push(`${name}: ${row.t}`);
    }
  }
  return out.join('\n');
}

export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Fails naming each marker found, and where. Markers are compared case-insensitively. */
export async function expectErased(database: TestDatabase, markers: readonly string[]): Promise<void> {
  const dump = (await dumpDatabase(database)).toLowerCase();
  const found: string[] = [];
  for (const marker of markers) {
    const m = marker.toLowerCase();
    const at = dump.indexOf(m);
    if (at >= 0) found.push(`${marker} in database: …${dump.slice(Math.max(0, dump.lastIndexOf('\n', at) + 1), at + m.length + 80)}…`);
  }
  for (const file of filesUnder(database.dataDir)) {
    const bytes = fs.readFileSync(file).toString('latin1').toLowerCase();
    for (const marker of markers)
      if (bytes.includes(marker.toLowerCase())) found.push(`${marker} in file ${path.relative(database.dataDir, file)}`);
  }
  expect(found, 'erased data still present').toEqual([]);
}

/** The same markers, present before the erasure (so the proof is not vacuous). */
export async function expectPresent(database: TestDatabase, markers: readonly string[]): Promise<void> {
  const dump = (await dumpDatabase(database)).toLowerCase();
  const files = filesUnder(database.dataDir).map((f) => fs.readFileSync(f).toString('latin1').toLowerCase());
  const missing = markers.filter((m) => !dump.includes(m.toLowerCase()) && !files.some((f) => f.includes(m.toLowerCase())));
  expect(missing, 'markers not seeded').toEqual([]);
}

/** Reads a stored ZIP (no compression, as zipStream writes) into name → content. */
export function readStoredZip(buffer: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const offset = buffer.readUInt32LE(at + 42);
    const name = buffer.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const localName = buffer.readUInt16LE(offset + 26);
    const localExtra = buffer.readUInt16LE(offset + 28);
    const start = offset + 30 + localName + localExtra;
    out.set(name, buffer.subarray(start, start + size));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}
