import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fakeClock } from '../../../test/support/clock.js';
import { newId } from '../lib/ids.js';
import { hashPassword, verifyPassword } from '../lib/passwords.js';
import { createActivityService } from '../modules/activity/service.js';
import * as users from '../modules/auth/repo.js';
import { createWorkspaceAccess } from '../modules/workspaces/access.js';
import * as workspaces from '../modules/workspaces/repo.js';
import { runAdmin, type AdminDeps } from './admin-commands.js';

const PASSWORD = 'a long enough password';

describe('admin command line', () => {
  let database: TestDatabase;
  let deps: AdminDeps;
  const clock = fakeClock();
  let out: string[];
  let errors: string[];
  let prompts: string[];
  let typed: string;

  beforeEach(async () => {
    database = await openTestDatabase();
    deps = {
      db: database.db,
      clock,
      activity: createActivityService({ db: database.db, clock, access: createWorkspaceAccess({ db: database.db }) }),
    };
    out = [];
    errors = [];
    prompts = [];
    typed = PASSWORD;
  });
  afterEach(() => database.destroy());

  const admin = (...argv: string[]) =>
    runAdmin(argv, deps, {
      out: (line) => out.push(line),
      error: (line) => errors.push(line),
      readPassword: async (prompt) => (prompts.push(prompt), typed),
    });
  const userByEmail = (email: string) => users.findUserByEmail(database.db, email);
  const activity = (action: string) => database.db.selectFrom('activity_log').selectAll().where('action', '=', action).execute();

  async function workspace(name: string, members: number): Promise<string> {
    const id = newId(clock.now());
    await workspaces.insertWorkspace(database.db, {
      id,
      name,
      time_zone: 'UTC',
      country: 'GB',
      log_retention_days: 30,
      created_at: clock.now(),
      updated_at: clock.now(),
    });
    for (let i = 0; i < members; i++) {
      const userId = newId();
      await users.insertUser(database.db, {
        id: userId,
        name: `M${i}`,
        email: `${userId}@example.test`,
        password_hash: 'x',
        is_instance_admin: 0,
        analytics_consent: 0,
        created_at: 0,
        updated_at: 0,
      });
      await workspaces.insertMembership(database.db, {
        workspace_id: id,
        user_id: userId,
        role: i === 0 ? 'owner' : 'agent',
        created_at: 0,
      });
    }
    return id;
  }

  it('prints help', async () => {
    expect(await admin('help')).toBe(0);
    expect(out.join('\n')).toMatch(/create-user[\s\S]*reset-password[\s\S]*list-workspaces/);
  });

  it('creates a user with an argon2id hash and logs it as done from the command line', async () => {
    expect(await admin('create-user', '--email', ' Ada@Example.TEST ', '--name', 'Ada Lovelace', '--password', PASSWORD)).toBe(0);
    const user = await userByEmail('ada@example.test');
    expect(user).toMatchObject({ name: 'Ada Lovelace', is_instance_admin: 0 });
    expect(user!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user!.password_hash, PASSWORD)).toBe(true);
    expect(prompts).toEqual([]);
    expect(await activity('admin.user_created')).toEqual([
      expect.objectContaining({ actor_user_id: null, actor_name: 'command line', target_id: user!.id, workspace_id: null }),
    ]);
    expect(out.join('\n')).toContain(user!.id);
  });

  it('adds the new user to a workspace with a role, as instance admin, asking for the password', async () => {
    const ws = await workspace('Shop', 1);
    typed = 'typed at the prompt';
    expect(
      await admin('create-user', '--email=grace@example.test', '--name', 'Grace', '--workspace', ws, '--role', 'admin', '--instance-admin'),
    ).toBe(0);
    const user = (await userByEmail('grace@example.test'))!;
    expect(user.is_instance_admin).toBe(1);
    expect(await workspaces.findRole(database.db, ws, user.id)).toBe('admin');
    expect(prompts).toHaveLength(1);
    expect(await verifyPassword(user.password_hash, 'typed at the prompt')).toBe(true);
    expect(await activity('admin.user_created')).toEqual([expect.objectContaining({ workspace_id: ws, actor_name: 'command line' })]);
  });

  it.each([
    ['an unknown command', ['make-coffee'], /Unknown command/],
    ['a missing email', ['create-user', '--name', 'X', '--password', PASSWORD], /--email is required/],
    ['a missing name', ['create-user', '--email', 'x@example.test', '--password', PASSWORD], /--name is required/],
    ['a malformed email', ['create-user', '--email', 'not-an-email', '--name', 'X', '--password', PASSWORD], /not an email/],
    ['an unknown option', ['create-user', '--email', 'x@example.test', '--name', 'X', '--colour', 'red'], /Unknown option --colour/],
    ['an option without value', ['create-user', '--email', 'x@example.test', '--name'], /--name needs a value/],
    [
      'a workspace without a role',
      ['create-user', '--email', 'x@example.test', '--name', 'X', '--password', PASSWORD, '--workspace', 'ws1'],
      /go together/,
    ],
    [
      'an unknown role',
      ['create-user', '--email', 'x@example.test', '--name', 'X', '--password', PASSWORD, '--workspace', 'ws1', '--role', 'boss'],
      /--role must be one of/,
    ],
    [
      'a password under 10 characters',
      ['create-user', '--email', 'x@example.test', '--name', 'X', '--password', 'short'],
      /at least 10 characters/,
    ],
    ['a stray argument', ['list-workspaces', 'now'], /Unexpected argument/],
  ])('refuses %s with exit code 2 and changes nothing', async (_what, argv, message) => {
    expect(await admin(...argv)).toBe(2);
    expect(errors.join('\n')).toMatch(message);
    expect(await users.countUsers(database.db)).toBe(0);
  });

  it('refuses a too-short password typed at the prompt', async () => {
    typed = 'short';
    expect(await admin('create-user', '--email', 'x@example.test', '--name', 'X')).toBe(2);
    expect(await users.countUsers(database.db)).toBe(0);
  });

  it('refuses an email that is taken (in any case) and an unknown workspace with exit code 1', async () => {
    expect(await admin('create-user', '--email', 'taken@example.test', '--name', 'First', '--password', PASSWORD)).toBe(0);
    expect(await admin('create-user', '--email', 'TAKEN@example.test', '--name', 'Second', '--password', PASSWORD)).toBe(1);
    expect(errors.join('\n')).toMatch(/already exists/);
    expect(
      await admin(
        'create-user',
        '--email',
        'new@example.test',
        '--name',
        'New',
        '--password',
        PASSWORD,
        '--workspace',
        'no-such-ws',
        '--role',
        'agent',
      ),
    ).toBe(1);
    expect(errors.join('\n')).toMatch(/no workspace with the id no-such-ws/);
    expect(await users.countUsers(database.db)).toBe(1);
  });

  it("resets a password, ends that person's sessions only, and logs it", async () => {
    const ws = await workspace('Shop', 0);
    for (const email of ['reset@example.test', 'bystander@example.test']) {
      expect(
        await admin(
          'create-user',
          '--email',
          email,
          '--name',
          email.split('@')[0]!,
          '--password',
          PASSWORD,
          '--workspace',
          ws,
          '--role',
          'agent',
        ),
      ).toBe(0);
    }
    const user = (await userByEmail('reset@example.test'))!;
    const bystander = (await userByEmail('bystander@example.test'))!;
    for (const u of [user, user, bystander]) {
      await users.insertSession(database.db, {
        id: newId(),
        user_id: u.id,
        ip: null,
        user_agent: null,
        created_at: clock.now(),
        last_seen_at: clock.now(),
        expires_at: clock.now() + 1e9,
      });
    }

    expect(await admin('reset-password', '--email', 'RESET@example.test', '--password', 'the new password')).toBe(0);
    const after = (await userByEmail('reset@example.test'))!;
    expect(await verifyPassword(after.password_hash, 'the new password')).toBe(true);
    expect(await verifyPassword(after.password_hash, PASSWORD)).toBe(false);
    const sessions = await database.db.selectFrom('sessions').select('user_id').execute();
    expect(sessions).toEqual([{ user_id: bystander.id }]);
    expect(await activity('admin.password_reset')).toEqual([
      expect.objectContaining({ workspace_id: ws, actor_name: 'command line', target_id: user.id }),
    ]);
  });

  it('refuses to reset the password of an unknown email (1) or to a too-short one (2)', async () => {
    expect(await admin('reset-password', '--email', 'ghost@example.test', '--password', PASSWORD)).toBe(1);
    expect(errors.join('\n')).toMatch(/No account has the email ghost@example.test/);
    const hash = await hashPassword(PASSWORD);
    await users.insertUser(database.db, {
      id: newId(),
      name: 'K',
      email: 'k@example.test',
      password_hash: hash,
      is_instance_admin: 0,
      analytics_consent: 0,
      created_at: 0,
      updated_at: 0,
    });
    expect(await admin('reset-password', '--email', 'k@example.test', '--password', 'short')).toBe(2);
    expect((await userByEmail('k@example.test'))!.password_hash).toBe(hash);
    expect(await activity('admin.password_reset')).toEqual([]);
  });

  it('lists workspaces with member counts', async () => {
    expect(await admin('list-workspaces')).toBe(0);
    expect(out).toEqual(['No workspaces yet.']);
    out = [];
    const a = await workspace('Alpha shop', 3);
    clock.advance(1000);
    const b = await workspace('Empty brand', 0);
    expect(await admin('list-workspaces')).toBe(0);
    expect(out).toEqual([
      'id\tmembers\tcreated\tname',
      `${a}\t3\t${new Date(clock.now() - 1000).toISOString()}\tAlpha shop`,
      `${b}\t0\t${new Date(clock.now()).toISOString()}\tEmpty brand`,
    ]);
  });
});
