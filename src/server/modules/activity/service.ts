import { stringify } from 'csv-stringify/sync';
import type { ActivityEntryDtoT, ActivityQueryT } from '../../../contracts/activity.js';
import type { PageOf } from '../../../contracts/common.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { iso, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { validation } from '../../http/errors.js';
import type { Caller } from '../caller.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { workspaceIdsOfUser } from '../workspaces/repo.js';
import { insertActivity, listActivity, purgeExpiredActivity, type ActivityRow } from './repo.js';

/** One thing that happened, as other modules report it. */
export interface ActivityEvent {
  action: string;
  actor?: { userId: string | null; name: string | null } | null;
  ip?: string | null;
  target?: { type: string; id?: string | null; label?: string | null } | null;
  details?: Record<string, unknown>;
}

export const DEFAULT_LOG_RETENTION_DAYS = 30;
const EXPORT_MAX_ROWS = 100_000;

function toRow(workspaceId: string | null, event: ActivityEvent, at: number): ActivityRow {
  return {
    id: newId(at),
    workspace_id: workspaceId,
    actor_user_id: event.actor?.userId ?? null,
    actor_name: event.actor?.name ?? null,
    action: event.action,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    target_label: event.target?.label ?? null,
    ip: event.ip ?? null,
    details: JSON.stringify(event.details ?? {}),
    created_at: at,
  };
}

export function presentActivity(row: ActivityRow): ActivityEntryDtoT {
  return {
    id: row.id,
    at: iso(row.created_at),
    actor:
      row.actor_user_id || row.actor_name
        ? { id: row.actor_user_id, name: row.actor_name ?? 'deleted user' }
        : row.actor_deleted
          ? { id: null, name: 'deleted user' }
          : null,
    action: row.action,
    target: row.target_type ? { type: row.target_type, id: row.target_id, label: row.target_label } : null,
    ip: row.ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw validation('Invalid date.', { [field]: 'must be an ISO-8601 date-time' });
  return ms;
}

export function createActivityService(deps: { db: Db; clock: Clock; access: WorkspaceAccess }) {
  const { db, clock, access } = deps;

  function filterOf(query: ActivityQueryT) {
    return {
      actorId: query.actorId,
      action: query.action,
      fromMs: parseTime(query.from, 'from'),
      toMs: parseTime(query.to, 'to'),
    };
  }

  return {
    /** Records an event in one workspace (or install-wide with null). Pass `tx` to commit it with the change it describes. */
    async record(workspaceId: string | null, event: ActivityEvent, tx: DbOrTx = db): Promise<void> {
      await insertActivity(tx, [toRow(workspaceId, event, clock.now())]);
    },

    /**
     * Records a person-level event (sign-in, password change) in every workspace
     * the person belongs to, so each workspace's admins see their team's access.
     */
    async recordForUser(userId: string, event: ActivityEvent, tx: DbOrTx = db): Promise<void> {
      const workspaceIds = await workspaceIdsOfUser(tx, userId);
      const at = clock.now();
      const targets = workspaceIds.length > 0 ? workspaceIds : [null];
      await insertActivity(
        tx,
        targets.map((ws) => toRow(ws, event, at)),
      );
    },

    async list(caller: Caller, workspaceId: string, query: ActivityQueryT): Promise<PageOf<ActivityEntryDtoT>> {
      await access.require(caller, workspaceId, 'activity.read');
      const limit = query.limit ?? 50;
      const rows = await listActivity(db, workspaceId, { ...filterOf(query), beforeId: query.cursor }, limit + 1);
      const page = rows.slice(0, limit);
      return { items: page.map(presentActivity), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
    },

    /** The filtered log as CSV (newest first). The export itself is logged. */
    async exportCsv(caller: Caller, workspaceId: string, query: ActivityQueryT): Promise<string> {
      await access.require(caller, workspaceId, 'activity.read');
      const rows = await listActivity(db, workspaceId, filterOf(query), EXPORT_MAX_ROWS);
      await this.record(workspaceId, {
        action: 'activity.exported',
        actor: { userId: caller.userId, name: caller.name },
        ip: caller.ip,
        details: { rows: rows.length },
      });
      const header = ['time', 'actor_id', 'actor', 'action', 'target_type', 'target_id', 'target', 'ip', 'details'];
      const records = rows.map((r) => [
        iso(r.created_at),
        r.actor_user_id ?? '',
        r.actor_name ?? '',
        r.action,
        r.target_type ?? '',
        r.target_id ?? '',
        r.target_label ?? '',
        r.ip ?? '',
        r.details,
      ]);
      // A cell starting with = + - @ would be run as a formula by spreadsheet apps.
      const safe = records.map((cells) => cells.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
      return stringify([header, ...safe]);
    },

    async purgeExpired(): Promise<number> {
      return purgeExpiredActivity(db, clock.now(), DEFAULT_LOG_RETENTION_DAYS);
    },
  };
}

export type ActivityService = ReturnType<typeof createActivityService>;
