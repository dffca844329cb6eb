import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { isCrossSiteRequest } from './cross-site.js';

const PUBLIC = 'https://wa.example.com';
const request = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as FastifyRequest;

describe('isCrossSiteRequest', () => {
  it.each([
    ['POST from a foreign origin', 'POST', { origin: 'https://evil.example' }, true],
    ['DELETE from a foreign origin', 'DELETE', { origin: 'https://evil.example', host: 'wa.example.com' }, true],
    ['PATCH with an opaque origin', 'PATCH', { origin: 'null' }, true],
    ['POST marked cross-site by the browser', 'POST', { 'sec-fetch-site': 'cross-site' }, true],
    ['POST from a look-alike origin', 'POST', { origin: 'https://wa.example.com.evil.example' }, true],
    ['POST from the public origin over plain http', 'POST', { origin: 'http://wa.example.com', host: 'other.internal' }, true],
    ['POST from the public origin', 'POST', { origin: PUBLIC, 'sec-fetch-site': 'same-origin' }, false],
    ['POST from the Host it was sent to', 'POST', { origin: 'http://10.0.0.5:3000', host: '10.0.0.5:3000' }, false],
    ['POST without Origin (curl, integrations)', 'POST', {}, false],
    ['GET from a foreign origin', 'GET', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, false],
    ['HEAD from a foreign origin', 'HEAD', { origin: 'https://evil.example' }, false],
    ['OPTIONS from a foreign origin', 'OPTIONS', { origin: 'https://evil.example' }, false],
  ])('%s → %s', (_what, method, headers, crossSite) => {
    expect(isCrossSiteRequest(request(method, headers), PUBLIC)).toBe(crossSite);
  });
});
