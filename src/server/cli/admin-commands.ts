import { ROLES, type Role } from '../../contracts/common.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import { iso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { hashPassword } from '../lib/passwords.js';
import type { ActivityService } from '../modules/activity/service.js';
import * as users from '../modules/auth/repo.js';
import { normaliseEmail } from '../modules/auth/service.js';
import * as workspaces from '../modules/workspaces/repo.js';

/** A problem the operator can fix; `exitCode` 2 means the command line itself was wrong. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
const usage = (message: string) => new CliError(`${message}\nRun "npm run admin -- help" for the commands.`, 2);

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 256;
/** The activity log's actor for changes made on the server's command line. */
export const CLI_ACTOR = { userId: null, name: 'command line' } as const;

export const HELP = `WaSphere administration (run on the server: npm run admin -- <command>)

  create-user --email E --name N [--password P] [--workspace WS_ID --role owner|admin|agent] [--instance-admin]
      Creates an account. Without --password the password is asked for (or read from stdin).
  reset-password --email E [--password P]
      Sets a new password and ends all of that person's sessions.
  list-workspaces
      Every workspace with its id, name, member count and creation time.
  help
      This text.

Passwords need at least ${MIN_PASSWORD_LENGTH} characters. Exit codes: 0 done, 1 failed, 2 bad command line.
`;

export interface AdminDeps {
  db: Db;
  clock: Clock;
  activity: Pick<ActivityService, 'record' | 'recordForUser'>;
}

export interface AdminIo {
  out(line: string): void;
  /** Asks for a password when none was given on the command line. */
  readPassword(prompt: string): Promise<string>;
}

interface ParsedArgs {
  command: string;
  flags: Map<string, string | true>;
}

const COMMAND_FLAGS: Record<string, { values: string[]; switches: string[] }> = {
  'create-user': { values: ['email', 'name', 'password', 'workspace', 'role'], switches: ['instance-admin'] },
  'reset-password': { values: ['email', 'password'], switches: [] },
  'list-workspaces': { values: [], switches: [] },
  help: { values: [], switches: [] },
};

/** `create-user --email a@b --name "A B"` → command and flags; unknown or incomplete flags are refused. */
export function parseArgs(argv: string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const known = COMMAND_FLAGS[command === '--help' || command === '-h' ? 'help' : command];
  if (!known) throw usage(`Unknown command "${command}".`);
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw usage(`Unexpected argument "${arg}".`);
    const [, name, inline] = match as unknown as [string, string, string | undefined];
    if (flags.has(name)) throw usage(`--${name} is given twice.`);
    if (known.switches.includes(name)) {
      if (inline !== undefined) throw usage(`--${name} takes no value.`);
      flags.set(name, true);
    } else if (known.values.includes(name)) {
      const value = inline ?? rest[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw usage(`--${name} needs a value.`);
      flags.set(name, value);
    } else {
      throw usage(`Unknown option --${name} for ${command}.`);
    }
  }
  return { command: command === '--help' || command === '-h' ? 'help' : command, flags };
}

function text(flags: Map<string, string | true>, name: string): string | undefined {
  const value = flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

function requireText(flags: Map<string, string | true>, name: string): string {
  const value = text(flags, name)?.trim();
  if (!value) throw usage(`--${name} is required.`);
  return value;
}

function checkEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw usage(`"${raw}" is not an email address.`);
  return email;
}

async function passwordFrom(flags: Map<string, string | true>, io: AdminIo): Promise<string> {
  const password = text(flags, 'password') ?? (await io.readPassword('New password: '));
  if (password.length < MIN_PASSWORD_LENGTH) throw usage(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (password.length > MAX_PASSWORD_LENGTH) throw usage(`The password may have at most ${MAX_PASSWORD_LENGTH} characters.`);
  return password;
}

export async function createUser(deps: AdminDeps, io: AdminIo, flags: Map<string, string | true>): Promise<{ userId: string }> {
  const email = checkEmail(requireText(flags, 'email'));
  const name = requireText(flags, 'name');
  if (name.length > 120) throw usage('--name may have at most 120 characters.');
  const workspaceId = text(flags, 'workspace')?.trim();
  const role = text(flags, 'role')?.trim();
  if (Boolean(workspaceId) !== Boolean(role)) throw usage('--workspace and --role go together.');
  if (role !== undefined && !(ROLES as readonly string[]).includes(role)) throw usage(`--role must be one of ${ROLES.join(', ')}.`);
  const instanceAdmin = flags.get('instance-admin') === true;

  if (await users.findUserByEmail(deps.db, email)) throw new CliError(`An account with the email ${email} already exists.`);
  if (workspaceId && !(await workspaces.findWorkspace(deps.db, workspaceId)))
    throw new CliError(`There is no workspace with the id ${workspaceId}. See list-workspaces.`);
  const passwordHash = await hashPassword(await passwordFrom(flags, io));

  const now = deps.clock.now();
  const userId = newId(now);
  await deps.db.transaction().execute(async (tx) => {
    await users.insertUser(tx, {
      id: userId,
      name,
      email,
      password_hash: passwordHash,
      is_instance_admin: instanceAdmin ? 1 : 0,
      analytics_consent: 0,
      created_at: now,
      updated_at: now,
    });
    if (workspaceId && role)
      await workspaces.insertMembership(tx, { workspace_id: workspaceId, user_id: userId, role: role as Role, created_at: now });
    await deps.activity.recordForUser(
      userId,
      {
        action: 'admin.user_created',
        actor: CLI_ACTOR,
        target: { type: 'user', id: userId, label: name },
        details: { role: role ?? null, instanceAdmin },
      },
      tx,
    );
  });
  io.out(
    `Created ${name} <${email}> (id ${userId})${workspaceId ? ` as ${role} of workspace ${workspaceId}` : ''}${instanceAdmin ? ', instance administrator' : ''}.`,
  );
  return { userId };
}

export async function resetPassword(deps: AdminDeps, io: AdminIo, flags: Map<string, string | true>): Promise<void> {
  const email = checkEmail(requireText(flags, 'email'));
  const user = await users.findUserByEmail(deps.db, email);
  if (!user) throw new CliError(`No account has the email ${email}.`);
  const passwordHash = await hashPassword(await passwordFrom(flags, io));
  await deps.db.transaction().execute(async (tx) => {
    await users.updateUser(tx, user.id, { password_hash: passwordHash, updated_at: deps.clock.now() });
    await users.deleteSessionsOfUser(tx, user.id);
    await deps.activity.recordForUser(
      user.id,
      { action: 'admin.password_reset', actor: CLI_ACTOR, target: { type: 'user', id: user.id, label: user.name } },
      tx,
    );
  });
  io.out(`Set a new password for ${user.name} <${email}> and ended their sessions.`);
}

export interface WorkspaceSummary {
  id: string;
  name: string;
  members: number;
  createdAt: string;
}

/** Every workspace on the install; the one query the dashboard never needs (it lists only the caller's). */
export async function listWorkspaces(deps: Pick<AdminDeps, 'db'>, io: AdminIo): Promise<WorkspaceSummary[]> {
  const rows = await deps.db
    .selectFrom('workspaces as w')
    .leftJoin('memberships as m', 'm.workspace_id', 'w.id')
    .select(['w.id', 'w.name', 'w.created_at'])
    .select((eb) => eb.fn.count<number>('m.user_id').as('members'))
    .groupBy(['w.id', 'w.name', 'w.created_at'])
    .orderBy('w.id')
    .execute();
  const list = rows.map((r) => ({ id: r.id, name: r.name, members: Number(r.members), createdAt: iso(r.created_at) }));
  if (list.length === 0) io.out('No workspaces yet.');
  else {
    io.out(['id', 'members', 'created', 'name'].join('\t'));
    for (const w of list) io.out([w.id, String(w.members), w.createdAt, w.name].join('\t'));
  }
  return list;
}

/** Runs one command line; returns the process exit code. Errors are written with `io.error`. */
export async function runAdmin(argv: string[], deps: AdminDeps, io: AdminIo & { error(line: string): void }): Promise<number> {
  try {
    const { command, flags } = parseArgs(argv);
    if (command === 'help') io.out(HELP);
    else if (command === 'create-user') await createUser(deps, io, flags);
    else if (command === 'reset-password') await resetPassword(deps, io, flags);
    else await listWorkspaces(deps, io);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.error(`Error: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}
