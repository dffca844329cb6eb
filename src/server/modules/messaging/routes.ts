import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, WorkspaceParams } from '../../../contracts/common.js';
import { MessageDto, SendMessageBody } from '../../../contracts/messages.js';
import { requireCaller } from '../../http/session.js';
import type { MessagingService } from './service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export function messagingRoutes(deps: { messaging: MessagingService }): FastifyPluginAsyncTypebox {
  const { messaging } = deps;
  return async (app) => {
    app.post(
      '/workspaces/:workspaceId/messages',
      {
        schema: {
          tags: ['messages'],
          summary: 'Send a text message to a phone number from one of the workspace numbers (queued; sent once the number is connected)',
          params: WorkspaceParams,
          body: SendMessageBody,
          response: { 202: MessageDto, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await messaging.send(requireCaller(request), request.params.workspaceId, request.body)),
    );
  };
}
