import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests sent by a browser from another site. Browsers
 * always send Origin on cross-origin POST/PATCH/DELETE and Sec-Fetch-Site where
 * supported; non-browser clients (curl, integrations) send neither and are served.
 * Same-origin means the Origin matches the configured public URL or the Host the
 * request was addressed to (a dashboard reached by its IP address is still itself).
 */
export function isCrossSiteRequest(request: FastifyRequest, publicOrigin: string): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (origin === publicOrigin) return false;
  const host = request.headers.host;
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return false;
  return true;
}

export function registerCrossSiteGuard(app: FastifyInstance, publicOrigin: string): void {
  // The API speaks JSON. text/plain is what a cross-site form may send without a
  // preflight, and Fastify would parse it by default: refuse it with 415 instead.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (request) => {
    if (isCrossSiteRequest(request, publicOrigin)) {
      throw new AppError(403, 'cross_site_request', 'Cross-site requests are refused. Use the WaSphere dashboard or an API client.');
    }
  });
}
