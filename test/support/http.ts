import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface CallOptions {
  cookie?: string | undefined;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** One API request: the session cookie and a JSON body are the common parts. */
export function call(app: FastifyInstance, method: Method, url: string, options: CallOptions = {}): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers };
  const payload = options.payload as string | object | undefined;
  return app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
}

/** A client that always sends the same cookie. */
export function as(app: FastifyInstance, cookie?: string) {
  return {
    get: (url: string, options: Omit<CallOptions, 'cookie'> = {}) => call(app, 'GET', url, { ...options, cookie }),
    post: (url: string, payload?: unknown, options: Omit<CallOptions, 'cookie' | 'payload'> = {}) =>
      call(app, 'POST', url, { ...options, cookie, payload }),
    patch: (url: string, payload?: unknown, options: Omit<CallOptions, 'cookie' | 'payload'> = {}) =>
      call(app, 'PATCH', url, { ...options, cookie, payload }),
    delete: (url: string, payload?: unknown, options: Omit<CallOptions, 'cookie' | 'payload'> = {}) =>
      call(app, 'DELETE', url, { ...options, cookie, payload }),
  };
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Asserts the contract's error shape `{error:{code,message,details?}}` and returns the body. */
export function expectErrorShape(response: LightMyRequestResponse, context = ''): ErrorBody {
  const label = `${context} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(response.statusCode, label).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, label).toBeLessThan(500);
  expect(response.headers['content-type'], label).toMatch(/^application\/json/);
  const body = response.json() as ErrorBody;
  expect(body, label).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  expect(body.error.code, label).toMatch(/^[a-z]+(_[a-z]+)*$/);
  expect(body.error.message.length, label).toBeGreaterThan(0);
  return body;
}

/** Asserts an error answer with this status and stable code. */
export function expectError(response: LightMyRequestResponse, status: number, code: string, context = ''): ErrorBody {
  const body = expectErrorShape(response, context);
  expect({ status: response.statusCode, code: body.error.code }, `${context} → ${response.body.slice(0, 300)}`).toEqual({ status, code });
  return body;
}

/** The `details.fields` of a validation error. */
export function errorFields(response: LightMyRequestResponse, context = ''): Record<string, string> {
  const body = expectError(response, 400, 'validation_failed', context);
  const fields = (body.error.details as { fields?: Record<string, string> } | undefined)?.fields;
  expect(fields, `${context}: details.fields`).toBeTypeOf('object');
  return fields!;
}

/** All cookies a response sets, by name, with their attributes in lower case. */
export function setCookies(response: LightMyRequestResponse): Map<string, { value: string; attributes: string[] }> {
  const header = response.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const out = new Map<string, { value: string; attributes: string[] }>();
  for (const raw of all) {
    const [pair, ...attributes] = raw.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    out.set(pair!.slice(0, eq), { value: pair!.slice(eq + 1), attributes: attributes.map((a) => a.toLowerCase()) });
  }
  return out;
}
