/**
 * What a workspace owns, read from the database's own foreign keys rather than a
 * hand-kept list: every table with an `ON DELETE CASCADE` foreign key to
 * `workspaces(id)`. Tables added by later migrations are covered without a change
 * here, and tables that hang off those (keys of a number, rows of an import) go
 * with their parent by the same cascade.
 */
import { sql, type Kysely } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect.js';

export interface ForeignKey {
  table: string;
  column: string;
  parent: string;
  onDelete: 'cascade' | 'set null' | 'other';
}

function action(rule: string): ForeignKey['onDelete'] {
  const r = rule.toLowerCase();
  if (r === 'cascade' || r === 'c') return 'cascade';
  if (r === 'set null' || r === 'n') return 'set null';
  return 'other';
}

export async function foreignKeys(db: DbOrTx): Promise<ForeignKey[]> {
  if (isPostgres(db as unknown as Kysely<unknown>)) {
    const rows = await sql<{ table: string; column: string; parent: string; rule: string }>`
      select t.relname as "table", a.attname as "column", p.relname as "parent", c.confdeltype as "rule"
      from pg_constraint c
      join pg_class t on t.oid = c.conrelid
      join pg_class p on p.oid = c.confrelid
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and t.relnamespace = (select oid from pg_namespace where nspname = current_schema())
    `.execute(db);
    return rows.rows.map((r) => ({ table: r.table, column: r.column, parent: r.parent, onDelete: action(r.rule) }));
  }
  const rows = await sql<{ table: string; column: string; parent: string; rule: string }>`
    select m.name as "table", f."from" as "column", f."table" as "parent", f.on_delete as "rule"
    from sqlite_master m, pragma_foreign_key_list(m.name) f
    where m.type = 'table'
  `.execute(db);
  return rows.rows.map((r) => ({ table: r.table, column: r.column, parent: r.parent, onDelete: action(r.rule) }));
}

/**
 * Tables owned by a workspace, each with its workspace column, ordered so that a
 * table comes before the tables it references (children first): deleting in this
 * order in small batches never makes one statement cascade into a huge one.
 */
export async function workspaceOwnedTables(db: DbOrTx): Promise<Array<{ table: string; column: string }>> {
  const fks = await foreignKeys(db);
  const owned = new Map<string, string>();
  for (const fk of fks) if (fk.parent === 'workspaces' && fk.onDelete === 'cascade' && !owned.has(fk.table)) owned.set(fk.table, fk.column);
  // parent → children that reference it, among owned tables
  const children = new Map<string, Set<string>>();
  for (const fk of fks) {
    if (!owned.has(fk.table) || !owned.has(fk.parent) || fk.table === fk.parent) continue;
    if (!children.has(fk.parent)) children.set(fk.parent, new Set());
    children.get(fk.parent)!.add(fk.table);
  }
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: string) => {
    if (state.get(table)) return; // done, or a cycle: the cascade settles the rest
    state.set(table, 'visiting');
    for (const child of [...(children.get(table) ?? [])].sort()) visit(child);
    state.set(table, 'done');
    ordered.push(table);
  };
  for (const table of [...owned.keys()].sort()) visit(table);
  return ordered.map((table) => ({ table, column: owned.get(table)! }));
}

/** Deletes up to `limit` rows of `table` whose `column` is `value`; returns how many went. */
export async function deleteBatch(db: DbOrTx, table: string, column: string, value: string, limit: number): Promise<number> {
  const t = sql.table(table);
  const c = sql.ref(column);
  if (isPostgres(db as unknown as Kysely<unknown>)) {
    const r = await sql`delete from ${t} where ctid = any(array(select ctid from ${t} where ${c} = ${value} limit ${limit}))`.execute(db);
    return Number(r.numAffectedRows ?? 0);
  }
  const r = await sql`delete from ${t} where rowid in (select rowid from ${t} where ${c} = ${value} limit ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
