import { randomBytes } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type {
  ConversationSlaT,
  MarkNotificationsBodyT,
  NotificationDtoT,
  NotificationPageT,
  NotificationQueryT,
  SlaChannelsDtoT,
  SlaDeliveryDtoT,
  SlaPolicyDtoT,
  SlaReportDtoT,
  SlaReportQueryT,
  SlaReportRowT,
  UpdateSlaChannelsBodyT,
  UpdateSlaPolicyBodyT,
} from '../../../contracts/sla.js';
import type { PageOf } from '../../../contracts/common.js';
import type { Db } from '../../db/database.js';
import { iso, DAY_MS, type Clock } from '../../lib/clock.js';
import { checkOutboundUrl } from '../../lib/outbound-url.js';
import type { SecretBox } from '../../lib/secrets.js';
import { AppError, validation } from '../../http/errors.js';
import type { EventBus } from '../../realtime/bus.js';
import type { ActivityService } from '../activity/service.js';
import type { Caller } from '../caller.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { validateCalendar } from './business-time.js';
import { stateAt } from './clocks.js';
import { defaultWeek, effectivePolicy, MINUTE_MS, parseSchedule } from './policy.js';
import { findPolicy, workspaceTimeZone, type PolicyRow } from './repo.js';
import { buildReport, type GroupBy, type Mode } from './reports.js';
import type { SmtpSettings } from './smtp.js';
import type { SlaTracker } from './tracker.js';

function minutes(ms: number): number {
  return Math.max(1, Math.round(ms / MINUTE_MS));
}

function presentPolicy(row: PolicyRow | undefined, timeZone: string): SlaPolicyDtoT {
  const p = effectivePolicy(row, timeZone);
  return {
    enabled: p.enabled,
    firstResponseMinutes: minutes(p.firstResponseMs),
    nextResponseMinutes: minutes(p.nextResponseMs),
    resolutionMinutes: p.resolutionMs === null ? null : minutes(p.resolutionMs),
    businessHours: { enabled: p.businessHours, week: p.week, holidays: p.holidays },
    timeZone,
    scope: { numberIds: p.numberIds, labelIds: p.labelIds },
    atRiskPercent: p.atRiskPercent,
    pauseWhenPending: p.pauseWhenPending,
    updatedAt: row ? iso(row.updated_at) : null,
  };
}

function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw validation('Invalid date.', { [field]: 'must be an ISO-8601 date-time' });
  return ms;
}

function fmtMs(ms: number | null): string {
  return ms === null ? '' : (ms / 60_000).toFixed(1);
}

/** Formula-looking cells are neutralised in CSV exports (spreadsheet injection). */
function cell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function createSlaService(deps: {
  db: Db;
  clock: Clock;
  access: WorkspaceAccess;
  activity: ActivityService;
  bus: EventBus;
  box: SecretBox;
  tracker: Pick<SlaTracker, 'resyncWorkspace'>;
  allowPrivateWebhooks: boolean;
}) {
  const { db, clock, access, box } = deps;

  async function zoneOf(workspaceId: string): Promise<string> {
    return (await workspaceTimeZone(db, workspaceId)) ?? 'UTC';
  }

  function newRow(workspaceId: string, now: number): PolicyRow {
    return {
      workspace_id: workspaceId,
      enabled: 1,
      first_response_ms: 15 * MINUTE_MS,
      next_response_ms: 30 * MINUTE_MS,
      resolution_ms: null,
      business_hours: 0,
      schedule: JSON.stringify({ week: defaultWeek(), holidays: [] }),
      number_ids: '[]',
      label_ids: '[]',
      at_risk_percent: 80,
      pause_when_pending: 0,
      email_to: null,
      smtp: null,
      smtp_password: null,
      webhook_url: null,
      webhook_secret: null,
      version: 0,
      updated_by: null,
      updated_at: now,
    };
  }

  async function saveRow(existing: PolicyRow | undefined, row: PolicyRow): Promise<void> {
    if (existing) {
      const { workspace_id: ws, ...rest } = row;
      await db.updateTable('sla_policies').set(rest).where('workspace_id', '=', ws).execute();
    } else {
      await db.insertInto('sla_policies').values(row).execute();
    }
  }

  function presentChannels(row: PolicyRow | undefined): SlaChannelsDtoT {
    const smtp = row?.smtp ? (JSON.parse(row.smtp) as SmtpSettings) : null;
    return {
      emailTo: row?.email_to ? row.email_to.split(',').filter(Boolean) : [],
      smtp: smtp ? { ...smtp, passwordSet: row?.smtp_password != null } : null,
      webhookUrl: row?.webhook_url ?? null,
      webhookSecret: row?.webhook_secret ? box.open(row.webhook_secret).toString('utf8') : null,
    };
  }

  return {
    async getPolicy(caller: Caller, workspaceId: string): Promise<SlaPolicyDtoT> {
      await access.require(caller, workspaceId, 'workspace.read');
      return presentPolicy(await findPolicy(db, workspaceId), await zoneOf(workspaceId));
    },

    async updatePolicy(caller: Caller, workspaceId: string, body: UpdateSlaPolicyBodyT): Promise<SlaPolicyDtoT> {
      await access.require(caller, workspaceId, 'workspace.update');
      const timeZone = await zoneOf(workspaceId);
      const now = clock.now();
      const existing = await findPolicy(db, workspaceId);
      const row: PolicyRow = { ...(existing ?? newRow(workspaceId, now)) };
      if (body.enabled !== undefined) row.enabled = body.enabled ? 1 : 0;
      if (body.firstResponseMinutes !== undefined) row.first_response_ms = body.firstResponseMinutes * MINUTE_MS;
      if (body.nextResponseMinutes !== undefined) row.next_response_ms = body.nextResponseMinutes * MINUTE_MS;
      if (body.resolutionMinutes !== undefined)
        row.resolution_ms = body.resolutionMinutes === null ? null : body.resolutionMinutes * MINUTE_MS;
      if (body.atRiskPercent !== undefined) row.at_risk_percent = body.atRiskPercent;
      if (body.pauseWhenPending !== undefined) row.pause_when_pending = body.pauseWhenPending ? 1 : 0;
      if (body.businessHours) {
        const current = parseSchedule(row.schedule);
        const schedule = {
          week: body.businessHours.week ?? current.week,
          holidays: [...new Set(body.businessHours.holidays ?? current.holidays)].sort(),
        };
        if (body.businessHours.enabled) {
          const problems = validateCalendar({ timeZone, ...schedule });
          if (Object.keys(problems).length > 0) {
            const fields: Record<string, string> = {};
            for (const [k, v] of Object.entries(problems)) fields[`businessHours.${k}`] = v;
            throw validation('The business hours are not valid.', fields);
          }
        }
        row.business_hours = body.businessHours.enabled ? 1 : 0;
        row.schedule = JSON.stringify(schedule);
      }
      if (body.scope) {
        if (body.scope.numberIds) {
          const ids = [...new Set(body.scope.numberIds)];
          const found = ids.length
            ? await db.selectFrom('numbers').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute()
            : [];
          if (found.length !== ids.length)
            throw validation('Unknown number.', { 'scope.numberIds': 'contains a number that is not in this workspace' });
          row.number_ids = JSON.stringify(ids);
        }
        if (body.scope.labelIds) {
          const ids = [...new Set(body.scope.labelIds)];
          const found = ids.length
            ? await db.selectFrom('labels').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute()
            : [];
          if (found.length !== ids.length)
            throw validation('Unknown label.', { 'scope.labelIds': 'contains a label that is not in this workspace' });
          row.label_ids = JSON.stringify(ids);
        }
      }
      row.version = (existing?.version ?? 0) + 1;
      row.updated_by = caller.userId;
      row.updated_at = now;
      await saveRow(existing, row);
      await deps.activity.record(workspaceId, {
        action: 'sla.policy_updated',
        actor: { userId: caller.userId, name: caller.name },
        ip: caller.ip,
        target: { type: 'sla_policy', label: 'SLA policy' },
        details: { fields: Object.keys(body) },
      });
      // Every open conversation is measured against the new policy from now on.
      await deps.tracker.resyncWorkspace(workspaceId);
      return presentPolicy(row, timeZone);
    },

    async getChannels(caller: Caller, workspaceId: string): Promise<SlaChannelsDtoT> {
      await access.require(caller, workspaceId, 'workspace.update');
      return presentChannels(await findPolicy(db, workspaceId));
    },

    async updateChannels(caller: Caller, workspaceId: string, body: UpdateSlaChannelsBodyT): Promise<SlaChannelsDtoT> {
      await access.require(caller, workspaceId, 'workspace.update');
      const now = clock.now();
      const existing = await findPolicy(db, workspaceId);
      const row: PolicyRow = { ...(existing ?? newRow(workspaceId, now)) };
      if (body.emailTo !== undefined) row.email_to = body.emailTo.length ? [...new Set(body.emailTo.map((e) => e.trim()))].join(',') : null;
      if (body.smtp !== undefined) {
        if (body.smtp === null) {
          row.smtp = null;
          row.smtp_password = null;
        } else {
          const { password, ...rest } = body.smtp;
          const settings: SmtpSettings = {
            host: rest.host,
            port: rest.port,
            security: rest.security,
            username: rest.username ?? null,
            from: rest.from,
          };
          row.smtp = JSON.stringify(settings);
          if (password !== undefined) row.smtp_password = password === '' ? null : box.seal(password);
        }
      }
      if (body.webhookUrl !== undefined) {
        const problem = body.webhookUrl === null ? null : checkOutboundUrl(body.webhookUrl, { allowPrivate: deps.allowPrivateWebhooks });
        if (problem) throw new AppError(400, problem.code, problem.message, { fields: { webhookUrl: problem.message } });
        row.webhook_url = body.webhookUrl;
        if (body.webhookUrl && !row.webhook_secret) row.webhook_secret = box.seal(`whsec_${randomBytes(24).toString('hex')}`);
      }
      if (body.rotateWebhookSecret) row.webhook_secret = box.seal(`whsec_${randomBytes(24).toString('hex')}`);
      row.updated_by = caller.userId;
      row.updated_at = now;
      await saveRow(existing, row);
      await deps.activity.record(workspaceId, {
        action: 'sla.channels_updated',
        actor: { userId: caller.userId, name: caller.name },
        ip: caller.ip,
        target: { type: 'sla_policy', label: 'SLA alert channels' },
        details: {
          fields: Object.keys(body)
            .filter((k) => k !== 'smtp')
            .concat(body.smtp !== undefined ? ['smtp'] : []),
        },
      });
      return presentChannels(row);
    },

    async deliveries(caller: Caller, workspaceId: string, query: { limit?: number; cursor?: string }): Promise<PageOf<SlaDeliveryDtoT>> {
      await access.require(caller, workspaceId, 'workspace.update');
      const limit = query.limit ?? 50;
      let q = db.selectFrom('sla_deliveries').selectAll().where('workspace_id', '=', workspaceId);
      if (query.cursor) q = q.where('id', '<', query.cursor);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      return {
        items: page.map((r) => ({
          id: r.id,
          channel: r.channel as 'email' | 'webhook',
          target: r.target,
          status: r.status,
          attempts: r.attempts,
          nextAttemptAt: r.status === 'pending' && r.next_attempt_at !== null ? iso(r.next_attempt_at) : null,
          lastError: r.last_error,
          responseStatus: r.response_status,
          createdAt: iso(r.created_at),
          deliveredAt: r.delivered_at === null ? null : iso(r.delivered_at),
        })),
        nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
      };
    },

    async notifications(caller: Caller, workspaceId: string, query: NotificationQueryT): Promise<NotificationPageT> {
      await access.require(caller, workspaceId, 'workspace.read');
      const limit = query.limit ?? 50;
      let q = db.selectFrom('notifications').selectAll().where('workspace_id', '=', workspaceId).where('user_id', '=', caller.userId);
      if (query.unread) q = q.where('read_at', 'is', null);
      if (query.cursor) q = q.where('id', '<', query.cursor);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const unread = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', caller.userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return {
        items: page.map((r): NotificationDtoT => ({
          id: r.id,
          kind: r.kind,
          title: r.title,
          body: r.body,
          conversationId: r.conversation_id,
          createdAt: iso(r.created_at),
          readAt: r.read_at === null ? null : iso(r.read_at),
        })),
        nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
        unreadCount: Number(unread?.n ?? 0),
      };
    },

    async markRead(caller: Caller, workspaceId: string, body: MarkNotificationsBodyT): Promise<{ unreadCount: number }> {
      await access.require(caller, workspaceId, 'workspace.read');
      if (!body.all && !body.ids?.length) throw validation('Nothing to mark.', { ids: 'give ids or all: true' });
      let q = db
        .updateTable('notifications')
        .set({ read_at: clock.now() })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', caller.userId)
        .where('read_at', 'is', null);
      if (!body.all) q = q.where('id', 'in', body.ids!);
      await q.execute();
      const unread = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', caller.userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return { unreadCount: Number(unread?.n ?? 0) };
    },

    async report(caller: Caller, workspaceId: string, query: SlaReportQueryT): Promise<SlaReportDtoT> {
      await access.require(caller, workspaceId, 'workspace.read');
      const now = clock.now();
      const to = parseTime(query.to, 'to') ?? now;
      const from = parseTime(query.from, 'from') ?? to - 30 * DAY_MS;
      if (from >= to) throw validation('The period is empty.', { from: 'must be before to' });
      if (to - from > 400 * DAY_MS) throw validation('The period is too long.', { from: 'at most 400 days before to' });
      const groupBy = (query.groupBy ?? 'day') as GroupBy;
      const mode = (query.mode ?? 'business') as Mode;
      const timeZone = await zoneOf(workspaceId);
      const { rows, totals } = await buildReport(db, { workspaceId, from, to, groupBy, mode, timeZone });
      return { from: iso(from), to: iso(to), groupBy, mode, timeZone, rows, totals };
    },

    reportCsv(report: SlaReportDtoT): string {
      const line = (r: SlaReportRowT) => [
        cell(r.label),
        r.firstResponse.count,
        fmtMs(r.firstResponse.medianMs),
        fmtMs(r.firstResponse.p90Ms),
        r.nextResponse.count,
        fmtMs(r.nextResponse.medianMs),
        fmtMs(r.nextResponse.p90Ms),
        r.resolution.count,
        fmtMs(r.resolution.medianMs),
        fmtMs(r.resolution.p90Ms),
        r.hitRate === null ? '' : (r.hitRate * 100).toFixed(1),
        r.hits,
        r.misses,
        r.breaches,
      ];
      return stringify([
        [
          report.groupBy,
          'first responses',
          'first response median (min)',
          'first response p90 (min)',
          'next responses',
          'next response median (min)',
          'next response p90 (min)',
          'resolutions',
          'resolution median (min)',
          'resolution p90 (min)',
          'SLA hit rate (%)',
          'within target',
          'missed',
          'breach alerts',
        ],
        ...report.rows.map(line),
        line(report.totals),
      ]);
    },
  };
}

export type SlaService = ReturnType<typeof createSlaService>;

/** The `sla` field of an inbox conversation from its applied-SLA columns. */
export function presentConversationSla(
  row: { urgent_target: string | null; urgent_risk_at: number | null; urgent_breach_at: number | null } | null | undefined,
  now: number,
): ConversationSlaT | null {
  if (!row || row.urgent_breach_at === null || row.urgent_target === null) return null;
  const state = stateAt(row.urgent_risk_at, row.urgent_breach_at, now);
  if (state === null || state === 'paused') return null;
  return {
    state,
    target: row.urgent_target as ConversationSlaT['target'],
    riskAt: row.urgent_risk_at === null ? null : iso(row.urgent_risk_at),
    dueAt: iso(row.urgent_breach_at),
  };
}
