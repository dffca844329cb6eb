import type { PageOf, Role } from '../../../contracts/common.js';
import type {
  CreateInviteBodyT,
  CreateMemberBodyT,
  CreateWorkspaceBodyT,
  InviteDtoT,
  MemberDtoT,
  UpdateWorkspaceBodyT,
  WorkspaceDtoT,
} from '../../../contracts/workspaces.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { AppError, conflict, forbidden, notFound, validation } from '../../http/errors.js';
import { DAY_MS, iso, type Clock } from '../../lib/clock.js';
import { newId, newToken } from '../../lib/ids.js';
import { hashPassword } from '../../lib/passwords.js';
import { hashToken } from '../../lib/secrets.js';
import type { ActivityService } from '../activity/service.js';
import * as users from '../auth/repo.js';
import type { Caller, RequestMeta } from '../caller.js';
import type { WorkspaceDeletions } from '../privacy/deletions.js';
import type { WorkspaceDeletionDtoT } from '../../../contracts/privacy.js';
import type { WorkspaceAccess } from './access.js';
import { canManageRole } from './policy.js';
import * as repo from './repo.js';

const DEFAULT_INVITE_DAYS = 7;

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function presentWorkspace(row: repo.WorkspaceRow, role: Role): WorkspaceDtoT {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    country: row.country,
    logRetentionDays: row.log_retention_days,
    messageRetentionDays: row.message_retention_days ?? null,
    typingToCustomer: (row.typing_to_customer ?? 1) === 1,
    markReadOnReply: (row.mark_read_on_reply ?? 1) === 1,
    role,
    createdAt: iso(row.created_at),
  };
}

function inviteStatus(row: repo.InviteRow, now: number): InviteDtoT['status'] {
  if (row.revoked_at !== null) return 'revoked';
  if (row.accepted_at !== null) return 'accepted';
  return row.expires_at <= now ? 'expired' : 'pending';
}

function actorOf(caller: Caller) {
  return { userId: caller.userId, name: caller.name };
}

export function createWorkspacesService(deps: {
  db: Db;
  clock: Clock;
  access: WorkspaceAccess;
  activity: ActivityService;
  publicUrl: URL;
  /** Workspace deletion runs in the background (modules/privacy). */
  deletions: WorkspaceDeletions;
}) {
  const { db, clock, access, activity } = deps;

  function checkZone(zone: string | undefined): void {
    if (zone !== undefined && !isValidTimeZone(zone))
      throw validation('Unknown time zone.', { timeZone: 'must be an IANA time zone such as Europe/London' });
  }

  /** Ownership must never drop to zero: the workspace would be unmanageable. */
  async function guardLastOwner(tx: DbOrTx, workspaceId: string, targetRole: Role): Promise<void> {
    if (targetRole === 'owner' && (await repo.countOwners(tx, workspaceId)) <= 1) {
      throw conflict('A workspace needs at least one owner. Make someone else owner first.', 'last_owner');
    }
  }

  async function requireMember(tx: DbOrTx, workspaceId: string, userId: string): Promise<Role> {
    const role = await repo.findRole(tx, workspaceId, userId);
    if (!role) throw notFound('member');
    return role;
  }

  return {
    /** Creates a workspace with the given person as its owner (sign-up, or "New workspace"). */
    async createForOwner(
      owner: { userId: string; name: string },
      body: CreateWorkspaceBodyT,
      meta: RequestMeta,
      tx: DbOrTx = db,
    ): Promise<WorkspaceDtoT> {
      checkZone(body.timeZone);
      const now = clock.now();
      const row: repo.WorkspaceRow = {
        id: newId(now),
        name: body.name.trim() || 'My store',
        time_zone: body.timeZone ?? 'UTC',
        country: body.country ?? 'US',
        log_retention_days: 30,
        created_at: now,
        updated_at: now,
      };
      await repo.insertWorkspace(tx, row);
      await repo.insertMembership(tx, { workspace_id: row.id, user_id: owner.userId, role: 'owner', created_at: now });
      await activity.record(
        row.id,
        { action: 'workspace.created', actor: owner, ip: meta.ip, target: { type: 'workspace', id: row.id, label: row.name } },
        tx,
      );
      return presentWorkspace(row, 'owner');
    },

    async create(caller: Caller, body: CreateWorkspaceBodyT): Promise<WorkspaceDtoT> {
      return db.transaction().execute((tx) => this.createForOwner(actorOf(caller), body, { ip: caller.ip, userAgent: null }, tx));
    },

    async list(caller: Caller, limit: number, cursor?: string): Promise<PageOf<WorkspaceDtoT>> {
      const rows = await repo.listWorkspacesOfUser(db, caller.userId, limit + 1, cursor);
      const page = rows.slice(0, limit);
      return { items: page.map((r) => presentWorkspace(r, r.role)), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
    },

    async get(caller: Caller, workspaceId: string): Promise<WorkspaceDtoT> {
      const role = await access.require(caller, workspaceId, 'workspace.read');
      const row = await repo.findWorkspace(db, workspaceId);
      if (!row) throw notFound('workspace');
      return presentWorkspace(row, role);
    },

    async update(caller: Caller, workspaceId: string, body: UpdateWorkspaceBodyT): Promise<WorkspaceDtoT> {
      const role = await access.require(caller, workspaceId, 'workspace.update');
      checkZone(body.timeZone);
      if (body.name !== undefined && !body.name.trim()) throw validation('The workspace needs a name.', { name: 'must not be blank' });
      const before = await repo.findWorkspace(db, workspaceId);
      if (!before) throw notFound('workspace');
      const patch = {
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(body.timeZone !== undefined ? { time_zone: body.timeZone } : {}),
        ...(body.country !== undefined ? { country: body.country } : {}),
        ...(body.logRetentionDays !== undefined ? { log_retention_days: body.logRetentionDays } : {}),
        ...(body.messageRetentionDays !== undefined ? { message_retention_days: body.messageRetentionDays } : {}),
        ...(body.typingToCustomer !== undefined ? { typing_to_customer: body.typingToCustomer ? 1 : 0 } : {}),
        ...(body.markReadOnReply !== undefined ? { mark_read_on_reply: body.markReadOnReply ? 1 : 0 } : {}),
      };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [column, value] of Object.entries(patch)) {
        const previous = before[column as keyof repo.WorkspaceRow] ?? null;
        if (previous !== value) changes[column] = { from: previous, to: value };
      }
      await db.transaction().execute(async (tx) => {
        await repo.updateWorkspace(tx, workspaceId, { ...patch, updated_at: clock.now() });
        if (Object.keys(changes).length > 0) {
          await activity.record(
            workspaceId,
            {
              action: 'workspace.updated',
              actor: actorOf(caller),
              ip: caller.ip,
              target: { type: 'workspace', id: workspaceId, label: patch.name ?? before.name },
              details: { changes },
            },
            tx,
          );
        }
      });
      return presentWorkspace({ ...before, ...patch }, role);
    },

    /**
     * Deletes the workspace: at once inaccessible to everyone, then erased with
     * everything that belongs to it by a background job (modules/privacy).
     */
    async remove(caller: Caller, workspaceId: string, confirmName: string): Promise<WorkspaceDeletionDtoT> {
      await access.require(caller, workspaceId, 'workspace.delete');
      const row = await repo.findWorkspace(db, workspaceId);
      if (!row) throw notFound('workspace');
      if (confirmName.trim() !== row.name)
        throw validation('Type the workspace name exactly to confirm.', { confirmName: 'does not match the workspace name' });
      return deps.deletions.request(caller, workspaceId);
    },

    async listMembers(caller: Caller, workspaceId: string, limit: number, cursor?: string): Promise<PageOf<MemberDtoT>> {
      await access.require(caller, workspaceId, 'members.read');
      const rows = await repo.listMembers(db, workspaceId, limit + 1, cursor);
      const page = rows.slice(0, limit);
      return {
        items: page.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, role: r.role, joinedAt: iso(r.created_at) })),
        nextCursor: rows.length > limit ? (page.at(-1)?.user_id ?? null) : null,
      };
    },

    /** An admin creates a login for a teammate (the alternative to sending an invite link). */
    async addMember(caller: Caller, workspaceId: string, body: CreateMemberBodyT): Promise<MemberDtoT> {
      const actorRole = await access.require(caller, workspaceId, 'members.manage');
      if (!canManageRole(actorRole, body.role)) throw forbidden('Only an owner can add another owner.');
      const email = body.email.trim().toLowerCase();
      const passwordHash = await hashPassword(body.password);
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        if (await users.findUserByEmail(tx, email))
          throw conflict('An account with this email already exists. Send them an invite instead.', 'email_taken');
        const userId = newId(now);
        await users.insertUser(tx, {
          id: userId,
          name: body.name.trim(),
          email,
          password_hash: passwordHash,
          is_instance_admin: 0,
          analytics_consent: 0,
          created_at: now,
          updated_at: now,
        });
        await repo.insertMembership(tx, { workspace_id: workspaceId, user_id: userId, role: body.role, created_at: now });
        await activity.record(
          workspaceId,
          {
            action: 'member.added',
            actor: actorOf(caller),
            ip: caller.ip,
            target: { type: 'user', id: userId, label: body.name.trim() },
            details: { role: body.role },
          },
          tx,
        );
        return { userId, name: body.name.trim(), email, role: body.role, joinedAt: iso(now) };
      });
    },

    async changeRole(caller: Caller, workspaceId: string, userId: string, role: Role): Promise<void> {
      const actorRole = await access.require(caller, workspaceId, 'members.manage');
      await db.transaction().execute(async (tx) => {
        const current = await requireMember(tx, workspaceId, userId);
        if (!canManageRole(actorRole, current) || !canManageRole(actorRole, role))
          throw forbidden('Only an owner can grant or change ownership.');
        if (current === role) return;
        if (current === 'owner') await guardLastOwner(tx, workspaceId, current);
        await repo.setMemberRole(tx, workspaceId, userId, role);
        await activity.record(
          workspaceId,
          {
            action: 'member.role_changed',
            actor: actorOf(caller),
            ip: caller.ip,
            target: { type: 'user', id: userId, label: null },
            details: { from: current, to: role },
          },
          tx,
        );
      });
    },

    /** Removes a member; anyone may also leave a workspace themselves. */
    async removeMember(caller: Caller, workspaceId: string, userId: string): Promise<void> {
      const self = userId === caller.userId;
      const actorRole = self
        ? await access.require(caller, workspaceId, 'workspace.read')
        : await access.require(caller, workspaceId, 'members.manage');
      await db.transaction().execute(async (tx) => {
        const current = await requireMember(tx, workspaceId, userId);
        if (!self && !canManageRole(actorRole, current)) throw forbidden('Only an owner can remove an owner.');
        await guardLastOwner(tx, workspaceId, current);
        await repo.deleteMembership(tx, workspaceId, userId);
        await activity.record(
          workspaceId,
          {
            action: 'member.removed',
            actor: actorOf(caller),
            ip: caller.ip,
            target: { type: 'user', id: userId, label: null },
            details: { role: current, self },
          },
          tx,
        );
      });
    },

    /** An admin sets a new password for a member; the member's sessions end. */
    async resetMemberPassword(caller: Caller, workspaceId: string, userId: string, newPassword: string): Promise<void> {
      const actorRole = await access.require(caller, workspaceId, 'members.manage');
      const targetRole = await requireMember(db, workspaceId, userId);
      if (!canManageRole(actorRole, targetRole)) throw forbidden("Only an owner can reset an owner's password.");
      const passwordHash = await hashPassword(newPassword);
      await db.transaction().execute(async (tx) => {
        await users.updateUser(tx, userId, { password_hash: passwordHash, updated_at: clock.now() });
        await users.deleteSessionsOfUser(tx, userId);
        await activity.record(
          workspaceId,
          { action: 'member.password_reset', actor: actorOf(caller), ip: caller.ip, target: { type: 'user', id: userId, label: null } },
          tx,
        );
      });
    },

    async listInvites(caller: Caller, workspaceId: string, limit: number, cursor?: string): Promise<PageOf<InviteDtoT>> {
      await access.require(caller, workspaceId, 'invites.manage');
      const rows = await repo.listInvites(db, workspaceId, limit + 1, cursor);
      const page = rows.slice(0, limit);
      const now = clock.now();
      return {
        items: page.map((r) => ({
          id: r.id,
          email: r.email,
          role: r.role,
          status: inviteStatus(r, now),
          expiresAt: iso(r.expires_at),
          createdAt: iso(r.created_at),
          createdBy: r.created_by_name,
        })),
        nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },

    /** The link carries a random token; only its hash is stored, so the link is shown once. */
    async createInvite(caller: Caller, workspaceId: string, body: CreateInviteBodyT): Promise<InviteDtoT> {
      const actorRole = await access.require(caller, workspaceId, 'invites.manage');
      if (!canManageRole(actorRole, body.role)) throw forbidden('Only an owner can invite another owner.');
      const token = newToken();
      const now = clock.now();
      const row: repo.InviteRow = {
        id: newId(now),
        workspace_id: workspaceId,
        token_hash: hashToken(token),
        email: body.email?.trim().toLowerCase() ?? null,
        role: body.role,
        created_by: caller.userId,
        created_at: now,
        expires_at: now + (body.expiresInDays ?? DEFAULT_INVITE_DAYS) * DAY_MS,
        accepted_at: null,
        accepted_by: null,
        revoked_at: null,
      };
      await db.transaction().execute(async (tx) => {
        await repo.insertInvite(tx, row);
        await activity.record(
          workspaceId,
          {
            action: 'invite.created',
            actor: actorOf(caller),
            ip: caller.ip,
            target: { type: 'invite', id: row.id, label: row.email },
            details: { role: row.role },
          },
          tx,
        );
      });
      const url = new URL(`/invite/${token}`, deps.publicUrl).toString();
      return {
        id: row.id,
        email: row.email,
        role: row.role,
        status: 'pending',
        expiresAt: iso(row.expires_at),
        createdAt: iso(now),
        createdBy: caller.name,
        url,
      };
    },

    async revokeInvite(caller: Caller, workspaceId: string, inviteId: string): Promise<void> {
      await access.require(caller, workspaceId, 'invites.manage');
      const invite = await repo.findInvite(db, workspaceId, inviteId);
      if (!invite) throw notFound('invite');
      if (invite.accepted_at !== null) throw new AppError(409, 'conflict', 'This invite was already accepted.');
      await db.transaction().execute(async (tx) => {
        await repo.markInviteRevoked(tx, workspaceId, inviteId, clock.now());
        await activity.record(
          workspaceId,
          {
            action: 'invite.revoked',
            actor: actorOf(caller),
            ip: caller.ip,
            target: { type: 'invite', id: inviteId, label: invite.email },
          },
          tx,
        );
      });
    },
  };
}

export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
