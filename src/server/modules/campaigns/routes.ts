import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AudienceBody,
  AudienceCsvQuery,
  AudienceSummary,
  CampaignDto,
  CampaignListQuery,
  CampaignParams,
  CreateCampaignBody,
  PreviewDto,
  PreviewQuery,
  RecipientDto,
  RecipientsQuery,
  StartCampaignBody,
  UpdateCampaignBody,
} from '../../../contracts/campaigns.js';
import { ErrorResponse, Page, WorkspaceParams } from '../../../contracts/common.js';
import { AppError } from '../../http/errors.js';
import { requireCaller } from '../../http/session.js';
import type { CampaignsService } from './service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const tags = ['campaigns'];
const base = '/workspaces/:workspaceId/campaigns';
const one = `${base}/:campaignId`;

export function campaignRoutes(deps: { campaigns: CampaignsService }): FastifyPluginAsyncTypebox {
  const { campaigns } = deps;
  return async (app) => {
    // CSV uploads arrive as the raw file (Content-Type: text/csv); only these routes read it.
    app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

    app.get(
      base,
      {
        schema: {
          tags,
          summary: 'Campaigns of the workspace, newest first',
          params: WorkspaceParams,
          querystring: CampaignListQuery,
          response: { 200: Page(CampaignDto), ...errors },
        },
      },
      async (request) => campaigns.list(requireCaller(request), request.params.workspaceId, request.query),
    );

    app.post(
      base,
      {
        schema: {
          tags,
          summary: 'Create a draft campaign (owner, admin)',
          params: WorkspaceParams,
          body: CreateCampaignBody,
          response: { 201: CampaignDto, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await campaigns.create(requireCaller(request), request.params.workspaceId, request.body)),
    );

    app.get(
      one,
      {
        schema: {
          tags,
          summary: 'A campaign with its recipient counts',
          params: CampaignParams,
          response: { 200: CampaignDto, ...errors },
        },
      },
      async (request) => campaigns.get(requireCaller(request), request.params.workspaceId, request.params.campaignId),
    );

    app.patch(
      one,
      {
        schema: {
          tags,
          summary: 'Change a draft campaign (owner, admin)',
          params: CampaignParams,
          body: UpdateCampaignBody,
          response: { 200: CampaignDto, ...errors },
        },
      },
      async (request) => campaigns.update(requireCaller(request), request.params.workspaceId, request.params.campaignId, request.body),
    );

    app.delete(
      one,
      {
        schema: {
          tags,
          summary: 'Delete a draft, completed or cancelled campaign (owner, admin)',
          params: CampaignParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await campaigns.remove(requireCaller(request), request.params.workspaceId, request.params.campaignId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${one}/audience`,
      {
        schema: {
          tags,
          summary: 'Add recipients from labels, all contacts or pasted numbers; answers the summary with skip reasons',
          params: CampaignParams,
          body: AudienceBody,
          response: { 200: AudienceSummary, ...errors },
        },
      },
      async (request) => campaigns.addAudience(requireCaller(request), request.params.workspaceId, request.params.campaignId, request.body),
    );

    app.post(
      `${one}/audience/csv`,
      {
        bodyLimit: 50 * 1024 * 1024,
        schema: {
          tags,
          summary: 'Add recipients from a CSV file (Content-Type: text/csv, header row; other columns become variables)',
          params: CampaignParams,
          querystring: AudienceCsvQuery,
          consumes: ['text/csv'],
          body: Type.String({ description: 'The CSV file' }),
          response: { 200: AudienceSummary, ...errors },
        },
      },
      async (request) => {
        if (typeof request.body !== 'string') throw new AppError(415, 'unsupported_media_type', 'Send the file as text/csv.');
        return campaigns.addAudienceCsv(
          requireCaller(request),
          request.params.workspaceId,
          request.params.campaignId,
          request.body,
          request.query,
        );
      },
    );

    app.get(
      `${one}/preview`,
      {
        schema: {
          tags,
          summary: 'The message as sample recipients get it, and the recipients whose variables do not resolve',
          params: CampaignParams,
          querystring: PreviewQuery,
          response: { 200: PreviewDto, ...errors },
        },
      },
      async (request) =>
        campaigns.preview(requireCaller(request), request.params.workspaceId, request.params.campaignId, request.query.sample ?? 5),
    );

    app.post(
      `${one}/start`,
      {
        schema: {
          tags,
          summary: 'Start now or at `scheduleAt` (owner, admin)',
          params: CampaignParams,
          body: StartCampaignBody,
          response: { 200: CampaignDto, ...errors },
        },
      },
      async (request) => campaigns.start(requireCaller(request), request.params.workspaceId, request.params.campaignId, request.body ?? {}),
    );

    for (const action of ['pause', 'resume', 'cancel'] as const) {
      app.post(
        `${one}/${action}`,
        {
          schema: {
            tags,
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} the campaign (owner, admin); takes effect before the next send`,
            params: CampaignParams,
            response: { 200: CampaignDto, ...errors },
          },
        },
        async (request) => campaigns[action](requireCaller(request), request.params.workspaceId, request.params.campaignId),
      );
    }

    app.get(
      `${one}/recipients`,
      {
        schema: {
          tags,
          summary: 'Recipients with their state, in audience order',
          params: CampaignParams,
          querystring: RecipientsQuery,
          response: { 200: Page(RecipientDto), ...errors },
        },
      },
      async (request) => campaigns.recipients(requireCaller(request), request.params.workspaceId, request.params.campaignId, request.query),
    );

    app.get(
      `${one}/results.csv`,
      {
        schema: {
          tags,
          summary: 'Every recipient with its outcome, as CSV',
          params: CampaignParams,
          // Only the success is CSV; errors stay JSON, so the content type is per response.
          response: { 200: { description: 'CSV', content: { 'text/csv': { schema: Type.String() } } }, ...errors },
        },
      },
      async (request, reply) => {
        const result = await campaigns.resultsCsv(requireCaller(request), request.params.workspaceId, request.params.campaignId);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${result.fileName}"`)
          .send(result.csv);
      },
    );
  };
}
