import type {
  LoginBodyT,
  MeDtoT,
  SignupBodyT,
  SignupStatusDtoT,
  UpdateMeBodyT,
  ChangePasswordBodyT,
  InvitePreviewDtoT,
  UserDtoT,
} from '../../../contracts/auth.js';
import type { Role } from '../../../contracts/common.js';
import { count } from '../../../contracts/count.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { AppError, conflict, unauthenticated } from '../../http/errors.js';
import { DAY_MS, iso, type Clock } from '../../lib/clock.js';
import { newId, newToken } from '../../lib/ids.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../lib/passwords.js';
import { hashToken } from '../../lib/secrets.js';
import type { ActivityService } from '../activity/service.js';
import type { Caller, RequestMeta } from '../caller.js';
import { claimSetting } from '../instance/repo.js';
import type { InstanceService } from '../instance/service.js';
import type { WorkspacesService } from '../workspaces/service.js';
import { findInviteByTokenHash, listWorkspacesOfUser, markInviteAccepted, insertMembership } from '../workspaces/repo.js';
import * as repo from './repo.js';
import { blockedForSeconds, clearFailures, recordFailure, type RateLimitRule } from './rate-limit.js';

/** Failed sign-ins allowed per account and per address before a pause. */
export const LOGIN_LIMITS: { account: RateLimitRule; ip: RateLimitRule } = {
  account: { limit: 5, windowMs: 15 * 60 * 1000 },
  ip: { limit: 30, windowMs: 15 * 60 * 1000 },
};
/** A session's expiry is pushed forward at most this often, to keep reads cheap. */
const TOUCH_INTERVAL_MS = 60 * 60 * 1000;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function presentUser(row: repo.UserRow): UserDtoT {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    isInstanceAdmin: row.is_instance_admin === 1,
    analyticsConsent: row.analytics_consent === 1,
    createdAt: iso(row.created_at),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export interface SessionGrant {
  token: string;
  maxAgeSeconds: number;
  me: MeDtoT;
}

export function createAuthService(deps: {
  db: Db;
  clock: Clock;
  activity: ActivityService;
  instance: InstanceService;
  workspaces: WorkspacesService;
  sessionTtlDays: number;
}) {
  const { db, clock, activity, instance, workspaces } = deps;
  const ttlMs = deps.sessionTtlDays * DAY_MS;

  async function me(userId: string, tx: DbOrTx = db): Promise<MeDtoT> {
    const user = await repo.findUserById(tx, userId);
    if (!user) throw unauthenticated();
    const memberships = await listWorkspacesOfUser(tx, userId, 1000);
    return { user: presentUser(user), workspaces: memberships.map((m) => ({ id: m.id, name: m.name, role: m.role })) };
  }

  async function openSession(userId: string, meta: RequestMeta, tx: DbOrTx): Promise<string> {
    const token = newToken();
    const now = clock.now();
    await repo.insertSession(tx, {
      id: hashToken(token),
      user_id: userId,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      created_at: now,
      last_seen_at: now,
      expires_at: now + ttlMs,
    });
    return token;
  }

  async function loadValidInvite(token: string, tx: DbOrTx) {
    const invite = await findInviteByTokenHash(tx, hashToken(token));
    if (!invite || invite.accepted_at !== null || invite.revoked_at !== null || invite.expires_at <= clock.now()) {
      throw new AppError(400, 'invite_invalid', 'This invitation link is invalid, has expired or was already used.');
    }
    return invite;
  }
  type ValidInvite = Awaited<ReturnType<typeof loadValidInvite>>;

  async function joinByInvite(
    invite: ValidInvite,
    user: { id: string; email: string; name: string },
    meta: RequestMeta,
    tx: DbOrTx,
  ): Promise<void> {
    if (invite.email && invite.email !== user.email) {
      throw new AppError(400, 'invite_invalid', `This invitation is for ${invite.email}.`);
    }
    if (!(await markInviteAccepted(tx, invite.workspace_id, invite.id, user.id, clock.now()))) {
      throw new AppError(400, 'invite_invalid', 'This invitation was already used.');
    }
    await insertMembership(tx, { workspace_id: invite.workspace_id, user_id: user.id, role: invite.role as Role, created_at: clock.now() });
    await activity.record(
      invite.workspace_id,
      {
        action: 'invite.accepted',
        actor: { userId: user.id, name: user.name },
        ip: meta.ip,
        target: { type: 'invite', id: invite.id, label: invite.role },
      },
      tx,
    );
  }

  return {
    me,

    async signupStatus(): Promise<SignupStatusDtoT> {
      return { firstRun: (await repo.countUsers(db)) === 0, openSignup: (await instance.read()).openSignup };
    },

    async invitePreview(token: string): Promise<InvitePreviewDtoT> {
      const invite = await loadValidInvite(token, db);
      return { workspaceName: invite.workspace_name, role: invite.role as Role, email: invite.email, expiresAt: iso(invite.expires_at) };
    },

    /**
     * The first sign-up on an install becomes instance admin and owner of the
     * first workspace. After that: with an invite, or when open sign-up is on
     * (then the person gets a workspace of their own), else refused.
     */
    async signup(body: SignupBodyT, meta: RequestMeta): Promise<SessionGrant> {
      const email = normaliseEmail(body.email);
      const name = body.name.trim();
      if (!name) throw new AppError(400, 'validation_failed', 'Your name is required.', { fields: { name: 'must not be blank' } });
      const passwordHash = await hashPassword(body.password);
      try {
        return await db.transaction().execute(async (tx) => {
          const now = clock.now();
          const userId = newId(now);
          // Who may sign up is settled before the email is looked at: a closed install, or a
          // made-up invite token, must not tell a stranger whether an account exists.
          const firstRun = await claimSetting(tx, 'first_user_id', JSON.stringify(userId));
          if (!firstRun && !body.inviteToken && !(await instance.read(tx)).openSignup) {
            throw new AppError(
              403,
              'signup_closed',
              'Sign-up on this WaSphere is by invitation. Ask your administrator for an invite link.',
            );
          }
          const invite = body.inviteToken ? await loadValidInvite(body.inviteToken, tx) : null;
          if (await repo.findUserByEmail(tx, email))
            throw conflict('An account with this email already exists. Sign in instead.', 'email_taken');
          await repo.insertUser(tx, {
            id: userId,
            name,
            email,
            password_hash: passwordHash,
            is_instance_admin: firstRun ? 1 : 0,
            analytics_consent: body.analyticsConsent ? 1 : 0,
            created_at: now,
            updated_at: now,
          });
          await repo.insertConsentEvent(tx, {
            id: newId(now),
            user_id: userId,
            kind: 'analytics',
            granted: body.analyticsConsent ? 1 : 0,
            source: 'signup',
            created_at: now,
          });
          if (invite) {
            await joinByInvite(invite, { id: userId, email, name }, meta, tx);
          } else {
            await workspaces.createForOwner(
              { userId, name },
              { name: firstRun ? 'My store' : `${name.split(' ')[0]}'s workspace` },
              meta,
              tx,
            );
          }
          await activity.recordForUser(userId, { action: 'auth.signup', actor: { userId, name }, ip: meta.ip, details: { firstRun } }, tx);
          const token = await openSession(userId, meta, tx);
          return { token, maxAgeSeconds: ttlMs / 1000, me: await me(userId, tx) };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('An account with this email already exists. Sign in instead.', 'email_taken');
        throw error;
      }
    },

    async login(body: LoginBodyT, meta: RequestMeta): Promise<SessionGrant> {
      const email = normaliseEmail(body.email);
      const now = clock.now();
      const accountKey = `login:account:${email}`;
      const ipKey = `login:ip:${meta.ip ?? 'unknown'}`;
      const wait = Math.max(
        await blockedForSeconds(db, accountKey, LOGIN_LIMITS.account, now),
        await blockedForSeconds(db, ipKey, LOGIN_LIMITS.ip, now),
      );
      if (wait > 0) {
        await activity.record(null, { action: 'auth.login_rate_limited', ip: meta.ip, details: { email } });
        throw new AppError(
          429,
          'rate_limited',
          `Too many failed sign-ins. Try again in ${count(Math.ceil(wait / 60), 'minute')}.`,
          { retryAfterSeconds: wait },
          { 'retry-after': String(wait) },
        );
      }
      const user = await repo.findUserByEmail(db, email);
      const ok = user ? await verifyPassword(user.password_hash, body.password) : (await burnPasswordCheck(body.password), false);
      if (!user || !ok) {
        await recordFailure(db, accountKey, LOGIN_LIMITS.account, now);
        await recordFailure(db, ipKey, LOGIN_LIMITS.ip, now);
        const event = {
          action: 'auth.login_failed',
          actor: user ? { userId: user.id, name: user.name } : null,
          ip: meta.ip,
          details: { email },
        };
        if (user) await activity.recordForUser(user.id, event);
        else await activity.record(null, event);
        throw new AppError(401, 'invalid_credentials', 'That email and password do not match an account.');
      }
      await clearFailures(db, accountKey);
      const token = await db.transaction().execute(async (tx) => {
        await activity.recordForUser(user.id, { action: 'auth.login', actor: { userId: user.id, name: user.name }, ip: meta.ip }, tx);
        return openSession(user.id, meta, tx);
      });
      return { token, maxAgeSeconds: ttlMs / 1000, me: await me(user.id) };
    },

    /** Resolves a cookie token to its caller, sliding the expiry forward now and then. */
    async authenticate(token: string, meta: RequestMeta): Promise<Caller | null> {
      const now = clock.now();
      const session = await repo.findLiveSession(db, hashToken(token), now);
      if (!session) return null;
      if (now - session.last_seen_at > TOUCH_INTERVAL_MS) await repo.touchSession(db, session.session_id, now, now + ttlMs);
      return {
        userId: session.user_id,
        sessionId: session.session_id,
        name: session.name,
        email: session.email,
        isInstanceAdmin: session.is_instance_admin === 1,
        ip: meta.ip,
      };
    },

    async logout(caller: Caller): Promise<void> {
      if (caller.sessionId) await repo.deleteSession(db, caller.sessionId);
      await activity.recordForUser(caller.userId, {
        action: 'auth.logout',
        actor: { userId: caller.userId, name: caller.name },
        ip: caller.ip,
      });
    },

    async logoutEverywhere(caller: Caller): Promise<void> {
      await repo.deleteSessionsOfUser(db, caller.userId);
      await activity.recordForUser(caller.userId, {
        action: 'auth.logout_all',
        actor: { userId: caller.userId, name: caller.name },
        ip: caller.ip,
      });
    },

    async acceptInvite(caller: Caller, token: string): Promise<MeDtoT> {
      return db.transaction().execute(async (tx) => {
        const invite = await loadValidInvite(token, tx);
        const existing = await listWorkspacesOfUser(tx, caller.userId, 1000);
        if (existing.some((w) => w.id === invite.workspace_id)) throw conflict('You are already a member of this workspace.');
        await joinByInvite(invite, { id: caller.userId, email: caller.email, name: caller.name }, { ip: caller.ip, userAgent: null }, tx);
        return me(caller.userId, tx);
      });
    },

    async updateProfile(caller: Caller, body: UpdateMeBodyT): Promise<MeDtoT> {
      const patch: Partial<repo.UserRow> = { updated_at: clock.now() };
      if (body.name !== undefined) {
        if (!body.name.trim())
          throw new AppError(400, 'validation_failed', 'Your name is required.', { fields: { name: 'must not be blank' } });
        patch.name = body.name.trim();
      }
      if (body.email !== undefined) {
        const email = normaliseEmail(body.email);
        const other = await repo.findUserByEmail(db, email);
        if (other && other.id !== caller.userId) throw conflict('Another account already uses this email.', 'email_taken');
        patch.email = email;
      }
      const consentChange = body.analyticsConsent;
      if (consentChange !== undefined) patch.analytics_consent = consentChange ? 1 : 0;
      const actor = { userId: caller.userId, name: patch.name ?? caller.name };
      try {
        await db.transaction().execute(async (tx) => {
          await repo.updateUser(tx, caller.userId, patch);
          const profileFields = Object.keys(body).filter((k) => k !== 'analyticsConsent');
          if (profileFields.length > 0) {
            await activity.recordForUser(
              caller.userId,
              { action: 'user.profile_updated', actor, ip: caller.ip, details: { fields: profileFields } },
              tx,
            );
          }
          if (consentChange !== undefined) {
            // Every consent change is kept with its time and source, as proof of what the person chose.
            await repo.insertConsentEvent(tx, {
              id: newId(),
              user_id: caller.userId,
              kind: 'analytics',
              granted: consentChange ? 1 : 0,
              source: 'settings',
              created_at: clock.now(),
            });
            await activity.recordForUser(
              caller.userId,
              { action: 'user.consent_changed', actor, ip: caller.ip, details: { analytics: consentChange } },
              tx,
            );
          }
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('Another account already uses this email.', 'email_taken');
        throw error;
      }
      return me(caller.userId);
    },

    /** Changing the password ends every other session: a stolen cookie stops working. */
    async changePassword(caller: Caller, body: ChangePasswordBodyT): Promise<void> {
      const user = await repo.findUserById(db, caller.userId);
      if (!user) throw unauthenticated();
      if (!(await verifyPassword(user.password_hash, body.currentPassword))) {
        throw new AppError(400, 'wrong_password', 'The current password is not correct.', {
          fields: { currentPassword: 'is not correct' },
        });
      }
      const passwordHash = await hashPassword(body.newPassword);
      await db.transaction().execute(async (tx) => {
        await repo.updateUser(tx, caller.userId, { password_hash: passwordHash, updated_at: clock.now() });
        await repo.deleteSessionsOfUser(tx, caller.userId, caller.sessionId ?? undefined);
        await activity.recordForUser(
          caller.userId,
          { action: 'auth.password_changed', actor: { userId: caller.userId, name: caller.name }, ip: caller.ip },
          tx,
        );
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
