import '@fastify/websocket';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, WorkspaceParams } from '../../contracts/common.js';
import { AppError } from '../http/errors.js';
import { requireCaller } from '../http/session.js';
import type { RealtimeHub, SocketLike } from './hub.js';

/**
 * `GET /workspaces/:workspaceId/events` upgraded to a WebSocket. The session
 * cookie authenticates the upgrade (the app's preHandler resolves it); an
 * anonymous caller gets 401 and a non-member 404 before any upgrade, and a
 * plain GET without the upgrade 426.
 */
export function realtimeRoutes(deps: { hub: RealtimeHub }): FastifyPluginAsyncTypebox {
  const { hub } = deps;
  return async (app) => {
    app.route({
      method: 'GET',
      url: '/workspaces/:workspaceId/events',
      schema: {
        tags: ['events'],
        summary: 'Live events of the workspace (WebSocket)',
        description:
          'Upgrade to a WebSocket with the session cookie. Frames (JSON text): first {"type":"ready","workspaceId","seq"}, then each event as ' +
          '{seq,type,workspaceId,at,payload}; seq grows by one per event the server process sends. No replay: after reconnecting, refetch. ' +
          'The server pings every 30 s; the text "ping" gets {"type":"pong"}. Without the upgrade the answer is 426.',
        params: WorkspaceParams,
        response: { 401: ErrorResponse, 404: ErrorResponse, 426: ErrorResponse },
      },
      preHandler: async (request) => {
        await hub.authorize(requireCaller(request), request.params.workspaceId);
      },
      handler: async () => {
        throw new AppError(426, 'upgrade_required', 'This address serves a WebSocket; connect with an upgrade request.');
      },
      wsHandler: (socket, request) => {
        // The route's TypeBox typing loses the plugin's `ws` socket type; at run time it is a `ws` WebSocket.
        hub.attach(socket as unknown as SocketLike, requireCaller(request), request.params.workspaceId);
      },
    });
  };
}
