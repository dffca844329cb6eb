import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../src/server/jobs/maintenance.js';
import { DAY_MS } from '../../src/server/lib/clock.js';
import { newId } from '../../src/server/lib/ids.js';
import { DELETION_RECORD_RETENTION_DAYS } from '../../src/server/modules/privacy/deletions.js';
import { SLA_RETENTION } from '../../src/server/modules/sla/repo.js';
import { fakeClock } from '../support/clock.js';
import { firstOwner } from '../support/factories.js';
import { freshAppPerTest } from '../support/lifecycle.js';

describe('maintenance: alert and deletion-record retention', () => {
  const now = Date.parse('2027-06-01T09:00:00Z');
  const clock = fakeClock(now);
  const t = freshAppPerTest(() => (clock.set(now), { clock }));
  const daysAgo = (days: number) => now - days * DAY_MS;

  async function maintain() {
    return runMaintenance({ db: t().database.db, clock, activity: t().services.activity });
  }

  it('deletes read notifications after 90 days and unread ones after a year, and nothing newer', async () => {
    const owner = await firstOwner(t().app);
    const notification = (name: string, createdDaysAgo: number, read: boolean) => ({
      id: newId(),
      workspace_id: owner.workspaceId,
      user_id: owner.me.user.id,
      kind: 'sla.breached',
      title: name,
      body: '',
      conversation_id: null,
      sla_event_id: null,
      created_at: daysAgo(createdDaysAgo),
      read_at: read ? daysAgo(createdDaysAgo - 1) : null,
    });
    const { readNotificationDays: read, unreadNotificationDays: unread } = SLA_RETENTION;
    await t()
      .database.db.insertInto('notifications')
      .values([
        notification('read, old', read + 1, true),
        notification('read, recent', read - 1, true),
        notification('unread, older than a year', unread + 1, false),
        notification('unread, half a year', read + 100, false),
      ])
      .execute();

    const result = await maintain();

    expect(result.notificationsDeleted).toBe(2);
    const left = await t().database.db.selectFrom('notifications').select('title').orderBy('title').execute();
    expect(left.map((row) => row.title)).toEqual(['read, recent', 'unread, half a year']);
    expect((await maintain()).notificationsDeleted).toBe(0);
  });

  it('deletes finished delivery logs after 90 days but keeps pending deliveries', async () => {
    const owner = await firstOwner(t().app);
    const delivery = (target: string, status: 'pending' | 'delivered' | 'failed', createdDaysAgo: number) => ({
      id: newId(),
      workspace_id: owner.workspaceId,
      sla_event_id: null,
      channel: 'webhook',
      target,
      payload: '{}',
      status,
      attempts: 1,
      next_attempt_at: status === 'pending' ? now : null,
      last_error: null,
      response_status: null,
      claimed_by: null,
      claim_expires_at: null,
      created_at: daysAgo(createdDaysAgo),
      delivered_at: status === 'delivered' ? daysAgo(createdDaysAgo) : null,
    });
    const days = SLA_RETENTION.finishedDeliveryDays;
    await t()
      .database.db.insertInto('sla_deliveries')
      .values([
        delivery('https://a.example/delivered-old', 'delivered', days + 1),
        delivery('https://a.example/failed-old', 'failed', days + 1),
        delivery('https://a.example/pending-old', 'pending', days + 1),
        delivery('https://a.example/delivered-recent', 'delivered', days - 1),
      ])
      .execute();

    expect((await maintain()).deliveriesDeleted).toBe(2);
    const left = await t().database.db.selectFrom('sla_deliveries').select('target').orderBy('target').execute();
    expect(left.map((row) => row.target)).toEqual(['https://a.example/delivered-recent', 'https://a.example/pending-old']);
  });

  it('keeps a finished workspace deletion record for its documented period, and failed ones until they finish', async () => {
    const owner = await firstOwner(t().app);
    const record = (label: string, state: 'done' | 'failed', finishedDaysAgo: number | null, createdDaysAgo: number) => ({
      id: newId(),
      workspace_id: label,
      requested_by: owner.me.user.id,
      state,
      step: state === 'done' ? ('done' as const) : ('media' as const),
      ...{ numbers_total: 0, numbers_done: 0, messages_total: 0, messages_deleted: 0, media_total: 0, media_deleted: 0 },
      ...{ files_deleted: 0, rows_deleted: 0, attempts: 1, claimed_by: null, claim_expires_at: null },
      error: state === 'failed' ? 'disk full' : null,
      created_at: daysAgo(createdDaysAgo),
      updated_at: daysAgo(createdDaysAgo),
      finished_at: finishedDaysAgo === null ? null : daysAgo(finishedDaysAgo),
    });
    const keep = DELETION_RECORD_RETENTION_DAYS;
    await t()
      .database.db.insertInto('workspace_deletions')
      .values([
        record('done, past the period', 'done', keep + 1, keep + 2),
        record('done, within the period', 'done', keep - 1, keep),
        record('failed, very old', 'failed', null, keep * 2),
      ])
      .execute();

    expect((await maintain()).deletionRecordsDeleted).toBe(1);
    const left = await t().database.db.selectFrom('workspace_deletions').select('workspace_id').orderBy('workspace_id').execute();
    expect(left.map((row) => row.workspace_id)).toEqual(['done, within the period', 'failed, very old']);
  });
});
