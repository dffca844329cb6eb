import { useInfiniteQuery } from '@tanstack/react-query';
import type { ActivityEntryDtoT } from '../../../contracts/activity';
import type { PageOf } from '../../../contracts/common';
import { api, apiUrl } from '../../api/client';

export interface ActivityFilters {
  actorId: string | null;
  action: string | null;
  /** Calendar days (YYYY-MM-DD) in the viewer's local time, inclusive. */
  fromDay: string | null;
  toDay: string | null;
}

/** Turns the chosen days into the ISO instants the API filters on (start of the first day, end of the last). */
export function filterQuery(f: ActivityFilters): Record<string, string | undefined> {
  const dayStart = (d: string) => new Date(`${d}T00:00:00`).toISOString();
  const dayEnd = (d: string) => new Date(`${d}T23:59:59.999`).toISOString();
  return {
    actorId: f.actorId ?? undefined,
    action: f.action ?? undefined,
    from: f.fromDay ? dayStart(f.fromDay) : undefined,
    to: f.toDay ? dayEnd(f.toDay) : f.fromDay ? dayEnd(f.fromDay) : undefined,
  };
}

export function activityCsvUrl(workspaceId: string, f: ActivityFilters): string {
  return apiUrl(`/workspaces/${encodeURIComponent(workspaceId)}/activity`, { ...filterQuery(f), format: 'csv' });
}

export function useActivity(workspaceId: string, f: ActivityFilters) {
  return useInfiniteQuery({
    queryKey: ['workspace', workspaceId, 'activity', f],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<ActivityEntryDtoT>>(`/workspaces/${encodeURIComponent(workspaceId)}/activity`, {
        query: { ...filterQuery(f), limit: 50, cursor: pageParam },
        signal,
      }),
    getNextPageParam: (last) => last.nextCursor,
  });
}
