import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/** The OpenAPI document is generated from the route schemas, so it cannot drift from the code. */
export async function registerOpenApi(app: FastifyInstance, publicUrl: URL): Promise<void> {
  // @fastify/websocket marks every WebSocket route hidden; the contract documents them
  // (GET …/events), so a route that carries tags is shown again.
  app.addHook('onRoute', (route) => {
    if (route.websocket && route.schema?.tags) route.schema.hide = false;
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'WaSphere API',
        version: '1',
        description: 'Self-hosted WhatsApp operations platform. Errors answer `{"error":{"code","message","details"}}`.',
      },
      servers: [{ url: publicUrl.origin }],
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'wasphere_session' } },
      },
      security: [{ session: [] }],
    },
  });
}
