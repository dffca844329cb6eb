import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/server/lib/ids.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { firstOwner, inviteTo, memberOf, ownerOfNewWorkspace, type CreatedInvite, type Person } from '../support/factories.js';
import { as, call, expectError } from '../support/http.js';
import { exampleRequest, fillPath, label, openApiDocument, operations, type OpenApiDocument, type Operation } from '../support/openapi.js';

/**
 * A member of workspace A must learn nothing about workspace B: every route under
 * /workspaces/{workspaceId} answers 404 not_found for B's id, exactly as for an id
 * that does not exist, and B's data is unchanged afterwards.
 */
describe('tenant isolation', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let a: Person & { workspaceId: string };
  let b: Person & { workspaceId: string };
  let bAgent: Person;
  let bInvite: CreatedInvite;
  let workspaceOps: Operation[];

  beforeAll(async () => {
    t = await createTestApp();
    a = await firstOwner(t.app, 'Alice of A');
    b = await ownerOfNewWorkspace(t.app, a, 'Bob of B');
    bAgent = await memberOf(t.app, b.cookie, b.workspaceId, 'agent', 'Agent of B');
    bInvite = await inviteTo(t.app, b.cookie, b.workspaceId, { role: 'agent' });
    doc = await openApiDocument(t.app);
    workspaceOps = operations(doc).filter((op) => op.pathParams.includes('workspaceId'));
  });
  afterAll(() => t?.close());

  /** Path values that exist in B: its members and invites, else a well-formed id. */
  const valuesIn =
    (workspaceId: string) =>
    (op: Operation): Record<string, string> =>
      Object.fromEntries(
        op.pathParams.map((name) => [
          name,
          name === 'workspaceId' ? workspaceId : name === 'userId' ? bAgent.me.user.id : name === 'inviteId' ? bInvite.id : newId(),
        ]),
      );

  const request = (op: Operation, url: string, cookie: string) => call(t.app, op.method, url, { cookie, ...exampleRequest(op, doc) });

  async function snapshotOfB() {
    const client = as(t.app, b.cookie);
    return {
      workspace: (await client.get(`/api/v1/workspaces/${b.workspaceId}`)).json() as unknown,
      members: (await client.get(`/api/v1/workspaces/${b.workspaceId}/members`)).json() as unknown,
      invites: (await client.get(`/api/v1/workspaces/${b.workspaceId}/invites`)).json() as unknown,
    };
  }

  it('covers the workspace routes the OpenAPI document lists', () => {
    const covered = workspaceOps.map(label);
    for (const expected of [
      'GET /api/v1/workspaces/{workspaceId}',
      'DELETE /api/v1/workspaces/{workspaceId}',
      'POST /api/v1/workspaces/{workspaceId}/members',
      'DELETE /api/v1/workspaces/{workspaceId}/invites/{inviteId}',
      'GET /api/v1/workspaces/{workspaceId}/activity',
    ]) {
      expect(covered).toContain(expected);
    }
  });

  it("answers 404 not_found on every route of B's workspace, and B is unchanged", async () => {
    const before = await snapshotOfB();
    const answers: string[] = [];
    for (const op of workspaceOps) {
      const response = await request(op, fillPath(op.path, valuesIn(b.workspaceId)(op)), a.cookie);
      expectError(response, 404, 'not_found', label(op));
      answers.push(response.json<{ error: { message: string } }>().error.message);
    }
    expect(answers).toHaveLength(workspaceOps.length);
    expect(await snapshotOfB()).toEqual(before);
  });

  it('answers exactly as for a workspace that does not exist', async () => {
    for (const op of workspaceOps) {
      const ofB = await request(op, fillPath(op.path, valuesIn(b.workspaceId)(op)), a.cookie);
      const missing = await request(op, fillPath(op.path, valuesIn(newId())(op)), a.cookie);
      expect({ status: ofB.statusCode, body: ofB.json() as unknown }, label(op)).toEqual({
        status: missing.statusCode,
        body: missing.json() as unknown,
      });
    }
  });

  it("refuses B's member and invite ids used through A's workspace path", async () => {
    const before = await snapshotOfB();
    const subResources = workspaceOps.filter((op) => op.pathParams.some((p) => p === 'userId' || p === 'inviteId'));
    expect(subResources.length).toBeGreaterThanOrEqual(4);
    for (const op of subResources) {
      expectError(
        await request(op, fillPath(op.path, valuesIn(a.workspaceId)(op)), a.cookie),
        404,
        'not_found',
        `${label(op)} with B's ids in A`,
      );
    }
    expect(await snapshotOfB()).toEqual(before);
    expect((await call(t.app, 'GET', `/api/v1/auth/invites/${bInvite.token}`)).json()).toMatchObject({ role: 'agent' });
  });

  it("B's activity log does not leak through filters or CSV export", async () => {
    const base = `/api/v1/workspaces/${b.workspaceId}/activity`;
    for (const query of ['?format=csv', `?actorId=${b.me.user.id}`, '?action=member.added']) {
      expectError(await as(t.app, a.cookie).get(base + query), 404, 'not_found', query);
    }
    const own = (await as(t.app, a.cookie).get(`/api/v1/workspaces/${a.workspaceId}/activity?actorId=${b.me.user.id}`)).json() as {
      items: unknown[];
    };
    expect(own.items).toEqual([]);
  });

  it("does not list B in A's workspaces", async () => {
    const list = (await as(t.app, a.cookie).get('/api/v1/workspaces')).json() as { items: Array<{ id: string }> };
    expect(list.items.map((w) => w.id)).toEqual([a.workspaceId]);
  });
});
