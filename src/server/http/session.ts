import { randomUUID } from 'node:crypto';
import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { unauthenticated } from './errors.js';
import type { Caller, RequestMeta } from '../modules/caller.js';
import type { AuthService } from '../modules/auth/service.js';

export const SESSION_COOKIE = 'wasphere_session';
/** Set only for people who opted in to optional analytics; a pseudonymous first-party id. */
export const ANALYTICS_COOKIE = 'wasphere_analytics';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent : null };
}

/** The signed-in caller, or 401 for anonymous requests. */
export function requireCaller(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthenticated();
  return request.caller;
}

/** Resolves the session cookie once per API request into `request.caller`. */
/** The API routes anyone may call; every other /api route needs a signed-in caller. */
const PUBLIC_API_ROUTES = new Set([
  '/api/v1/openapi.json',
  '/api/v1/auth/signup-status',
  '/api/v1/auth/signup',
  '/api/v1/auth/login',
  '/api/v1/auth/invites/:token',
]);

/**
 * Resolves the session cookie once per request into `request.caller`, and answers
 * 401 for an anonymous call to a non-public API route before its body is even
 * validated: a caller without a session learns nothing about what a route accepts.
 */
export function registerSessionResolver(app: FastifyInstance, auth: Pick<AuthService, 'authenticate'>): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token && token.length <= 200) request.caller = await auth.authenticate(token, requestMeta(request));
  });
  app.addHook('preValidation', async (request) => {
    const route = request.routeOptions.url;
    if (route?.startsWith('/api/') && !PUBLIC_API_ROUTES.has(route) && !request.caller) throw unauthenticated();
  });
}

export function cookieWriter(secure: boolean) {
  return {
    set(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
      void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeSeconds });
    },
    clear(reply: FastifyReply): void {
      void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
    },
    /** Keeps the analytics cookie in step with the person's consent: set when given, deleted when not. */
    syncAnalytics(reply: FastifyReply, request: FastifyRequest, consent: boolean): void {
      const present = request.cookies[ANALYTICS_COOKIE] !== undefined;
      if (consent && !present) {
        void reply.setCookie(ANALYTICS_COOKIE, randomUUID(), {
          httpOnly: true,
          sameSite: 'lax',
          secure,
          path: '/',
          maxAge: 365 * 24 * 3600,
        });
      } else if (!consent && present) {
        void reply.clearCookie(ANALYTICS_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
      }
    },
  };
}
export type CookieWriter = ReturnType<typeof cookieWriter>;
