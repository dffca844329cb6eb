/**
 * A person's own privacy rights (PRODUCT §10): a copy of their account data,
 * optional analytics that are stored only with consent, and account deletion.
 */
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import type { UsageEventsBodyT, UsageReportDtoT } from '../../../contracts/privacy.js';
import type { Db } from '../../db/database.js';
import { AppError, forbidden, unauthenticated } from '../../http/errors.js';
import { DAY_MS, iso, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { verifyPassword } from '../../lib/passwords.js';
import type { ActivityService } from '../activity/service.js';
import { findUserById } from '../auth/repo.js';
import type { Caller } from '../caller.js';
import { zipStream } from '../contacts/zip.js';
import { checkpoint, secureDelete } from './workspace-eraser.js';

/** Cells starting with = + - @ would run as formulas in spreadsheet apps. */
function csv(header: string[], rows: unknown[][]): string {
  const cells = rows.map((r) =>
    r.map((c) => (c === null || c === undefined ? '' : String(c))).map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)),
  );
  return stringify([header, ...cells]);
}

export function createPrivacyService(deps: { db: Db; clock: Clock; activity: ActivityService }) {
  const { db, clock, activity } = deps;

  async function consentOf(userId: string): Promise<boolean> {
    const row = await db.selectFrom('users').select('analytics_consent').where('id', '=', userId).executeTakeFirst();
    return row?.analytics_consent === 1;
  }

  return {
    /**
     * Everything stored about the caller as a person: profile, memberships and roles,
     * consent history, sessions (devices), their own activity entries and usage events.
     * Never a secret (password hash, session ids, invite tokens, WhatsApp keys) and
     * nothing about other people: activity entries keep action, time, workspace,
     * address and target type, but not target labels or details, which can name a
     * teammate or a customer.
     */
    async exportMine(caller: Caller): Promise<{ fileName: string; stream: AsyncIterable<Buffer> }> {
      const user = await findUserById(db, caller.userId);
      if (!user) throw unauthenticated();
      const memberships = await db
        .selectFrom('memberships as m')
        .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
        .select(['w.id', 'w.name', 'm.role', 'm.created_at'])
        .where('m.user_id', '=', user.id)
        .orderBy('w.id')
        .execute();
      const consent = await db
        .selectFrom('consent_events')
        .select(['kind', 'granted', 'source', 'created_at'])
        .where('user_id', '=', user.id)
        .orderBy('id')
        .execute();
      const sessions = await db
        .selectFrom('sessions')
        .select(['id', 'user_agent', 'ip', 'created_at', 'last_seen_at', 'expires_at'])
        .where('user_id', '=', user.id)
        .orderBy('created_at')
        .execute();
      const entries = await db
        .selectFrom('activity_log as a')
        .leftJoin('workspaces as w', 'w.id', 'a.workspace_id')
        .select(['a.created_at', 'a.workspace_id', 'w.name as workspace_name', 'a.action', 'a.target_type', 'a.ip'])
        .where('a.actor_user_id', '=', user.id)
        .orderBy('a.id')
        .limit(100_000)
        .execute();
      const usage = await db
        .selectFrom('usage_events')
        .select(['kind', 'name', 'workspace_id', 'at'])
        .where('user_id', '=', user.id)
        .orderBy('id')
        .limit(100_000)
        .execute();
      const now = clock.now();
      await activity.recordForUser(user.id, {
        action: 'user.data_exported',
        actor: { userId: user.id, name: user.name },
        ip: caller.ip,
        details: { activityEntries: entries.length },
      });

      const data = {
        exportedAt: iso(now),
        profile: {
          id: user.id,
          name: user.name,
          email: user.email,
          isInstanceAdmin: user.is_instance_admin === 1,
          analyticsConsent: user.analytics_consent === 1,
          createdAt: iso(user.created_at),
          updatedAt: iso(user.updated_at),
        },
        memberships: memberships.map((m) => ({ workspaceId: m.id, workspace: m.name, role: m.role, joinedAt: iso(m.created_at) })),
        consentHistory: consent.map((c) => ({ kind: c.kind, granted: c.granted === 1, source: c.source, at: iso(c.created_at) })),
        sessions: sessions.map((s) => ({
          device: s.user_agent,
          ip: s.ip,
          createdAt: iso(s.created_at),
          lastSeenAt: iso(s.last_seen_at),
          expiresAt: iso(s.expires_at),
          current: s.id === caller.sessionId,
        })),
        activity: entries.map((e) => ({
          at: iso(e.created_at),
          workspaceId: e.workspace_id,
          workspace: e.workspace_name,
          action: e.action,
          targetType: e.target_type,
          ip: e.ip,
        })),
        usageEvents: usage.map((u) => ({ kind: u.kind, name: u.name, workspaceId: u.workspace_id, at: iso(u.at) })),
      };
      const readme = [
        'WaSphere: a copy of your account data',
        `Exported ${iso(now)} for ${user.email}.`,
        '',
        'account.json        everything below in one file',
        'profile.csv         your name, email and settings',
        'memberships.csv     your workspaces and roles',
        'consent-history.csv every analytics choice you made, when and where',
        'sessions.csv        the devices signed in to your account',
        'activity.csv        what you did, as recorded in the activity log',
        'usage-events.csv    optional analytics stored about you (only while your consent was on)',
        '',
        'Passwords are stored only as a one-way hash and are not included; neither are session secrets.',
        '',
      ].join('\n');
      const files = [
        { name: 'README.txt', content: readme },
        { name: 'account.json', content: `${JSON.stringify(data, null, 2)}\n` },
        {
          name: 'profile.csv',
          content: csv(
            ['id', 'name', 'email', 'instance_admin', 'analytics_consent', 'created_at', 'updated_at'],
            [
              [
                data.profile.id,
                data.profile.name,
                data.profile.email,
                data.profile.isInstanceAdmin,
                data.profile.analyticsConsent,
                data.profile.createdAt,
                data.profile.updatedAt,
              ],
            ],
          ),
        },
        {
          name: 'memberships.csv',
          content: csv(
            ['workspace_id', 'workspace', 'role', 'joined_at'],
            data.memberships.map((m) => [m.workspaceId, m.workspace, m.role, m.joinedAt]),
          ),
        },
        {
          name: 'consent-history.csv',
          content: csv(
            ['kind', 'granted', 'source', 'at'],
            data.consentHistory.map((c) => [c.kind, c.granted, c.source, c.at]),
          ),
        },
        {
          name: 'sessions.csv',
          content: csv(
            ['device', 'ip', 'created_at', 'last_seen_at', 'expires_at', 'current'],
            data.sessions.map((s) => [s.device, s.ip, s.createdAt, s.lastSeenAt, s.expiresAt, s.current]),
          ),
        },
        {
          name: 'activity.csv',
          content: csv(
            ['at', 'workspace_id', 'workspace', 'action', 'target_type', 'ip'],
            data.activity.map((a) => [a.at, a.workspaceId, a.workspace, a.action, a.targetType, a.ip]),
          ),
        },
        {
          name: 'usage-events.csv',
          content: csv(
            ['kind', 'name', 'workspace_id', 'at'],
            data.usageEvents.map((u) => [u.kind, u.name, u.workspaceId, u.at]),
          ),
        },
      ];
      async function* entriesOf() {
        yield* files;
      }
      return { fileName: `wasphere-my-data-${iso(now).slice(0, 10)}.zip`, stream: zipStream(entriesOf(), new Date(now)) };
    },

    /** Stores usage events only while the caller's consent is on; returns how many were stored. */
    async recordUsage(caller: Caller, body: UsageEventsBodyT): Promise<number> {
      if (!(await consentOf(caller.userId))) return 0;
      const member = new Set(
        (await db.selectFrom('memberships').select('workspace_id').where('user_id', '=', caller.userId).execute()).map(
          (m) => m.workspace_id,
        ),
      );
      const now = clock.now();
      const rows = body.events.map((e) => {
        const at = e.at ? Date.parse(e.at) : now;
        return {
          id: newId(now),
          user_id: caller.userId,
          // A workspace the caller is not in is dropped, never stored.
          workspace_id: e.workspaceId && member.has(e.workspaceId) ? e.workspaceId : null,
          kind: e.kind,
          name: e.name,
          // The browser's clock is trusted only within the last day.
          at: Number.isFinite(at) && at <= now && at > now - DAY_MS ? at : now,
        };
      });
      await db.insertInto('usage_events').values(rows).execute();
      return rows.length;
    },

    async deleteUsage(caller: Caller): Promise<number> {
      await secureDelete(db);
      const r = await db.deleteFrom('usage_events').where('user_id', '=', caller.userId).executeTakeFirst();
      const deleted = Number(r.numDeletedRows);
      await activity.recordForUser(caller.userId, {
        action: 'user.usage_data_deleted',
        actor: { userId: caller.userId, name: caller.name },
        ip: caller.ip,
        details: { deleted },
      });
      await checkpoint(db);
      return deleted;
    },

    /** Page and feature counts of the last `days` days, only of people whose consent is on now (instance admins). */
    async usageReport(caller: Caller, days: number): Promise<UsageReportDtoT> {
      if (!caller.isInstanceAdmin) throw forbidden('Only instance administrators see usage figures.');
      const since = clock.now() - days * DAY_MS;
      const base = db
        .selectFrom('usage_events as e')
        .innerJoin('users as u', 'u.id', 'e.user_id')
        .where('u.analytics_consent', '=', 1)
        .where('e.at', '>=', since);
      const counts = await base
        .select(['e.kind', 'e.name', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['e.kind', 'e.name'])
        .orderBy('n', 'desc')
        .orderBy('e.name')
        .limit(400)
        .execute();
      const people = await base.select((eb) => eb.fn.count<number>('e.user_id').distinct().as('n')).executeTakeFirstOrThrow();
      const of = (kind: string) => counts.filter((c) => c.kind === kind).map((c) => ({ name: c.name, count: Number(c.n) }));
      return { since: iso(since), days, people: Number(people.n), pageViews: of('page_view'), features: of('feature') };
    },

    /**
     * Deletes the caller's account after the password is re-entered. Refused while
     * they are the only owner of a workspace. Sessions, consent history, memberships,
     * usage events and notifications go with the users row (foreign keys); activity
     * entries stay for the workspaces' records but lose who did them ("deleted user"),
     * and the email is scrubbed from every entry; notes keep their text but not the
     * author's name; invites addressed to the email are deleted.
     */
    async deleteAccount(caller: Caller, password: string): Promise<void> {
      const user = await findUserById(db, caller.userId);
      if (!user) throw unauthenticated();
      if (!(await verifyPassword(user.password_hash, password))) {
        throw new AppError(400, 'wrong_password', 'The password is not correct.', { fields: { password: 'is not correct' } });
      }
      const owned = await db
        .selectFrom('memberships as m')
        .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
        .select(['w.id', 'w.name'])
        .where('m.user_id', '=', user.id)
        .where('m.role', '=', 'owner')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('memberships as o')
                .select('o.user_id')
                .whereRef('o.workspace_id', '=', 'm.workspace_id')
                .where('o.role', '=', 'owner')
                .where('o.user_id', '!=', user.id),
            ),
          ),
        )
        .orderBy('w.name')
        .execute();
      if (owned.length > 0) {
        throw new AppError(
          409,
          'last_owner',
          `You are the only owner of ${owned.map((w) => `“${w.name}”`).join(', ')}. Make someone else owner or delete the workspace first.`,
          { workspaces: owned.map((w) => ({ id: w.id, name: w.name })) },
        );
      }
      const email = user.email.toLowerCase();
      await secureDelete(db);
      await db.transaction().execute(async (tx) => {
        // Recorded without personal data, in each workspace the person leaves.
        await activity.recordForUser(
          user.id,
          { action: 'user.deleted', actor: null, ip: null, target: { type: 'user', id: null, label: null } },
          tx,
        );
        await tx
          .updateTable('activity_log')
          .set({ actor_user_id: null, actor_name: null, actor_deleted: 1 })
          .where('actor_user_id', '=', user.id)
          .execute();
        await tx
          .updateTable('activity_log')
          .set({ target_id: null, target_label: null })
          .where('target_type', '=', 'user')
          .where('target_id', '=', user.id)
          .execute();
        await tx
          .updateTable('activity_log')
          .set({ target_label: null })
          .where(sql<string>`lower(target_label)`, '=', email)
          .execute();
        // Every entry naming the email, in any workspace or none (a failed sign-in records the address typed).
        const withEmail = await tx
          .selectFrom('activity_log')
          .select(['id', 'details'])
          .where(sql<string>`lower(details)`, 'like', `%${email}%`)
          .execute();
        for (const row of withEmail) {
          const scrubbed = row.details.replace(new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), 'deleted user');
          await tx.updateTable('activity_log').set({ details: scrubbed }).where('id', '=', row.id).execute();
        }
        await tx.updateTable('notes').set({ author_name: null }).where('author_user_id', '=', user.id).execute();
        await tx
          .deleteFrom('invites')
          .where(sql<string>`lower(email)`, '=', email)
          .execute();
        await tx.deleteFrom('rate_limits').where('key', '=', `login:account:${email}`).execute();
        await tx.deleteFrom('users').where('id', '=', user.id).execute();
      });
      await checkpoint(db);
    },
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
