import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ActivityEntryDto, ActivityQuery } from '../../../contracts/activity.js';
import { ErrorResponse, Page, WorkspaceParams } from '../../../contracts/common.js';
import { requireCaller } from '../../http/session.js';
import type { ActivityService } from './service.js';

export function activityRoutes(deps: { activity: ActivityService }): FastifyPluginAsyncTypebox {
  const { activity } = deps;
  return async (app) => {
    app.get(
      '/workspaces/:workspaceId/activity',
      {
        schema: {
          tags: ['activity'],
          summary: 'The activity log, newest first (owner, admin); `format=csv` downloads it',
          params: WorkspaceParams,
          querystring: ActivityQuery,
          response: {
            200: Type.Union([Page(ActivityEntryDto), Type.String({ description: 'CSV when format=csv' })]),
            400: ErrorResponse,
            401: ErrorResponse,
            403: ErrorResponse,
            404: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const caller = requireCaller(request);
        if (request.query.format === 'csv') {
          const csv = await activity.exportCsv(caller, request.params.workspaceId, request.query);
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="activity-${new Date().toISOString().slice(0, 10)}.csv"`)
            .send(csv);
        }
        return activity.list(caller, request.params.workspaceId, request.query);
      },
    );
  };
}
