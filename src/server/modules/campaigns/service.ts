/**
 * Campaigns as people use them: drafts, audience, preview, start / pause /
 * resume / cancel, progress and results. Owners and admins manage; agents read.
 * Authorization comes first in every function; the sending itself is the
 * engine's and the campaign sender job's.
 */
import { CAMPAIGN_MEDIA_KINDS, uploadKindOf } from '../../../contracts/media.js';
import { count } from '../../../contracts/count.js';
import { stringify } from 'csv-stringify/sync';
import {
  DEFAULT_CAMPAIGN_SETTINGS,
  type AudienceBodyT,
  type AudienceCsvQueryT,
  type AudienceSummaryT,
  type CampaignDtoT,
  type CampaignListQueryT,
  type CampaignSettingsT,
  type CreateCampaignBodyT,
  type PreviewDtoT,
  type RecipientDtoT,
  type RecipientsQueryT,
  type StartCampaignBodyT,
  type UpdateCampaignBodyT,
} from '../../../contracts/campaigns.js';
import type { PageOf } from '../../../contracts/common.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { AppError, notFound, validation } from '../../http/errors.js';
import { iso, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../../realtime/bus.js';
import type { ActivityService } from '../activity/service.js';
import type { UsageRecorder } from '../privacy/usage.js';
import type { Caller } from '../caller.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { contactsOf, parseAudienceCsv, pastedEntries, planEntries, type AudienceEntry, type PlanTally } from './audience.js';
import type { CampaignEngine } from './engine.js';
import { isValidWindow } from './pacing.js';
import { csvColumnsOf, numberIdsOf, parseObject, presentCampaign, presentRecipient, settingsOf, tallyOf, textsOf } from './presenters.js';
import {
  audiencePhones,
  deleteCampaign,
  deleteRecipients,
  findCampaign,
  insertCampaign,
  listCampaigns,
  listRecipients,
  markRecipients,
  maxSeq,
  recipientsForRendering,
  statusCounts,
  updateCampaign,
  type CampaignRow,
} from './repo.js';
import { pickVariant, render, valuesFor, variablesOf } from './template.js';

/** Owners and admins run campaigns; every member may watch them. */
const MANAGE = 'workspace.update' as const;
const READ = 'workspace.read' as const;

const notEditable = (row: CampaignRow) =>
  new AppError(409, 'campaign_not_editable', `This campaign is ${row.status}; only a draft can be changed.`, { status: row.status });
const invalidState = (row: CampaignRow, action: string) =>
  new AppError(409, 'campaign_invalid_state', `A ${row.status} campaign cannot be ${action}.`, { status: row.status });

function encodeCursor(value: string | number): string {
  return Buffer.from(String(value)).toString('base64url');
}
function decodeCursor(cursor: string | undefined, kind: 'id' | 'seq'): string | number | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  if (kind === 'seq') {
    if (!/^\d{1,10}$/.test(text)) throw validation('Invalid cursor.', { cursor: 'not a cursor from this list' });
    return Number(text);
  }
  if (!/^[0-9A-Za-z]{1,64}$/.test(text)) throw validation('Invalid cursor.', { cursor: 'not a cursor from this list' });
  return text;
}

function checkSettings(s: CampaignSettingsT): void {
  if (s.minDelaySeconds > s.maxDelaySeconds)
    throw validation('The shortest delay is longer than the longest.', { 'settings.minDelaySeconds': 'must not exceed maxDelaySeconds' });
  if (!isValidWindow({ start: s.windowStart, end: s.windowEnd, days: s.windowDays }))
    throw validation('The sending window must end after it starts, on at least one day.', {
      'settings.windowEnd': 'must be after windowStart',
    });
  if (s.failureThreshold > s.failureWindow)
    throw validation('The failure threshold cannot exceed the number of sends it looks at.', {
      'settings.failureThreshold': 'must not exceed failureWindow',
    });
}

export function createCampaignsService(deps: {
  db: Db;
  clock: Clock;
  access: WorkspaceAccess;
  activity: ActivityService;
  bus: EventBus;
  engine: CampaignEngine;
  usage: UsageRecorder;
}) {
  const { db, clock, access, activity, bus, engine, usage } = deps;

  async function present(row: CampaignRow): Promise<CampaignDtoT> {
    return presentCampaign(row, tallyOf(await statusCounts(db, row.workspace_id, [row.id])));
  }

  async function load(workspaceId: string, campaignId: string): Promise<CampaignRow> {
    const row = await findCampaign(db, workspaceId, campaignId);
    if (!row) throw notFound('campaign');
    return row;
  }

  async function checkNumbers(workspaceId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await db
      .selectFrom('numbers')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', [...ids])
      .where('deleted_at', 'is', null)
      .execute();
    if (found.length !== new Set(ids).size)
      throw validation('A chosen number does not exist in this workspace.', { numberIds: 'unknown number' });
  }

  async function checkMedia(workspaceId: string, mediaId: string | null | undefined): Promise<void> {
    if (!mediaId) return;
    const m = await db
      .selectFrom('media')
      .select(['id', 'mimetype'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', mediaId)
      .where('state', '=', 'stored')
      .executeTakeFirst();
    if (!m) throw validation('That media file does not exist in this workspace.', { mediaId: 'unknown media' });
    const kind = uploadKindOf(m.mimetype);
    if (!kind || !CAMPAIGN_MEDIA_KINDS.includes(kind)) {
      throw validation('A campaign can send an image, a video or a document with its text.', {
        mediaId: 'must be an image, video or document',
      });
    }
  }

  function record(caller: Caller, row: CampaignRow, action: string, details: Record<string, unknown> = {}) {
    return activity.record(row.workspace_id, {
      action,
      actor: { userId: caller.userId, name: caller.name },
      ip: caller.ip,
      target: { type: 'campaign', id: row.id, label: row.name },
      details,
    });
  }

  const actorOf = (caller: Caller) => ({ userId: caller.userId, name: caller.name, ip: caller.ip });

  async function addEntries(
    caller: Caller,
    row: CampaignRow,
    /** Read inside the transaction (SQLite has one connection: a read outside it would wait for it forever). */
    entries: (tx: DbOrTx) => Iterable<AudienceEntry> | AsyncIterable<AudienceEntry>,
    options: { replace: boolean; csvColumns?: string[]; source: string },
  ): Promise<AudienceSummaryT> {
    const now = clock.now();
    const country =
      (await db.selectFrom('workspaces').select('country').where('id', '=', row.workspace_id).executeTakeFirst())?.country ?? 'US';
    const settings = settingsOf(row);
    const tally: PlanTally = await db.transaction().execute(async (tx) => {
      // Re-read inside the transaction: a concurrent start must not see half an audience.
      const current = await findCampaign(tx, row.workspace_id, row.id);
      if (!current || current.status !== 'draft') throw notEditable(current ?? row);
      if (options.replace) await deleteRecipients(tx, row.workspace_id, row.id);
      const seen = options.replace ? new Set<string>() : await audiencePhones(tx, row.id);
      const nextSeq = options.replace ? 0 : (await maxSeq(tx, row.id)) + 1;
      const result = await planEntries(
        tx,
        {
          workspaceId: row.workspace_id,
          campaignId: row.id,
          country,
          consentField: settings.consentField,
          checkWhatsApp: settings.checkWhatsApp,
          seen,
          nextSeq,
          now,
        },
        entries(tx),
      );
      const columns = options.csvColumns
        ? [...new Set([...(options.replace ? [] : csvColumnsOf(current)), ...options.csvColumns])]
        : options.replace
          ? []
          : csvColumnsOf(current);
      await updateCampaign(tx, row.workspace_id, row.id, { csv_columns: JSON.stringify(columns), updated_at: now });
      return result;
    });
    const updated = await load(row.workspace_id, row.id);
    await record(caller, updated, 'campaign.audience_added', {
      source: options.source,
      added: tally.added,
      willSend: tally.willSend,
      skipped: tally.skipped,
      replace: options.replace,
    });
    const dto = await present(updated);
    bus.publish(row.workspace_id, 'campaign.progress', { campaignId: row.id, status: row.status });
    return {
      added: tally.added,
      total: dto.counts.total,
      willSend: dto.counts.queued,
      skipped: dto.skipped,
      whatsappChecked: settings.checkWhatsApp,
      csvColumns: dto.csvColumns,
    };
  }

  /** Variables of every text, and each queued recipient's rendering, page by page. */
  async function* renderings(row: CampaignRow) {
    const texts = textsOf(row);
    let after = -1;
    for (;;) {
      const page = await recipientsForRendering(db, row.workspace_id, row.id, { afterSeq: after, limit: 1000 });
      for (const r of page) {
        const fields = parseObject(r.custom_fields);
        const values = valuesFor({
          phone: r.phone,
          name: r.name ?? r.contact_name ?? r.saved_name ?? r.push_name,
          fields,
          vars: JSON.parse(r.vars) as Record<string, string>,
        });
        const chosen = pickVariant(texts, r.seq);
        yield { r, variant: chosen.index, ...render(chosen.text, values) };
      }
      if (page.length < 1000) return;
      after = page[page.length - 1]!.seq;
    }
  }

  return {
    async list(caller: Caller, workspaceId: string, query: CampaignListQueryT): Promise<PageOf<CampaignDtoT>> {
      await access.require(caller, workspaceId, READ);
      const limit = query.limit ?? 50;
      const before = decodeCursor(query.cursor, 'id') as string | undefined;
      const rows = await listCampaigns(db, workspaceId, { status: query.status, before, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const counts = await statusCounts(
        db,
        workspaceId,
        page.map((r) => r.id),
      );
      const items = page.map((row) => presentCampaign(row, tallyOf(counts.filter((c) => c.campaign_id === row.id))));
      return { items, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
    },

    async get(caller: Caller, workspaceId: string, campaignId: string): Promise<CampaignDtoT> {
      await access.require(caller, workspaceId, READ);
      return present(await load(workspaceId, campaignId));
    },

    async create(caller: Caller, workspaceId: string, body: CreateCampaignBodyT): Promise<CampaignDtoT> {
      await access.require(caller, workspaceId, MANAGE);
      const settings = { ...DEFAULT_CAMPAIGN_SETTINGS, ...body.settings };
      checkSettings(settings);
      if (body.name.trim() === '') throw validation('A campaign needs a name.', { name: 'must not be empty' });
      await checkNumbers(workspaceId, body.numberIds ?? []);
      await checkMedia(workspaceId, body.mediaId);
      const now = clock.now();
      const row: CampaignRow = {
        id: newId(now),
        workspace_id: workspaceId,
        name: body.name.trim(),
        status: 'draft',
        text: body.text ?? '',
        variants: JSON.stringify(body.variants ?? []),
        media_id: body.mediaId ?? null,
        settings: JSON.stringify(settings),
        number_ids: JSON.stringify(body.numberIds ?? []),
        csv_columns: '[]',
        pause_reason: null,
        auto_paused: 0,
        scheduled_at: null,
        started_at: null,
        resumed_at: null,
        finished_at: null,
        created_by: caller.userId,
        created_at: now,
        updated_at: now,
      };
      await insertCampaign(db, row);
      await record(caller, row, 'campaign.created');
      await usage.feature(caller.userId, workspaceId, 'campaign.created');
      return present(row);
    },

    async update(caller: Caller, workspaceId: string, campaignId: string, body: UpdateCampaignBodyT): Promise<CampaignDtoT> {
      await access.require(caller, workspaceId, MANAGE);
      const row = await load(workspaceId, campaignId);
      if (row.status !== 'draft') throw notEditable(row);
      const settings = { ...settingsOf(row), ...body.settings };
      checkSettings(settings);
      if (body.name !== undefined && body.name.trim() === '') throw validation('A campaign needs a name.', { name: 'must not be empty' });
      if (body.numberIds) await checkNumbers(workspaceId, body.numberIds);
      await checkMedia(workspaceId, body.mediaId);
      const updated = await updateCampaign(
        db,
        workspaceId,
        campaignId,
        {
          ...(body.name !== undefined ? { name: body.name.trim() } : {}),
          ...(body.text !== undefined ? { text: body.text } : {}),
          ...(body.variants !== undefined ? { variants: JSON.stringify(body.variants) } : {}),
          ...(body.mediaId !== undefined ? { media_id: body.mediaId } : {}),
          ...(body.numberIds !== undefined ? { number_ids: JSON.stringify(body.numberIds) } : {}),
          settings: JSON.stringify(settings),
          updated_at: clock.now(),
        },
        ['draft'],
      );
      if (!updated) throw notEditable(await load(workspaceId, campaignId));
      await record(caller, updated, 'campaign.updated', { fields: Object.keys(body) });
      return present(updated);
    },

    async remove(caller: Caller, workspaceId: string, campaignId: string): Promise<void> {
      await access.require(caller, workspaceId, MANAGE);
      const row = await load(workspaceId, campaignId);
      if (!['draft', 'completed', 'cancelled'].includes(row.status)) throw invalidState(row, 'deleted (cancel it first)');
      await db.transaction().execute(async (tx) => {
        await deleteCampaign(tx, workspaceId, campaignId);
        await activity.record(
          workspaceId,
          {
            action: 'campaign.deleted',
            actor: { userId: caller.userId, name: caller.name },
            ip: caller.ip,
            target: { type: 'campaign', id: row.id, label: row.name },
          },
          tx,
        );
      });
    },

    async addAudience(caller: Caller, workspaceId: string, campaignId: string, body: AudienceBodyT): Promise<AudienceSummaryT> {
      await access.require(caller, workspaceId, MANAGE);
      const row = await load(workspaceId, campaignId);
      if (row.status !== 'draft') throw notEditable(row);
      const labelIds = body.labelIds ?? [];
      if (labelIds.length) {
        const found = await db
          .selectFrom('labels')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', labelIds)
          .execute();
        if (found.length !== labelIds.length)
          throw validation('A chosen label does not exist in this workspace.', { labelIds: 'unknown label' });
      }
      if (!labelIds.length && !body.allContacts && !body.phones?.trim() && !body.replace)
        throw validation('Choose labels, all contacts, or paste numbers.', { phones: 'nothing to add' });
      async function* all(tx: DbOrTx): AsyncGenerator<AudienceEntry> {
        if (labelIds.length || body.allContacts) yield* contactsOf(tx, workspaceId, { labelIds, all: body.allContacts === true });
        if (body.phones) yield* pastedEntries(body.phones);
      }
      return addEntries(caller, row, all, {
        replace: body.replace === true,
        source: labelIds.length || body.allContacts ? 'contacts' : 'pasted',
      });
    },

    async addAudienceCsv(
      caller: Caller,
      workspaceId: string,
      campaignId: string,
      csv: string,
      query: AudienceCsvQueryT,
    ): Promise<AudienceSummaryT> {
      await access.require(caller, workspaceId, MANAGE);
      const row = await load(workspaceId, campaignId);
      if (row.status !== 'draft') throw notEditable(row);
      const parsed = parseAudienceCsv(csv, query.phoneColumn);
      return addEntries(caller, row, () => parsed.entries, { replace: query.replace === true, csvColumns: parsed.columns, source: 'csv' });
    },

    async preview(caller: Caller, workspaceId: string, campaignId: string, sample: number): Promise<PreviewDtoT> {
      await access.require(caller, workspaceId, READ);
      const row = await load(workspaceId, campaignId);
      const texts = textsOf(row);
      const variables = new Map<string, { key: string; fallback: string | null }>();
      for (const t of texts) for (const v of variablesOf(t)) if (!variables.has(v.key) || v.fallback !== null) variables.set(v.key, v);
      const fields = await db.selectFrom('contact_fields').select('key').where('workspace_id', '=', workspaceId).execute();
      const available = [
        ...new Set([
          'name',
          'first_name',
          'phone',
          ...fields.map((f) => f.key),
          ...csvColumnsOf(row).map((c) => c.toLowerCase().replace(/[\s-]+/g, '_')),
        ]),
      ];
      const samples: PreviewDtoT['samples'] = [];
      const unresolved: PreviewDtoT['unresolved'] = { count: 0, recipients: [] };
      for await (const r of renderings(row)) {
        if (samples.length < sample)
          samples.push({
            recipientId: r.r.id,
            phone: r.r.phone ? `+${r.r.phone}` : null,
            name: r.r.name ?? r.r.contact_name ?? null,
            variant: r.variant,
            text: r.text,
            missing: r.missing,
          });
        if (r.missing.length) {
          unresolved.count += 1;
          if (unresolved.recipients.length < 50)
            unresolved.recipients.push({ recipientId: r.r.id, phone: r.r.phone ? `+${r.r.phone}` : null, missing: r.missing });
        }
      }
      return { variables: [...variables.values()], available, samples, unresolved };
    },

    async start(caller: Caller, workspaceId: string, campaignId: string, body: StartCampaignBodyT): Promise<CampaignDtoT> {
      await access.require(caller, workspaceId, MANAGE);
      const row = await load(workspaceId, campaignId);
      if (row.status !== 'draft') throw invalidState(row, 'started');
      if (textsOf(row).length === 0 && !row.media_id) throw validation('Write the message first.', { text: 'must not be empty' });
      const numberIds = numberIdsOf(row);
      if (numberIds.length === 0) throw new AppError(409, 'campaign_no_numbers', 'Choose at least one number to send from.');
      await checkNumbers(workspaceId, numberIds);
      const now = clock.now();
      let scheduleAt: number | null = null;
      if (body.scheduleAt !== undefined) {
        scheduleAt = Date.parse(body.scheduleAt);
        if (Number.isNaN(scheduleAt)) throw validation('Invalid date.', { scheduleAt: 'must be an ISO-8601 date-time' });
        if (scheduleAt <= now) scheduleAt = null;
      }
      const missing: string[] = [];
      const unresolved: Array<{ recipientId: string; phone: string | null; missing: string[] }> = [];
      for await (const r of renderings(row)) {
        if (!r.missing.length) continue;
        missing.push(r.r.id);
        if (unresolved.length < 20) unresolved.push({ recipientId: r.r.id, phone: r.r.phone ? `+${r.r.phone}` : null, missing: r.missing });
      }
      if (missing.length && !body.skipUnresolved)
        throw new AppError(
          409,
          'campaign_unresolved_variables',
          `${count(missing.length, 'recipient')} ${missing.length === 1 ? 'has' : 'have'} no value for a variable without fallback. Add a fallback like {{name|there}}, or start skipping them.`,
          { count: missing.length, recipients: unresolved },
        );
      const started = await db.transaction().execute(async (tx) => {
        if (missing.length)
          await markRecipients(tx, workspaceId, missing, { status: 'skipped', reason: 'missing_variable', updated_at: now }, 'queued');
        const queued = await tx
          .selectFrom('campaign_recipients')
          .select('id')
          .where('campaign_id', '=', campaignId)
          .where('status', '=', 'queued')
          .limit(1)
          .executeTakeFirst();
        if (!queued) throw new AppError(409, 'campaign_no_recipients', 'There is nobody to send to: add an audience first.');
        const updated = await updateCampaign(
          tx,
          workspaceId,
          campaignId,
          scheduleAt !== null
            ? { status: 'scheduled', scheduled_at: scheduleAt, updated_at: now }
            : { status: 'sending', started_at: now, scheduled_at: null, updated_at: now },
          ['draft'],
        );
        if (!updated) throw invalidState(row, 'started');
        await activity.record(
          workspaceId,
          {
            action: scheduleAt !== null ? 'campaign.scheduled' : 'campaign.started',
            actor: { userId: caller.userId, name: caller.name },
            ip: caller.ip,
            target: { type: 'campaign', id: row.id, label: row.name },
            details: { ...(scheduleAt !== null ? { scheduleAt: iso(scheduleAt) } : {}), skippedUnresolved: missing.length },
          },
          tx,
        );
        return updated;
      });
      bus.publish(workspaceId, 'campaign.progress', { campaignId, status: started.status });
      await usage.feature(caller.userId, workspaceId, scheduleAt !== null ? 'campaign.scheduled' : 'campaign.started');
      return present(started);
    },

    async pause(caller: Caller, workspaceId: string, campaignId: string): Promise<CampaignDtoT> {
      await access.require(caller, workspaceId, MANAGE);
      const row = await load(workspaceId, campaignId);
      const paused = await engine.pause(workspaceId, campaignId, {
        reason: `Paused by ${caller.name}`,
        auto: false,
        actor: actorOf(caller),
      });
      if (!paused) throw invalidState(await load(workspaceId, campaignId).catch(() => row), 'paused');
      return present(paused);
    },

    async resume(caller: Caller, workspaceId: string, campaignId: string): Promise<CampaignDtoT> {
      await access.require(caller, workspaceId, MANAGE);
      const row = await load(workspaceId, campaignId);
      const now = clock.now();
      const resumed = await db.transaction().execute(async (tx) => {
        const updated = await updateCampaign(
          tx,
          workspaceId,
          campaignId,
          {
            status: row.started_at === null && row.scheduled_at !== null && row.scheduled_at > now ? 'scheduled' : 'sending',
            started_at: row.started_at ?? now,
            resumed_at: now,
            pause_reason: null,
            auto_paused: 0,
            updated_at: now,
          },
          ['paused'],
        );
        if (!updated) return undefined;
        await activity.record(
          workspaceId,
          {
            action: 'campaign.resumed',
            actor: { userId: caller.userId, name: caller.name },
            ip: caller.ip,
            target: { type: 'campaign', id: row.id, label: row.name },
          },
          tx,
        );
        return updated;
      });
      if (!resumed) throw invalidState(row, 'resumed');
      bus.publish(workspaceId, 'campaign.progress', { campaignId, status: resumed.status });
      return present(resumed);
    },

    async cancel(caller: Caller, workspaceId: string, campaignId: string): Promise<CampaignDtoT> {
      await access.require(caller, workspaceId, MANAGE);
      const row = await load(workspaceId, campaignId);
      const cancelled = await engine.cancel(workspaceId, campaignId, actorOf(caller));
      if (!cancelled) throw invalidState(row, 'cancelled');
      return present(cancelled);
    },

    async recipients(caller: Caller, workspaceId: string, campaignId: string, query: RecipientsQueryT): Promise<PageOf<RecipientDtoT>> {
      await access.require(caller, workspaceId, READ);
      await load(workspaceId, campaignId);
      const limit = query.limit ?? 50;
      const afterSeq = decodeCursor(query.cursor, 'seq') as number | undefined;
      const rows = await listRecipients(db, workspaceId, campaignId, { status: query.status, afterSeq, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return { items: page.map(presentRecipient), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.seq) : null };
    },

    /** Every recipient with its outcome, as CSV (cells that a spreadsheet would run as a formula are neutralised). */
    async resultsCsv(caller: Caller, workspaceId: string, campaignId: string): Promise<{ fileName: string; csv: string }> {
      await access.require(caller, workspaceId, READ);
      const row = await load(workspaceId, campaignId);
      const numbers = new Map(
        (await db.selectFrom('numbers').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute()).map((n) => [
          n.id,
          n.name,
        ]),
      );
      const safe = (v: string | null) => (v && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''));
      const parts: string[] = [
        stringify([['phone', 'name', 'input', 'source', 'status', 'reason', 'number', 'variant', 'message_id', 'queued_at', 'updated_at']]),
      ];
      let after = -1;
      for (;;) {
        const page = await listRecipients(db, workspaceId, campaignId, { afterSeq: after, limit: 2000 });
        parts.push(
          stringify(
            page.map((r) => [
              r.phone ? `+${r.phone}` : '',
              safe(r.name),
              safe(r.raw),
              r.source,
              r.status,
              safe(r.reason),
              r.number_id ? safe(numbers.get(r.number_id) ?? r.number_id) : '',
              r.variant === null ? '' : String(r.variant + 1),
              r.message_id ?? '',
              r.queued_at === null ? '' : iso(r.queued_at),
              iso(r.updated_at),
            ]),
          ),
        );
        if (page.length < 2000) break;
        after = page[page.length - 1]!.seq;
      }
      await record(caller, row, 'campaign.exported');
      const slug =
        row.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'campaign';
      return { fileName: `${slug}-results.csv`, csv: parts.join('') };
    },
  };
}

export type CampaignsService = ReturnType<typeof createCampaignsService>;
