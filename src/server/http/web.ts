import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the built dashboard (dist/web). Any GET that is not an API call and not a
 * file gets index.html, so client-side routes such as /w/…/settings load directly.
 */
export async function registerWeb(app: FastifyInstance, webDir: string): Promise<boolean> {
  const index = path.join(webDir, 'index.html');
  if (!fs.existsSync(index)) return false;
  await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: false, cacheControl: false });
  const html = fs.readFileSync(index);
  app.addHook('onSend', async (request, reply, payload) => {
    // Hashed asset names never change content, so browsers may keep them.
    if (request.url.startsWith('/assets/') && reply.statusCode === 200)
      reply.header('cache-control', 'public, max-age=31536000, immutable');
    return payload;
  });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    if (url.startsWith('/api/')) return reply.callNotFound();
    const file = path.join(webDir, path.normalize(url));
    if (file.startsWith(webDir + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile())
      return reply.sendFile(path.relative(webDir, file));
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  });
  return true;
}
