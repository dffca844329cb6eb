import type { FastifyInstance } from 'fastify';
import type { Method } from './http.js';
import { uniqueEmail } from './factories.js';

/** The parts of a JSON Schema (as the OpenAPI document shows it) these helpers read. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  example?: unknown;
  examples?: unknown[];
  minimum?: number;
  minLength?: number;
  minItems?: number;
  minProperties?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  nullable?: boolean;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema: Schema }> } }>
  >;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  method: Method;
  /** The OpenAPI path template, e.g. `/api/v1/workspaces/{workspaceId}`. */
  path: string;
  pathParams: string[];
  /** The JSON body schema, when the operation takes one. */
  body: Schema | null;
  /** Content types the operation declares for its body. */
  bodyTypes: string[];
}

export async function openApiDocument(app: FastifyInstance): Promise<OpenApiDocument> {
  const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  if (response.statusCode !== 200) throw new Error(`openapi.json answered ${response.statusCode}`);
  return response.json() as OpenApiDocument;
}

const METHODS = new Set(['get', 'post', 'patch', 'put', 'delete']);

/** Every operation the document describes, in a stable order. */
export function operations(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const content = op.requestBody?.content ?? {};
      const json = content['application/json']?.schema;
      out.push({
        method: method.toUpperCase() as Method,
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        body: json ? resolve(doc, json) : null,
        bodyTypes: Object.keys(content),
      });
    }
  }
  return out.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** Operations anyone may call without a session. */
export const PUBLIC_OPERATIONS = new Set([
  'GET /api/v1/auth/signup-status',
  'POST /api/v1/auth/signup',
  'POST /api/v1/auth/login',
  'GET /api/v1/auth/invites/{token}',
]);

export const label = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

/** Puts concrete values into a path template; a parameter without a value is an error in the test. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter {${name}} in ${template}: add one to the test`);
    return encodeURIComponent(value);
  });
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
  return resolve(doc, target);
}

/** Values for string patterns the contracts use; a new pattern needs an example here. */
const PATTERN_EXAMPLES: Record<string, string> = {
  '^[A-Z]{2}$': 'GB',
};

/**
 * A small valid value for a schema: required properties only, the first choice of
 * a union, the minimum of a range. Good enough that validation passes and the route
 * itself answers.
 */
export function exampleFor(schema: Schema, doc?: OpenApiDocument): unknown {
  const s = doc ? resolve(doc, schema) : schema;
  if (s.example !== undefined) return s.example;
  if (s.examples?.length) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const choice = s.anyOf ?? s.oneOf;
  if (choice?.length) return exampleFor(choice.find((c) => c.type !== 'null') ?? choice[0]!, doc);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((part) => exampleFor(part, doc) as object));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
    case undefined: {
      const out: Record<string, unknown> = {};
      for (const name of s.required ?? []) out[name] = exampleFor(s.properties?.[name] ?? {}, doc);
      // A patch body with nothing required still needs its minimum number of fields.
      for (const [name, property] of Object.entries(s.properties ?? {})) {
        if (Object.keys(out).length >= (s.minProperties ?? 0)) break;
        out[name] ??= exampleFor(property, doc);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => exampleFor(s.items ?? {}, doc));
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return false;
    case 'string':
      return exampleString(s);
    default:
      throw new Error(`no example for schema type ${type}`);
  }
}

function exampleString(s: Schema): string {
  if (s.format === 'email') return uniqueEmail('example');
  if (s.format === 'date-time') return '2026-01-01T00:00:00.000Z';
  if (s.format === 'uri') return 'https://example.test/';
  if (s.pattern) {
    const example = PATTERN_EXAMPLES[s.pattern];
    if (example === undefined) throw new Error(`no example for string pattern ${s.pattern}: add one to PATTERN_EXAMPLES`);
    return example;
  }
  // Long enough for passwords (min 10) and tokens; an example word, not blank.
  return 'example-value-123'.padEnd(s.minLength ?? 0, 'x');
}

/** A value of a type the schema does not accept and ajv cannot coerce into it. */
export function wrongTypeFor(schema: Schema): unknown {
  const choice = schema.anyOf ?? schema.oneOf;
  const type = Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? choice?.[0]?.type);
  switch (type) {
    case 'string':
      return { not: 'a string' };
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'not-a-boolean';
    case 'array':
      // ajv's coerceTypes: 'array' would wrap a scalar into an array.
      return { not: 'an array' };
    default:
      return 12345;
  }
}

/**
 * A valid request body for an operation, sent with the content type the operation
 * declares (JSON unless it only takes, say, text/csv).
 */
export function exampleRequest(op: Operation, doc: OpenApiDocument): { payload?: unknown; headers?: Record<string, string> } {
  const textType = op.bodyTypes.find((type) => type.startsWith('text/'));
  if (textType && !op.bodyTypes.includes('application/json'))
    return { payload: 'phone\n+14155550100\n', headers: { 'content-type': textType } };
  return op.body ? { payload: exampleFor(op.body, doc) } : {};
}
