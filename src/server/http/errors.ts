import type { ErrorCode } from '../../contracts/errors.js';

/**
 * The one error type services throw. The error handler turns it into
 * `{"error":{"code","message","details"}}` with its status; anything else
 * becomes a 500 without internals.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'resource') => new AppError(404, 'not_found', `That ${what} does not exist.`);
export const forbidden = (message = 'Your role does not allow this action.') => new AppError(403, 'forbidden', message);
export const unauthenticated = () => new AppError(401, 'unauthenticated', 'Sign in to continue.');
export const conflict = (message: string, code: ErrorCode = 'conflict') => new AppError(409, code, message);
export const validation = (message: string, fields: Record<string, string>) => new AppError(400, 'validation_failed', message, { fields });
