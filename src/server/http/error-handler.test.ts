import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError, conflict, forbidden, notFound, unauthenticated, validation } from './errors.js';
import { toErrorReply } from './error-handler.js';

function fastifyError(props: Partial<FastifyError> & Record<string, unknown>): FastifyError {
  return Object.assign(new Error(props.message ?? 'fastify error'), props) as FastifyError;
}

describe('toErrorReply', () => {
  it.each([
    [notFound('invite'), 404, 'not_found'],
    [forbidden(), 403, 'forbidden'],
    [unauthenticated(), 401, 'unauthenticated'],
    [conflict('taken', 'email_taken'), 409, 'email_taken'],
    [new AppError(429, 'rate_limited', 'slow down'), 429, 'rate_limited'],
  ])('passes an AppError through (%s)', (error, status, code) => {
    expect(toErrorReply(error)).toMatchObject({ status, code, message: error.message });
  });

  it('keeps the details of a validation AppError', () => {
    expect(toErrorReply(validation('Bad zone.', { timeZone: 'unknown' }))).toEqual({
      status: 400,
      code: 'validation_failed',
      message: 'Bad zone.',
      details: { fields: { timeZone: 'unknown' } },
    });
  });

  it('maps schema validation errors to fields: missing, unknown, nested and whole-body', () => {
    const error = fastifyError({
      validationContext: 'body',
      validation: [
        { instancePath: '', params: { missingProperty: 'email' }, message: "must have required property 'email'" },
        { instancePath: '', params: { additionalProperty: 'emial' }, message: 'must NOT have additional properties' },
        { instancePath: '/address/city', params: {}, message: 'must be string' },
        { instancePath: '/address/city', params: {}, message: 'a second message for the same field' },
        { instancePath: '', params: {}, message: 'must NOT have fewer than 1 properties' },
      ],
    } as never);
    expect(toErrorReply(error)).toEqual({
      status: 400,
      code: 'validation_failed',
      message: 'Some fields are missing or invalid.',
      details: {
        fields: {
          email: "must have required property 'email'",
          emial: 'is not a known field',
          'address.city': 'must be string',
          body: 'must NOT have fewer than 1 properties',
        },
      },
    });
  });

  it('words query-string and path errors for what they are', () => {
    expect(
      toErrorReply(
        fastifyError({
          validationContext: 'querystring',
          validation: [{ instancePath: '/limit', params: {}, message: 'must be <= 200' }],
        } as never),
      ),
    ).toMatchObject({
      message: 'Some query parameters are missing or invalid.',
      details: { fields: { limit: 'must be <= 200' } },
    });
    expect(toErrorReply(fastifyError({ validationContext: 'params', validation: [] } as never)).message).toBe(
      'Some path parameters are missing or invalid.',
    );
  });

  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'malformed_json'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'malformed_json'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'payload_too_large'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'unsupported_media_type'],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'validation_failed'],
  ])('maps Fastify %s to %i %s', (code, status, errorCode) => {
    expect(toErrorReply(fastifyError({ code, statusCode: status }))).toMatchObject({ status, code: errorCode });
  });

  it.each([
    [405, 'method_not_allowed'],
    [404, 'not_found'],
    [413, 'payload_too_large'],
    [415, 'unsupported_media_type'],
    [400, 'validation_failed'],
  ])('keeps other client errors as %i %s', (statusCode, code) => {
    expect(toErrorReply(fastifyError({ code: 'FST_SOMETHING_ELSE', statusCode }))).toMatchObject({ status: statusCode, code });
  });

  it('hides everything about an unexpected error behind a 500', () => {
    const reply = toErrorReply(new Error('connection to 10.0.0.3:5432 refused, password=hunter2'));
    expect(reply).toEqual({ status: 500, code: 'internal_error', message: expect.any(String) });
    expect(reply.message).not.toMatch(/10\.0\.0\.3|hunter2/);
    expect(toErrorReply(fastifyError({ statusCode: 503 })).status).toBe(500);
    expect(toErrorReply('a thrown string').status).toBe(500);
  });
});
