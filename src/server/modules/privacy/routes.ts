import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { ErrorResponse } from '../../../contracts/common.js';
import {
  DeleteAccountBody,
  DeletedCountDto,
  UsageEventsBody,
  UsageReportDto,
  UsageReportQuery,
  WorkspaceDeletionDto,
  WorkspaceDeletionParams,
} from '../../../contracts/privacy.js';
import { requireCaller, type CookieWriter } from '../../http/session.js';
import { contentDisposition } from '../media/routes.js';
import type { WorkspaceDeletions } from './deletions.js';
import type { PrivacyService } from './service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export function privacyRoutes(deps: {
  privacy: PrivacyService;
  deletions: WorkspaceDeletions;
  cookies: CookieWriter;
}): FastifyPluginAsyncTypebox {
  const { privacy, deletions, cookies } = deps;
  return async (app) => {
    app.get(
      '/me/export',
      {
        schema: {
          tags: ['me'],
          summary: 'A copy of your account data as a ZIP archive (JSON and CSV)',
          response: { 200: Type.Unknown({ description: 'application/zip' }), ...errors },
        },
      },
      async (request, reply) => {
        const file = await privacy.exportMine(requireCaller(request));
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', contentDisposition(file.fileName, false))
          .header('cache-control', 'no-store')
          .send(Readable.from(file.stream));
      },
    );

    app.delete(
      '/me',
      {
        schema: {
          tags: ['me'],
          summary: 'Delete your account (re-enter your password); refused with last_owner while you are the only owner of a workspace',
          body: DeleteAccountBody,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await privacy.deleteAccount(requireCaller(request), request.body.password);
        cookies.clear(reply);
        cookies.syncAnalytics(reply, request, false);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/me/usage-events',
      {
        schema: {
          tags: ['me'],
          summary: 'Record page views and feature use; stored only while your analytics consent is on (else ignored)',
          body: UsageEventsBody,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await privacy.recordUsage(requireCaller(request), request.body);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/me/usage-events',
      {
        schema: {
          tags: ['me'],
          summary: 'Delete the usage data collected about you',
          response: { 200: DeletedCountDto, ...errors },
        },
      },
      async (request) => ({ deleted: await privacy.deleteUsage(requireCaller(request)) }),
    );

    app.get(
      '/instance/usage',
      {
        schema: {
          tags: ['instance'],
          summary: 'Usage figures of people who consented to analytics (instance admins)',
          querystring: UsageReportQuery,
          response: { 200: UsageReportDto, ...errors },
        },
      },
      (request) => privacy.usageReport(requireCaller(request), request.query.days ?? 30),
    );

    app.get(
      '/workspace-deletions',
      {
        schema: {
          tags: ['workspaces'],
          summary: 'Workspace deletions you asked for, newest first, with their progress',
          response: { 200: Type.Object({ items: Type.Array(WorkspaceDeletionDto) }), ...errors },
        },
      },
      async (request) => ({ items: await deletions.listMine(requireCaller(request)) }),
    );

    app.get(
      '/workspace-deletions/:deletionId',
      {
        schema: {
          tags: ['workspaces'],
          summary: 'Progress of a workspace deletion',
          params: WorkspaceDeletionParams,
          response: { 200: WorkspaceDeletionDto, ...errors },
        },
      },
      (request) => deletions.get(requireCaller(request), request.params.deletionId),
    );
  };
}
