import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorCode } from '../../contracts/errors.js';
import { AppError } from './errors.js';

interface ErrorReply {
  status: number;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Fastify's own client errors (parsing, limits, content type) keyed by their code. */
const FASTIFY_CLIENT_ERRORS: Record<string, Omit<ErrorReply, 'status'> & { status?: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_json', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed_json', message: 'The request body is empty but JSON was declared.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is too large.', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'This content type is not accepted here.', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'validation_failed', message: 'The Content-Length header does not match the body.' },
};

/** Maps ajv's validation output to `{field: message}` so a form can show each error in place. */
function validationFields(error: FastifyError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const v of error.validation ?? []) {
    const params = v.params as Record<string, unknown>;
    let field = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (typeof params.missingProperty === 'string') field = field ? `${field}.${params.missingProperty}` : params.missingProperty;
    if (typeof params.additionalProperty === 'string') {
      field = field ? `${field}.${params.additionalProperty}` : params.additionalProperty;
      fields[field] = 'is not a known field';
      continue;
    }
    fields[field || (error.validationContext ?? 'body')] ??= v.message ?? 'is invalid';
  }
  return fields;
}

export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const where = fe.validationContext ?? 'body';
    return {
      status: 400,
      code: 'validation_failed',
      message: `Some ${where === 'querystring' ? 'query parameters' : where === 'params' ? 'path parameters' : 'fields'} are missing or invalid.`,
      details: { fields: validationFields(fe) },
    };
  }
  const known = fe.code ? FASTIFY_CLIENT_ERRORS[fe.code] : undefined;
  if (known) return { status: known.status ?? 400, code: known.code, message: known.message };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode =
      fe.statusCode === 413
        ? 'payload_too_large'
        : fe.statusCode === 415
          ? 'unsupported_media_type'
          : fe.statusCode === 405
            ? 'method_not_allowed'
            : fe.statusCode === 404
              ? 'not_found'
              : 'validation_failed';
    return { status: fe.statusCode, code, message: fe.message };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on the server. It has been logged.' };
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const out = toErrorReply(error);
    if (out.status >= 500) request.log.error({ err: error }, 'request failed');
    if (error instanceof AppError && error.headers) void reply.headers(error.headers);
    return reply
      .status(out.status)
      .send({ error: { code: out.code, message: out.message, ...(out.details ? { details: out.details } : {}) } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.` } }),
  );
}
