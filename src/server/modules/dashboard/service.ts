import type { DashboardDtoT } from '../../../contracts/sla.js';
import type { Db } from '../../db/database.js';
import { iso, type Clock } from '../../lib/clock.js';
import type { Caller } from '../caller.js';
import { percentile, dayBoundaries, dayIndex } from '../sla/reports.js';
import { findPolicy, workspaceTimeZone } from '../sla/repo.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import {
  breachTimes,
  campaignsInProgress,
  conversationCounts,
  firstResponseMetrics,
  messagesPerDay,
  numbersOf,
  slaCounts,
} from './repo.js';

const DAYS = 14;

/** The workspace home at a glance (PRODUCT §11). Every figure is an indexed aggregate, so it is cheap to refetch on live events. */
export function createDashboardService(deps: { db: Db; clock: Clock; access: WorkspaceAccess }) {
  const { db, clock, access } = deps;
  return {
    async get(caller: Caller, workspaceId: string): Promise<DashboardDtoT> {
      await access.require(caller, workspaceId, 'workspace.read');
      const now = clock.now();
      const timeZone = (await workspaceTimeZone(db, workspaceId)) ?? 'UTC';
      // The last 14 local days, today included.
      const { starts, dates } = dayBoundaries(timeZone, now - (DAYS - 1) * 86_400_000, now);
      const from = starts[0]!;
      const end = starts[starts.length - 1]!;
      const [numbers, counts, sla, perDay, metrics, breaches, campaigns, policy] = await Promise.all([
        numbersOf(db, workspaceId),
        conversationCounts(db, workspaceId),
        slaCounts(db, workspaceId, now),
        messagesPerDay(db, workspaceId, starts),
        firstResponseMetrics(db, workspaceId, from, end),
        breachTimes(db, workspaceId, from, end),
        campaignsInProgress(db, workspaceId),
        findPolicy(db, workspaceId),
      ]);
      const days = dates.slice(0, -1).map((date) => ({
        date,
        first: [] as number[],
        messagesIn: 0,
        messagesOut: 0,
        breaches: 0,
      }));
      for (const r of perDay) {
        const d = days[r.day];
        if (!d) continue;
        if (r.direction === 'in') d.messagesIn += r.n;
        else d.messagesOut += r.n;
      }
      let hits = 0;
      let rated = 0;
      for (const m of metrics) {
        if (m.hit !== null) {
          rated += 1;
          hits += m.hit;
        }
        if (m.metric !== 'first_response') continue;
        days[dayIndex(starts, m.ended_at)]?.first.push(Number(m.business_ms));
      }
      for (const at of breaches) {
        const d = days[dayIndex(starts, at)];
        if (d) d.breaches += 1;
      }
      const today = days[days.length - 1];
      return {
        timeZone,
        numbers: numbers.map((n) => ({ id: n.id, name: n.name, phone: n.phone, state: n.state, stateSince: iso(n.state_since) })),
        conversations: { ...counts, ...sla },
        messagesToday: { in: today?.messagesIn ?? 0, out: today?.messagesOut ?? 0 },
        campaigns: campaigns === null ? null : { inProgress: campaigns.length, items: campaigns },
        responseTimes: days.map((d) => {
          const sorted = d.first.sort((a, b) => a - b);
          return {
            date: d.date,
            firstResponseMedianMs: percentile(sorted, 50),
            firstResponseP90Ms: percentile(sorted, 90),
            responses: sorted.length,
            messagesIn: d.messagesIn,
            messagesOut: d.messagesOut,
            breaches: d.breaches,
          };
        }),
        sla: { enabled: policy ? policy.enabled === 1 : true, hitRate14d: rated === 0 ? null : hits / rated },
      };
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
