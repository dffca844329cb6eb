import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';

export async function numbersOf(db: DbOrTx, workspaceId: string) {
  return db
    .selectFrom('numbers')
    .select(['id', 'name', 'phone', 'state', 'state_since'])
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

export async function conversationCounts(db: DbOrTx, workspaceId: string) {
  const row = await db
    .selectFrom('conversations')
    .where('workspace_id', '=', workspaceId)
    .where('status', '!=', 'resolved')
    .select([
      sql<number>`sum(case when status = 'open' then 1 else 0 end)`.as('open'),
      sql<number>`sum(case when status = 'pending' then 1 else 0 end)`.as('pending'),
      sql<number>`sum(case when waiting_since is not null then 1 else 0 end)`.as('waiting'),
      sql<number>`sum(case when assignee_user_id is null then 1 else 0 end)`.as('unassigned'),
    ])
    .executeTakeFirst();
  return {
    open: Number(row?.open ?? 0),
    pending: Number(row?.pending ?? 0),
    waiting: Number(row?.waiting ?? 0),
    unassigned: Number(row?.unassigned ?? 0),
  };
}

/** Open conversations whose most urgent SLA clock is at risk or breached at `now`. */
export async function slaCounts(db: DbOrTx, workspaceId: string, now: number) {
  const row = await db
    .selectFrom('sla_conversations')
    .where('workspace_id', '=', workspaceId)
    .where('urgent_breach_at', 'is not', null)
    .where('in_scope', '=', 1)
    .select([
      sql<number>`sum(case when urgent_breach_at <= ${now} then 1 else 0 end)`.as('breached'),
      sql<number>`sum(case when urgent_breach_at > ${now} and urgent_risk_at <= ${now} then 1 else 0 end)`.as('at_risk'),
    ])
    .executeTakeFirst();
  return { breached: Number(row?.breached ?? 0), atRisk: Number(row?.at_risk ?? 0) };
}

/** Messages in and out per day, for day boundaries `starts` (the last one ends the last day). */
export async function messagesPerDay(db: DbOrTx, workspaceId: string, starts: readonly number[]) {
  const first = starts[0]!;
  const end = starts[starts.length - 1]!;
  const cases = sql.join(
    // Literals, not parameters: PostgreSQL must see the same expression in SELECT and GROUP BY.
    starts.slice(1).map((s, i) => sql`when sent_at < ${sql.lit(Math.floor(s))} then ${sql.lit(i)}`),
    sql` `,
  );
  const rows = await db
    .selectFrom('messages')
    .where('workspace_id', '=', workspaceId)
    .where('sent_at', '>=', first)
    .where('sent_at', '<', end)
    .select([sql<number>`case ${cases} end`.as('day'), 'direction', sql<number>`count(*)`.as('n')])
    .groupBy([sql`case ${cases} end`, 'direction'])
    .execute();
  return rows.map((r) => ({ day: Number(r.day), direction: r.direction, n: Number(r.n) }));
}

export async function firstResponseMetrics(db: DbOrTx, workspaceId: string, from: number, to: number) {
  return db
    .selectFrom('sla_metrics')
    .where('workspace_id', '=', workspaceId)
    .where('ended_at', '>=', from)
    .where('ended_at', '<', to)
    .select(['metric', 'business_ms', 'ended_at', 'hit'])
    .execute();
}

export async function breachTimes(db: DbOrTx, workspaceId: string, from: number, to: number) {
  const rows = await db
    .selectFrom('sla_events')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'breached')
    .where('detected_at', '>=', from)
    .where('detected_at', '<', to)
    .select('detected_at')
    .execute();
  return rows.map((r) => r.detected_at);
}

/**
 * Campaigns in progress, when this install has the campaigns feature; null
 * otherwise (the table is created by a later migration of its own).
 */
export async function campaignsInProgress(db: DbOrTx, workspaceId: string) {
  try {
    const rows = await sql<{ id: string; name: string; status: string; sent: number | string; total: number | string }>`
      select c.id, c.name, c.status,
        (select count(*) from campaign_recipients r where r.campaign_id = c.id and r.status in ('sent', 'delivered', 'read', 'replied')) as sent,
        (select count(*) from campaign_recipients r where r.campaign_id = c.id) as total
      from campaigns c
      where c.workspace_id = ${workspaceId} and c.status in ('sending', 'paused', 'scheduled')
      order by c.id desc
      limit 5`.execute(db);
    return rows.rows.map((r) => ({ id: r.id, name: r.name, status: r.status, sent: Number(r.sent), total: Number(r.total) }));
  } catch {
    return null;
  }
}
