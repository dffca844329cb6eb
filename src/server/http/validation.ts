import { Ajv, type Options } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// ajv-formats is CommonJS; under ESM its function sits on `default`.
type AddFormats = (ajv: Ajv) => Ajv;
const formatsExport = addFormatsModule as unknown as { default: AddFormats | { default: AddFormats } };
const addFormats: AddFormats = typeof formatsExport.default === 'function' ? formatsExport.default : formatsExport.default.default;

/**
 * Request validation. JSON bodies are checked as sent: a number where a string
 * belongs is refused, not quietly turned into text. Query strings and path
 * parameters arrive as text, so there (only) values are converted to the declared
 * type. Unknown fields are refused everywhere, so a typo never passes unnoticed.
 */
export function registerValidators(app: FastifyInstance): void {
  const shared: Options = { removeAdditional: false, useDefaults: true, allErrors: true, strict: false };
  const forBodies = addFormats(new Ajv({ ...shared, coerceTypes: false }));
  const forText = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? forBodies : forText).compile(schema));
}
