import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, ListQuery, Page, WorkspaceParams } from '../../../contracts/common.js';
import { CreateNumberBody, DeleteNumberBody, LinkBody, NumberDto, NumberParams, UpdateNumberBody } from '../../../contracts/numbers.js';
import { requireCaller } from '../../http/session.js';
import type { NumbersService } from './service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export function numberRoutes(deps: { numbers: NumbersService }): FastifyPluginAsyncTypebox {
  const { numbers } = deps;
  return async (app) => {
    app.get(
      '/workspaces/:workspaceId/numbers',
      {
        schema: {
          tags: ['numbers'],
          summary: 'Linked WhatsApp numbers',
          params: WorkspaceParams,
          querystring: ListQuery,
          response: { 200: Page(NumberDto), ...errors },
        },
      },
      (request) => numbers.list(requireCaller(request), request.params.workspaceId, request.query.limit ?? 50, request.query.cursor),
    );

    app.post(
      '/workspaces/:workspaceId/numbers',
      {
        schema: {
          tags: ['numbers'],
          summary: 'Add a number (owner, admin); link it next',
          params: WorkspaceParams,
          body: CreateNumberBody,
          response: { 201: NumberDto, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await numbers.create(requireCaller(request), request.params.workspaceId, request.body)),
    );

    app.get(
      '/workspaces/:workspaceId/numbers/:numberId',
      {
        schema: {
          tags: ['numbers'],
          summary: 'A number: live state, limits, and the QR or pairing code while linking',
          params: NumberParams,
          response: { 200: NumberDto, ...errors },
        },
      },
      (request) => numbers.get(requireCaller(request), request.params.workspaceId, request.params.numberId),
    );

    app.patch(
      '/workspaces/:workspaceId/numbers/:numberId',
      {
        schema: {
          tags: ['numbers'],
          summary: 'Rename a number or change its sending limits (owner, admin)',
          params: NumberParams,
          body: UpdateNumberBody,
          response: { 200: NumberDto, ...errors },
        },
      },
      (request) => numbers.update(requireCaller(request), request.params.workspaceId, request.params.numberId, request.body),
    );

    app.post(
      '/workspaces/:workspaceId/numbers/:numberId/link',
      {
        schema: {
          tags: ['numbers'],
          summary: 'Start linking by QR code or pairing code (owner, admin)',
          params: NumberParams,
          body: LinkBody,
          response: { 200: NumberDto, ...errors },
        },
      },
      (request) => numbers.link(requireCaller(request), request.params.workspaceId, request.params.numberId, request.body),
    );

    app.delete(
      '/workspaces/:workspaceId/numbers/:numberId',
      {
        schema: {
          tags: ['numbers'],
          summary: "Delete the session: log out, erase keys; keep or erase the number's messages (owner, admin)",
          params: NumberParams,
          body: DeleteNumberBody,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await numbers.remove(requireCaller(request), request.params.workspaceId, request.params.numberId, request.body);
        return reply.status(204).send(null);
      },
    );
  };
}
