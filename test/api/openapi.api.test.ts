import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { label, openApiDocument, operations, PUBLIC_OPERATIONS, type OpenApiDocument } from '../support/openapi.js';

/**
 * Every Fastify instance created while this file runs reports its routes here, so
 * the comparison sees exactly what the app registers, plugins included.
 */
const registered = vi.hoisted(() => [] as Array<Pick<RouteOptions, 'method' | 'url'>>);
vi.mock('fastify', async (importOriginal) => {
  const real = await importOriginal<typeof import('fastify')>();
  const create = ((options?: Parameters<typeof real.default>[0]) => {
    const app = real.default(options);
    app.addHook('onRoute', (route) => void registered.push({ method: route.method, url: route.url }));
    return app;
  }) as typeof real.default;
  return { ...real, default: create, fastify: create };
});

/** Routes deliberately left out of the document. */
const HIDDEN = new Set(['GET /api/v1/openapi.json']);

/** `/api/v1/x/:id` → `/api/v1/x/{id}`, the OpenAPI spelling. */
const toTemplate = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    t = await createTestApp();
    doc = await openApiDocument(t.app);
  });
  afterAll(() => t?.close());

  it('is an OpenAPI 3 document served as JSON', async () => {
    const response = await t.app.inject('/api/v1/openapi.json');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc).toMatchObject({ info: { title: expect.any(String), version: expect.any(String) } });
  });

  it('lists every /api/v1 route the app registers, and nothing else', () => {
    const routes = new Set<string>();
    for (const route of registered) {
      for (const method of [route.method].flat()) {
        const key = `${method} ${toTemplate(route.url)}`;
        if (method !== 'HEAD' && route.url.startsWith('/api/v1/') && !HIDDEN.has(key)) routes.add(key);
      }
    }
    expect(routes.size).toBeGreaterThan(15);
    expect(operations(doc).map(label).sort()).toEqual([...routes].sort());
  });

  it('keeps the hidden routes out: the document itself, health checks and the dashboard fallback', () => {
    const paths = Object.keys(doc.paths);
    expect(paths).not.toContain('/api/v1/openapi.json');
    expect(paths.filter((p) => !p.startsWith('/api/v1/'))).toEqual([]);
  });

  it('describes each operation with a summary, a tag, a success answer and error answers in the error shape', () => {
    for (const op of operations(doc)) {
      const raw = doc.paths[op.path]![op.method.toLowerCase()] as {
        summary?: string;
        tags?: string[];
        responses?: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
      };
      expect(raw.summary, label(op)).toBeTruthy();
      expect(raw.tags?.length, label(op)).toBeGreaterThan(0);
      const codes = Object.keys(raw.responses ?? {});
      // A WebSocket upgrade succeeds with 101, which the route schemas cannot express.
      const upgrade = /websocket/i.test(raw.summary ?? '');
      if (!upgrade)
        expect(
          codes.some((c) => c.startsWith('2')),
          `${label(op)} has a 2xx answer`,
        ).toBe(true);
      const errors = codes.filter((c) => c.startsWith('4'));
      if (!PUBLIC_OPERATIONS.has(label(op))) expect(errors, `${label(op)} documents 401`).toContain('401');
      for (const code of errors) {
        const schema = raw.responses![code]!.content?.['application/json']?.schema;
        expect(schema?.properties ?? {}, `${label(op)} ${code} answers {error:{code,message}}`).toHaveProperty('error');
      }
    }
  });

  it('refuses unknown fields in every JSON body it documents', () => {
    for (const op of operations(doc)) {
      if (op.body) expect((op.body as { additionalProperties?: unknown }).additionalProperties, label(op)).toBe(false);
    }
  });
});
