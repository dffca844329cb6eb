import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/server/lib/ids.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { firstOwner, inviteTo, memberOf, type CreatedInvite, type Person } from '../support/factories.js';
import { call, errorFields, expectError, expectErrorShape } from '../support/http.js';
import {
  exampleFor,
  exampleRequest,
  fillPath,
  label,
  openApiDocument,
  operations,
  PUBLIC_OPERATIONS,
  wrongTypeFor,
  type OpenApiDocument,
  type Operation,
  type Schema,
} from '../support/openapi.js';

const BODY_METHODS = new Set(['POST', 'PATCH', 'PUT']);

/**
 * Whatever a client sends, the answer is a 4xx with `{error:{code,message}}`, never
 * a 500: every body-taking route of the OpenAPI document is fed missing fields,
 * wrong types, unknown fields, broken JSON, an oversized body and a wrong content type.
 */
describe('bad input never answers 500', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let owner: Person & { workspaceId: string };
  let agent: Person;
  let invite: CreatedInvite;
  let bodyOps: Operation[];
  let jsonOps: Array<Operation & { body: Schema }>;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await firstOwner(t.app);
    agent = await memberOf(t.app, owner.cookie, owner.workspaceId, 'agent');
    invite = await inviteTo(t.app, owner.cookie, owner.workspaceId, { role: 'agent' });
    doc = await openApiDocument(t.app);
    bodyOps = operations(doc).filter((op) => BODY_METHODS.has(op.method) || op.body);
    jsonOps = bodyOps.filter((op): op is Operation & { body: Schema } => op.body !== null);
  });
  afterAll(() => t?.close());

  const urlOf = (op: Operation) =>
    fillPath(
      op.path,
      Object.fromEntries(
        op.pathParams.map((p) => [
          p,
          p === 'workspaceId'
            ? owner.workspaceId
            : p === 'userId'
              ? agent.me.user.id
              : p === 'inviteId'
                ? invite.id
                : p === 'token'
                  ? invite.token
                  : newId(),
        ]),
      ),
    );
  const send = (op: Operation, options: Parameters<typeof call>[3] = {}) =>
    call(t.app, op.method, urlOf(op), { cookie: owner.cookie, ...options });
  const validBody = (op: Operation & { body: Schema }) => exampleFor(op.body, doc) as Record<string, unknown>;

  it('finds the body-taking routes in the OpenAPI document', () => {
    expect(bodyOps.map(label)).toEqual(
      expect.arrayContaining(['POST /api/v1/auth/signup', 'PATCH /api/v1/workspaces/{workspaceId}', 'POST /api/v1/auth/logout']),
    );
    expect(jsonOps.length).toBeGreaterThanOrEqual(10);
  });

  it('missing fields → 400 validation_failed naming each required field', async () => {
    for (const op of jsonOps) {
      const required = op.body.required ?? [];
      if (required.length === 0 && !op.body.minProperties) continue;
      const fields = errorFields(await send(op, { payload: {} }), label(op));
      for (const name of required) expect(fields, `${label(op)} names ${name}`).toHaveProperty(name);
      expect(Object.keys(fields).length, label(op)).toBeGreaterThan(0);
    }
  });

  it('wrong types → 400 naming the field', async () => {
    for (const op of jsonOps) {
      for (const [name, property] of Object.entries(op.body.properties ?? {})) {
        const response = await send(op, { payload: { ...validBody(op), [name]: wrongTypeFor(property) } });
        expect(errorFields(response, `${label(op)} ${name}`), `${label(op)} ${name}`).toHaveProperty(name);
      }
    }
  });

  it('a body that is not an object → 400', async () => {
    for (const op of jsonOps)
      expectError(
        await send(op, { payload: '[1,2,3]', headers: { 'content-type': 'application/json' } }),
        400,
        'validation_failed',
        label(op),
      );
  });

  it('unknown fields → 400 naming the unknown field', async () => {
    for (const op of jsonOps) {
      const fields = errorFields(await send(op, { payload: { ...validBody(op), notAField: 1 } }), label(op));
      expect(fields, label(op)).toHaveProperty('notAField');
    }
  });

  it('JSON bodies are taken as sent: a number where text belongs is refused, not turned into text', async () => {
    const response = await call(t.app, 'POST', '/api/v1/workspaces', { cookie: owner.cookie, payload: { name: 12345 } });
    expect(errorFields(response, 'number as name')).toHaveProperty('name');
    const patch = await call(t.app, 'PATCH', `/api/v1/workspaces/${owner.workspaceId}`, {
      cookie: owner.cookie,
      payload: { logRetentionDays: '30' },
    });
    expect(errorFields(patch, 'text as number')).toHaveProperty('logRetentionDays');
  });

  it('malformed JSON → 400 malformed_json', async () => {
    for (const op of bodyOps)
      expectError(
        await send(op, { payload: '{"name": "unterminated', headers: { 'content-type': 'application/json' } }),
        400,
        'malformed_json',
        label(op),
      );
  });

  it('a body over 1 MiB → 413 payload_too_large', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    // Uploads (CSV, multipart) declare content types and limits of their own.
    const jsonRoutes = bodyOps.filter((op) => op.bodyTypes.length === 0 || op.bodyTypes.includes('application/json'));
    for (const op of jsonRoutes)
      expectError(await send(op, { payload: huge, headers: { 'content-type': 'application/json' } }), 413, 'payload_too_large', label(op));
  });

  it('content-type text/plain → 415 unsupported_media_type', async () => {
    for (const op of bodyOps) {
      const payload = op.body ? JSON.stringify(validBody(op as Operation & { body: Schema })) : 'hello';
      expectError(await send(op, { payload, headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type', label(op));
    }
  });

  it('another unknown content type → 415 unsupported_media_type', async () => {
    for (const op of bodyOps)
      expectError(
        await send(op, { payload: '<a/>', headers: { 'content-type': 'application/xml' } }),
        415,
        'unsupported_media_type',
        label(op),
      );
  });

  it('no session → 401 unauthenticated on every non-public route, with a valid body', async () => {
    const checked: string[] = [];
    for (const op of operations(doc)) {
      if (PUBLIC_OPERATIONS.has(label(op))) continue;
      expectError(await call(t.app, op.method, urlOf(op), exampleRequest(op, doc)), 401, 'unauthenticated', label(op));
      checked.push(label(op));
    }
    expect(checked).toEqual(
      expect.arrayContaining(['GET /api/v1/me', 'POST /api/v1/workspaces', 'DELETE /api/v1/workspaces/{workspaceId}']),
    );
  });

  it('an invalid or expired session cookie counts as no session', async () => {
    for (const cookie of ['wasphere_session=not-a-real-token', `wasphere_session=${'x'.repeat(500)}`, 'wasphere_session=']) {
      expectError(await call(t.app, 'GET', '/api/v1/me', { cookie }), 401, 'unauthenticated', cookie.slice(0, 40));
    }
  });

  it('bad query strings and path parameters → 400, unknown routes → 404, all in the error shape', async () => {
    const ws = `/api/v1/workspaces/${owner.workspaceId}`;
    for (const url of [
      `${ws}/members?limit=0`,
      `${ws}/members?limit=201`,
      `${ws}/members?limit=abc`,
      `${ws}/members?unknown=1`,
      `${ws}/activity?from=yesterday`,
      `${ws}/activity?format=xml`,
    ]) {
      expectError(await call(t.app, 'GET', url, { cookie: owner.cookie }), 400, 'validation_failed', url);
    }
    expectError(
      await call(t.app, 'GET', `/api/v1/workspaces/${'w'.repeat(65)}`, { cookie: owner.cookie }),
      400,
      'validation_failed',
      'long id',
    );
    expectError(await call(t.app, 'GET', '/api/v1/no-such-thing', { cookie: owner.cookie }), 404, 'not_found');
    expectErrorShape(await call(t.app, 'PUT', '/api/v1/me', { cookie: owner.cookie, payload: {} }), 'PUT /me');
  });
});
