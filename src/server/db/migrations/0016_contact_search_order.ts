import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * A contact's search entry carries the contact's name sort key (the expression of the
 * `contacts_by_name` index), so a name search sorted by name takes its page straight
 * from the matches: top-N of the matching entries, then one lookup per contact shown.
 *
 * Without it a broad search ("Tim" in 100,000 contacts: 8,000 matches) walked the name
 * index testing every contact against the matches, and the matches of a name cluster
 * where that name sorts, so the walk read most of the list before it had a page.
 *
 * Message entries leave it null. The contact triggers set it wherever they write the
 * body; both depend on the same columns (name, saved_name, push_name, phone).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table search_docs add column sort_key text`.execute(db);
  if (isPostgres(db)) {
    await sql`
      create or replace function search_contact_doc() returns trigger language plpgsql as $$
      declare doc text;
      begin
        if tg_op = 'UPDATE' then
          delete from search_docs where contact_id = new.id;
        end if;
        doc := btrim(concat_ws(' ', new.name, new.saved_name, new.push_name, case when new.phone like 'lid:%' then null else new.phone end));
        if doc <> '' then
          insert into search_docs (workspace_id, contact_id, body, sort_key)
          values (new.workspace_id, new.id, doc, lower(coalesce(new.name, new.saved_name, new.push_name, new.phone)));
        end if;
        return null;
      end $$`.execute(db);
    await sql`
      create or replace function search_contact_docs_inserted() returns trigger language plpgsql as $$
      begin
        insert into search_docs (workspace_id, contact_id, body, sort_key)
        select d.workspace_id, d.id, d.body, d.sort_key from (
          select workspace_id, id,
            btrim(concat_ws(' ', name, saved_name, push_name, case when phone like 'lid:%' then null else phone end)) as body,
            lower(coalesce(name, saved_name, push_name, phone)) as sort_key
          from inserted
        ) d where d.body <> '';
        return null;
      end $$`.execute(db);
    await sql`
      update search_docs d set sort_key = lower(coalesce(c.name, c.saved_name, c.push_name, c.phone))
      from contacts c where c.id = d.contact_id`.execute(db);
    return;
  }

  // The full-text index holds only the workspace and the body: a change of the sort key alone
  // (the backfill below) must not re-index the entry.
  await sql`drop trigger search_docs_au`.execute(db);
  await sql`
    create trigger search_docs_au after update of workspace_id, body on search_docs begin
      insert into search_fts (search_fts, rowid, workspace_id, body) values ('delete', old.id, old.workspace_id, old.body);
      insert into search_fts (rowid, workspace_id, body) values (new.id, new.workspace_id, new.body);
    end`.execute(db);

  const contactDoc = sql`trim(coalesce(new.name, '') || ' ' || coalesce(new.saved_name, '') || ' ' || coalesce(new.push_name, '') || ' ' ||
    case when new.phone like 'lid:%' then '' else new.phone end)`;
  const sortKey = sql`lower(coalesce(new.name, new.saved_name, new.push_name, new.phone))`;
  await sql`drop trigger contacts_search_ai`.execute(db);
  await sql`drop trigger contacts_search_au`.execute(db);
  await sql`
    create trigger contacts_search_ai after insert on contacts begin
      insert into search_docs (workspace_id, contact_id, body, sort_key)
      select new.workspace_id, new.id, d.body, ${sortKey} from (select ${contactDoc} as body) d where d.body <> '';
    end`.execute(db);
  await sql`
    create trigger contacts_search_au after update of name, saved_name, push_name, phone on contacts begin
      delete from search_docs where contact_id = new.id;
      insert into search_docs (workspace_id, contact_id, body, sort_key)
      select new.workspace_id, new.id, d.body, ${sortKey} from (select ${contactDoc} as body) d where d.body <> '';
    end`.execute(db);
  await sql`
    update search_docs set sort_key = (
      select lower(coalesce(c.name, c.saved_name, c.push_name, c.phone)) from contacts c where c.id = search_docs.contact_id
    ) where contact_id is not null`.execute(db);
}
