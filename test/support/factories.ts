import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { MeDtoT } from '../../src/contracts/auth.js';
import type { Role } from '../../src/contracts/common.js';
import type { Db } from '../../src/server/db/database.js';
import { newId } from '../../src/server/lib/ids.js';
import type { Caller } from '../../src/server/modules/caller.js';
import { insertTestWorkspace } from './numbers.js';

let counter = 0;
/** A unique email per call, so tests never collide on the unique constraint. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}@example.test`;
}

export const PASSWORD = 'correct horse battery staple';

export function sessionCookie(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const session = all.find((c) => c.startsWith('wasphere_session='));
  if (!session) throw new Error(`no session cookie in response ${response.statusCode}: ${response.body}`);
  return session.split(';')[0]!;
}

export interface Person {
  cookie: string;
  me: MeDtoT;
  email: string;
  password: string;
}

/** Signs up through the API (first run, invite token, or open sign-up). */
export async function signUp(
  app: FastifyInstance,
  options: { name?: string; email?: string; inviteToken?: string; analyticsConsent?: boolean } = {},
): Promise<Person> {
  const email = options.email ?? uniqueEmail();
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: {
      name: options.name ?? 'Test Person',
      email,
      password: PASSWORD,
      analyticsConsent: options.analyticsConsent ?? false,
      ...(options.inviteToken ? { inviteToken: options.inviteToken } : {}),
    },
  });
  if (response.statusCode !== 201) throw new Error(`sign-up failed ${response.statusCode}: ${response.body}`);
  return { cookie: sessionCookie(response), me: response.json(), email, password: PASSWORD };
}

export async function signIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed ${response.statusCode}: ${response.body}`);
  return sessionCookie(response);
}

/** The install's first user: instance admin and owner of the first workspace. */
export async function firstOwner(app: FastifyInstance, name = 'First Owner'): Promise<Person & { workspaceId: string }> {
  const person = await signUp(app, { name });
  return { ...person, workspaceId: person.me.workspaces[0]!.id };
}

/**
 * Another owner with a workspace of their own that `admin` is not a member of
 * (open sign-up is off by default, so the admin creates it and steps out).
 */
export async function ownerOfNewWorkspace(
  app: FastifyInstance,
  admin: Person,
  name = 'Second Owner',
): Promise<Person & { workspaceId: string }> {
  const ws = await app.inject({
    method: 'POST',
    url: '/api/v1/workspaces',
    headers: { cookie: admin.cookie },
    payload: { name: `${name}'s shop` },
  });
  if (ws.statusCode !== 201) throw new Error(`creating workspace failed ${ws.statusCode}: ${ws.body}`);
  const workspaceId = (ws.json() as { id: string }).id;
  const owner = await memberOf(app, admin.cookie, workspaceId, 'owner', name);
  const leave = await app.inject({
    method: 'DELETE',
    url: `/api/v1/workspaces/${workspaceId}/members/${admin.me.user.id}`,
    headers: { cookie: admin.cookie },
  });
  if (leave.statusCode !== 204) throw new Error(`admin could not leave ${leave.statusCode}: ${leave.body}`);
  return { ...owner, workspaceId };
}

/** Adds a member with a role to a workspace (through the admin "create login" route) and signs them in. */
export async function memberOf(
  app: FastifyInstance,
  adminCookie: string,
  workspaceId: string,
  role: Role,
  name = `A ${role}`,
): Promise<Person> {
  const email = uniqueEmail(role);
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${workspaceId}/members`,
    headers: { cookie: adminCookie },
    payload: { name, email, password: PASSWORD, role },
  });
  if (response.statusCode !== 201) throw new Error(`adding member failed ${response.statusCode}: ${response.body}`);
  const cookie = await signIn(app, email);
  const me = (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json() as MeDtoT;
  return { cookie, me, email, password: PASSWORD };
}

export interface CreatedInvite {
  id: string;
  url: string;
  /** The secret part of the link, as the invitee's browser sends it back. */
  token: string;
}

/** Creates an invite link through the API and returns its id and token. */
export async function inviteTo(
  app: FastifyInstance,
  adminCookie: string,
  workspaceId: string,
  body: { role: Role; email?: string; expiresInDays?: number },
): Promise<CreatedInvite> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${workspaceId}/invites`,
    headers: { cookie: adminCookie },
    payload: body,
  });
  if (response.statusCode !== 201) throw new Error(`creating invite failed ${response.statusCode}: ${response.body}`);
  const invite = response.json() as { id: string; url: string };
  return { id: invite.id, url: invite.url, token: new URL(invite.url).pathname.split('/').pop()! };
}

/** Turns open sign-up on or off (the caller must be an instance administrator). */
export async function setOpenSignup(app: FastifyInstance, adminCookie: string, openSignup: boolean): Promise<void> {
  const response = await app.inject({
    method: 'PATCH',
    url: '/api/v1/instance/settings',
    headers: { cookie: adminCookie },
    payload: { openSignup },
  });
  if (response.statusCode !== 200) throw new Error(`changing instance settings failed ${response.statusCode}: ${response.body}`);
}

/**
 * A workspace and its owner as rows, for benches and tests that call services
 * directly (no HTTP sign-up); returns the workspace id and the owner as a caller.
 */
export async function insertTestOwner(
  db: Db,
  options: { now?: number; name?: string; email?: string } = {},
): Promise<{ workspaceId: string; caller: Caller }> {
  const now = options.now ?? Date.now();
  const workspaceId = await insertTestWorkspace(db, { now });
  const caller: Caller = {
    userId: newId(now),
    name: options.name ?? 'Owner',
    email: options.email ?? uniqueEmail('owner'),
    sessionId: null,
    isInstanceAdmin: true,
    ip: null,
  };
  await db
    .insertInto('users')
    .values({
      id: caller.userId,
      name: caller.name,
      email: caller.email,
      password_hash: 'x',
      is_instance_admin: 1,
      analytics_consent: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('memberships')
    .values({ workspace_id: workspaceId, user_id: caller.userId, role: 'owner', created_at: now })
    .execute();
  return { workspaceId, caller };
}
