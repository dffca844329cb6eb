import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { PageOf } from '../../../contracts/common.js';
import type { CreateNumberBodyT, DeleteNumberBodyT, LinkBodyT, NumberDtoT, UpdateNumberBodyT } from '../../../contracts/numbers.js';
import type { Db } from '../../db/database.js';
import { notFound, validation } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../../realtime/bus.js';
import type { NumberManager } from '../../whatsapp/manager.js';
import type { ActivityService } from '../activity/service.js';
import type { Caller } from '../caller.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { findWorkspace } from '../workspaces/repo.js';
import { presentNumber } from './presenters.js';
import * as repo from './repo.js';

const actorOf = (caller: Caller) => ({ userId: caller.userId, name: caller.name });

/** E.164 digits of a phone typed for pairing, read with the workspace's default country. */
export function pairingPhone(input: string | undefined, country: string): string {
  const raw = (input ?? '').trim();
  const parsed = raw ? parsePhoneNumberFromString(raw, country as CountryCode) : undefined;
  if (!parsed || !parsed.isValid()) {
    throw validation('Type the phone number to link, with its country code.', { phone: 'must be a valid phone number' });
  }
  return parsed.number.slice(1);
}

/**
 * Numbers of a workspace: the rows, their limits, and the session actions
 * (link, delete) that go through the number manager. Agents may read;
 * owners and admins change.
 */
export function createNumbersService(deps: {
  db: Db;
  clock: Clock;
  access: WorkspaceAccess;
  activity: Pick<ActivityService, 'record'>;
  bus: EventBus;
  manager: Pick<NumberManager, 'link' | 'linkInfo' | 'deleteSession'>;
}) {
  const { db, clock, access, activity, bus, manager } = deps;

  async function load(workspaceId: string, numberId: string): Promise<repo.NumberRow> {
    const row = await repo.findNumber(db, workspaceId, numberId);
    if (!row) throw notFound('number');
    return row;
  }
  const present = (row: repo.NumberRow) => presentNumber(row, manager.linkInfo(row.id));

  return {
    async list(caller: Caller, workspaceId: string, limit: number, cursor?: string): Promise<PageOf<NumberDtoT>> {
      await access.require(caller, workspaceId, 'workspace.read');
      const rows = await repo.listNumbers(db, workspaceId, limit + 1, cursor);
      const page = rows.slice(0, limit);
      return { items: page.map(present), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
    },

    async get(caller: Caller, workspaceId: string, numberId: string): Promise<NumberDtoT> {
      await access.require(caller, workspaceId, 'workspace.read');
      return present(await load(workspaceId, numberId));
    },

    async create(caller: Caller, workspaceId: string, body: CreateNumberBodyT): Promise<NumberDtoT> {
      await access.require(caller, workspaceId, 'workspace.update');
      const name = body.name.trim();
      if (!name) throw validation('The number needs a name.', { name: 'must not be blank' });
      const now = clock.now();
      const row: repo.NumberRow = {
        id: newId(now),
        workspace_id: workspaceId,
        name,
        provider: 'baileys',
        phone: null,
        state: 'idle',
        state_reason: null,
        state_since: now,
        linked_at: null,
        min_delay_ms: 8000,
        max_delay_ms: 20000,
        daily_cap: 500,
        warmup: 1,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      await db.transaction().execute(async (tx) => {
        await repo.insertNumber(tx, row);
        await activity.record(
          workspaceId,
          { action: 'number.created', actor: actorOf(caller), ip: caller.ip, target: { type: 'number', id: row.id, label: name } },
          tx,
        );
      });
      bus.publish(workspaceId, 'number.updated', { numberId: row.id });
      return present(row);
    },

    async update(caller: Caller, workspaceId: string, numberId: string, body: UpdateNumberBodyT): Promise<NumberDtoT> {
      await access.require(caller, workspaceId, 'workspace.update');
      const before = await load(workspaceId, numberId);
      if (body.name !== undefined && !body.name.trim()) throw validation('The number needs a name.', { name: 'must not be blank' });
      const l = body.limits ?? {};
      const minMs = l.minDelaySeconds !== undefined ? l.minDelaySeconds * 1000 : before.min_delay_ms;
      const maxMs = l.maxDelaySeconds !== undefined ? l.maxDelaySeconds * 1000 : before.max_delay_ms;
      if (minMs > maxMs) {
        throw validation('The shortest delay cannot be longer than the longest.', {
          'limits.minDelaySeconds': 'must not exceed maxDelaySeconds',
        });
      }
      const patch: Partial<repo.NumberRow> = {
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(l.minDelaySeconds !== undefined ? { min_delay_ms: minMs } : {}),
        ...(l.maxDelaySeconds !== undefined ? { max_delay_ms: maxMs } : {}),
        ...(l.dailyCap !== undefined ? { daily_cap: l.dailyCap } : {}),
        ...(l.warmup !== undefined ? { warmup: l.warmup ? 1 : 0 } : {}),
      };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [column, value] of Object.entries(patch)) {
        const previous = before[column as keyof repo.NumberRow];
        if (previous !== value) changes[column] = { from: previous, to: value };
      }
      if (Object.keys(changes).length === 0) return present(before);
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await repo.updateNumber(tx, workspaceId, numberId, { ...patch, updated_at: now });
        await activity.record(
          workspaceId,
          {
            action: 'number.updated',
            actor: actorOf(caller),
            ip: caller.ip,
            target: { type: 'number', id: numberId, label: patch.name ?? before.name },
            details: { changes },
          },
          tx,
        );
      });
      bus.publish(workspaceId, 'number.updated', { numberId });
      return present({ ...before, ...patch, updated_at: now });
    },

    /** Starts linking; the answer carries the first QR (or the pairing code) when WhatsApp sent it in time. */
    async link(caller: Caller, workspaceId: string, numberId: string, body: LinkBodyT): Promise<NumberDtoT> {
      await access.require(caller, workspaceId, 'workspace.update');
      const row = await load(workspaceId, numberId);
      let phone: string | undefined;
      if (body.method === 'pairing_code') {
        const ws = await findWorkspace(db, workspaceId);
        phone = pairingPhone(body.phone, ws?.country ?? 'US');
      }
      await activity.record(workspaceId, {
        action: 'number.link_started',
        actor: actorOf(caller),
        ip: caller.ip,
        target: { type: 'number', id: numberId, label: row.name },
        details: { method: body.method },
      });
      await manager.link(numberId, { method: body.method, ...(phone ? { phone } : {}) });
      return present(await load(workspaceId, numberId));
    },

    /** Logs the number out and erases its keys; keeps or erases its conversations as the owner chose. */
    async remove(caller: Caller, workspaceId: string, numberId: string, body: DeleteNumberBodyT): Promise<void> {
      await access.require(caller, workspaceId, 'workspace.update');
      const row = await load(workspaceId, numberId);
      const result = await manager.deleteSession(numberId, { messages: body.messages });
      await activity.record(workspaceId, {
        action: 'number.deleted',
        actor: actorOf(caller),
        ip: caller.ip,
        target: { type: 'number', id: numberId, label: row.name },
        details: { messages: body.messages, phone: row.phone, removedMediaFiles: result.removedMediaFiles },
      });
      bus.publish(workspaceId, 'number.deleted', { numberId });
    },
  };
}

export type NumbersService = ReturnType<typeof createNumbersService>;
