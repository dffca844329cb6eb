/**
 * Keeps each conversation's applied SLA in step with its messages and status.
 *
 * It is a subscriber of the domain events (ARCHITECTURE rule 5): a message or a
 * conversation change makes it re-read that conversation and run the clock state
 * machine (clocks.ts). Reading the facts again, rather than trusting the event,
 * makes a repeated or late event harmless; a write is conditional on the row's
 * version, so two processes applying the same change converge. Changes missed
 * while no process was running are caught by `reconcile` at start.
 *
 * What stops a response clock (decided here, documented in docs/architecture.md):
 * an outbound message sent by an agent from the dashboard or from the linked
 * phone, unless WhatsApp refused it (failed), it was automatic (opt-out
 * confirmation, `payload.automated`) or part of a campaign. A private note is not
 * a message to the customer and never stops a clock.
 */
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../../realtime/bus.js';
import { nextRow, type Observation } from './clocks.js';
import { effectivePolicy, inScope, type EffectivePolicy, type SlaTarget } from './policy.js';
import { addMetric, dimensionKeys, localDay, updateRollups } from './rollups.js';
import {
  conversationFacts,
  findPolicy,
  findSlaRow,
  firstInboundAfter,
  firstReplyAfter,
  insertMetrics,
  labelIdsOf,
  latestReply,
  openConversationIds,
  saveSlaRow,
  staleConversationIds,
} from './repo.js';

export interface SlaTrackerDeps {
  db: Db;
  clock: Clock;
  bus: EventBus;
  logger?: Logger;
  /** Told the earliest new alert instant, so the evaluator can wake for it. */
  onDue?: (dueAt: number) => void;
}

export function createSlaTracker(deps: SlaTrackerDeps) {
  const { db, clock, bus } = deps;
  /** One sync at a time per conversation in this process; later requests coalesce into one re-run. */
  const chains = new Map<string, { running: Promise<void>; again: boolean }>();
  const inflight = new Set<Promise<void>>();

  async function policyFor(workspaceId: string, timeZone: string): Promise<EffectivePolicy> {
    return effectivePolicy(await findPolicy(db, workspaceId), timeZone);
  }

  async function syncOnce(conversationId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const facts = await conversationFacts(db, conversationId);
      if (!facts) return;
      const policy = await policyFor(facts.workspace_id, facts.time_zone);
      const prev = await findSlaRow(db, conversationId);
      if (!prev && facts.status === 'resolved') return;
      const ws = facts.workspace_id;
      const labels = policy.labelIds.length > 0 ? await labelIdsOf(db, ws, conversationId) : [];
      const lastReply = await latestReply(db, ws, conversationId);
      const resolvedAt = prev?.resolved_at ?? null;
      let waitStart: number | null = null;
      let periodStart: number | null = null;
      if (facts.status !== 'resolved') {
        const floor = Math.max(lastReply?.at ?? -1, resolvedAt ?? -1);
        waitStart = await firstInboundAfter(db, ws, conversationId, floor < 0 ? null : floor);
        periodStart = prev?.session_start ?? (await firstInboundAfter(db, ws, conversationId, resolvedAt));
      }
      const previousWait = prev?.resp_start ?? null;
      const replyAfterPreviousWait =
        previousWait !== null && previousWait !== waitStart ? await firstReplyAfter(db, ws, conversationId, previousWait) : null;
      const obs: Observation = {
        conversationId,
        workspaceId: ws,
        numberId: facts.number_id,
        assignee: facts.assignee_user_id,
        status: facts.status,
        changedAt: facts.updated_at,
        inScope: inScope(policy, facts.number_id, labels),
        lastReply,
        waitStart,
        periodStart,
        replyAfterPreviousWait,
      };
      const now = clock.now();
      const { row, metrics } = nextRow(prev, obs, policy, now);
      const saved = await db.transaction().execute(async (tx) => {
        if (!(await saveSlaRow(tx, row, prev ? prev.version : null))) return false;
        const inserted = await insertMetrics(
          tx,
          metrics.map((m) => ({
            id: newId(now),
            workspace_id: ws,
            conversation_id: conversationId,
            number_id: facts.number_id,
            agent_user_id: m.agentUserId,
            metric: m.metric,
            cycle: m.cycle,
            ended_at: m.endedAt,
            raw_ms: m.rawMs,
            business_ms: m.businessMs,
            target_ms: m.targetMs,
            hit: m.hit,
          })),
        );
        // Reports read daily rollups: only metrics this call recorded are added, once.
        for (const m of inserted) {
          const keys = await dimensionKeys(tx, ws, conversationId, m.agent_user_id, m.number_id);
          await updateRollups(tx, ws, localDay(facts.time_zone, m.ended_at), keys, (data) =>
            addMetric(data, { metric: m.metric as SlaTarget, businessMs: m.business_ms, rawMs: m.raw_ms, hit: m.hit }),
          );
        }
        return true;
      });
      if (!saved) continue; // Someone else wrote it in between: read again.
      const changed =
        !prev ||
        prev.urgent_breach_at !== row.urgent_breach_at ||
        prev.urgent_risk_at !== row.urgent_risk_at ||
        prev.urgent_target !== row.urgent_target;
      if (row.due_at !== null) deps.onDue?.(row.due_at);
      // The inbox shows the SLA badge: tell the dashboards when it moved (a conversation event of its own is already out).
      if (changed && prev) bus.publish(ws, 'sla.updated', { conversationIds: [conversationId] });
      return;
    }
    deps.logger?.warn({ conversationId }, 'sla: gave up syncing a conversation after repeated concurrent changes');
  }

  function sync(conversationId: string): Promise<void> {
    const current = chains.get(conversationId);
    if (current) {
      current.again = true;
      return current.running;
    }
    const entry = { running: Promise.resolve(), again: false };
    const run = async () => {
      do {
        entry.again = false;
        try {
          await syncOnce(conversationId);
        } catch (err) {
          deps.logger?.error({ err, conversationId }, 'sla: sync failed');
        }
      } while (entry.again);
      chains.delete(conversationId);
    };
    entry.running = run();
    chains.set(conversationId, entry);
    inflight.add(entry.running);
    void entry.running.finally(() => inflight.delete(entry.running));
    return entry.running;
  }

  let unsubscribe: (() => void) | null = null;

  return {
    sync,

    /** Listens to the domain events that can move a clock. */
    subscribe(): void {
      if (unsubscribe) return;
      unsubscribe = bus.subscribe('*', (event) => {
        switch (event.type) {
          case 'message.created':
          case 'message.status':
          case 'conversation.updated':
            void sync(event.payload.conversationId);
            break;
          default:
            break;
        }
      });
    },

    unsubscribe(): void {
      unsubscribe?.();
      unsubscribe = null;
    },

    /** Re-evaluates every open conversation of a workspace (after a policy change). */
    async resyncWorkspace(workspaceId: string): Promise<number> {
      let after: string | null = null;
      let count = 0;
      for (;;) {
        const ids = await openConversationIds(db, workspaceId, after, 500);
        if (ids.length === 0) break;
        for (const id of ids) await sync(id);
        count += ids.length;
        after = ids[ids.length - 1]!;
      }
      if (count > 0) bus.publish(workspaceId, 'sla.updated', { conversationIds: [] });
      return count;
    },

    /** Catches up on conversations that changed while no process was tracking them. */
    async reconcile(): Promise<number> {
      let after: string | null = null;
      let count = 0;
      for (;;) {
        const ids = await staleConversationIds(db, after, 500);
        if (ids.length === 0) break;
        for (const id of ids) await sync(id);
        count += ids.length;
        after = ids[ids.length - 1]!;
      }
      return count;
    },

    /** Resolves when every sync started so far has finished (tests). */
    async idle(): Promise<void> {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
}

export type SlaTracker = ReturnType<typeof createSlaTracker>;
