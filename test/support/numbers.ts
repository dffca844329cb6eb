import type { Db } from '../../src/server/db/database.js';
import type { NumbersTable } from '../../src/server/db/tables.js';
import { newId } from '../../src/server/lib/ids.js';

/**
 * Rows the numbers module would create, inserted directly so inbox and sending
 * tests do not depend on linking a real WhatsApp account.
 */
export async function insertTestWorkspace(db: Db, options: { name?: string; country?: string; now?: number } = {}): Promise<string> {
  const now = options.now ?? Date.now();
  const id = newId(now);
  await db
    .insertInto('workspaces')
    .values({
      id,
      name: options.name ?? 'Test shop',
      time_zone: 'UTC',
      country: options.country ?? 'GB',
      log_retention_days: 30,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

export async function insertTestNumber(db: Db, workspaceId: string, overrides: Partial<NumbersTable> = {}): Promise<NumbersTable> {
  const now = overrides.created_at ?? Date.now();
  const row: NumbersTable = {
    id: newId(now),
    workspace_id: workspaceId,
    name: 'Sales line',
    provider: 'baileys',
    phone: '447700900001',
    state: 'connected',
    state_reason: null,
    state_since: now,
    linked_at: now,
    min_delay_ms: 8000,
    max_delay_ms: 20000,
    daily_cap: 500,
    warmup: 1,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    ...overrides,
  };
  await db.insertInto('numbers').values(row).execute();
  return row;
}
