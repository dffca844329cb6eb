import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AudienceBodyT,
  AudienceSummaryT,
  CampaignDtoT,
  CreateCampaignBodyT,
  PreviewDtoT,
  RecipientDtoT,
  RecipientStatusT,
  StartCampaignBodyT,
  UpdateCampaignBodyT,
} from '../../../contracts/campaigns';
import type { PageOf } from '../../../contracts/common';
import type { LabelDtoT } from '../../../contracts/inbox';
import { ApiError, api, apiUrl } from '../../api/client';

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}/campaigns`;
const one = (ws: string, id: string) => `${base(ws)}/${encodeURIComponent(id)}`;

export const campaignKeys = {
  all: (ws: string) => ['campaigns', ws] as const,
  list: (ws: string) => ['campaigns', ws, 'list'] as const,
  one: (ws: string, id: string) => ['campaigns', ws, 'one', id] as const,
  recipients: (ws: string, id: string, status: string | null) => ['campaigns', ws, 'recipients', id, status ?? 'all'] as const,
  preview: (ws: string, id: string) => ['campaigns', ws, 'preview', id] as const,
};

export function useCampaigns(ws: string) {
  return useQuery({
    queryKey: campaignKeys.list(ws),
    queryFn: ({ signal }) => api<PageOf<CampaignDtoT>>(base(ws), { query: { limit: 200 }, signal }),
  });
}

export function useCampaign(ws: string, id: string | undefined) {
  return useQuery({
    queryKey: campaignKeys.one(ws, id ?? ''),
    queryFn: ({ signal }) => api<CampaignDtoT>(one(ws, id ?? ''), { signal }),
    enabled: Boolean(id),
  });
}

export function useRecipients(ws: string, id: string, status: RecipientStatusT | null, limit = 50) {
  return useQuery({
    queryKey: campaignKeys.recipients(ws, id, status),
    queryFn: ({ signal }) => api<PageOf<RecipientDtoT>>(`${one(ws, id)}/recipients`, { query: { status, limit }, signal }),
  });
}

export function usePreview(ws: string, id: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: campaignKeys.preview(ws, id ?? ''),
    queryFn: ({ signal }) => api<PreviewDtoT>(`${one(ws, id ?? '')}/preview`, { query: { sample: 5 }, signal }),
    enabled: Boolean(id) && enabled,
  });
}

export function useLabels(ws: string) {
  return useQuery({
    queryKey: ['labels', ws, 'list'],
    queryFn: ({ signal }) => api<PageOf<LabelDtoT>>(`/workspaces/${encodeURIComponent(ws)}/labels`, { signal }),
  });
}

function useRefresh(ws: string) {
  const qc = useQueryClient();
  return (c?: CampaignDtoT) => {
    if (c) qc.setQueryData(campaignKeys.one(ws, c.id), c);
    void qc.invalidateQueries({ queryKey: campaignKeys.all(ws) });
  };
}

export function useCreateCampaign(ws: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: (body: CreateCampaignBodyT) => api<CampaignDtoT>(base(ws), { method: 'POST', body }),
    onSuccess: refresh,
  });
}

export function useUpdateCampaign(ws: string, id: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: (body: UpdateCampaignBodyT) => api<CampaignDtoT>(one(ws, id), { method: 'PATCH', body }),
    onSuccess: refresh,
  });
}

export function useAddAudience(ws: string, id: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: (body: AudienceBodyT) => api<AudienceSummaryT>(`${one(ws, id)}/audience`, { method: 'POST', body }),
    onSuccess: () => refresh(),
  });
}

/** CSV files go up as they are (text/csv), not as JSON. */
export function useUploadCsv(ws: string, id: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: async (file: File): Promise<AudienceSummaryT> => {
      const res = await fetch(apiUrl(`${one(ws, id)}/audience/csv`), {
        method: 'POST',
        headers: { 'Content-Type': 'text/csv', Accept: 'application/json' },
        body: await file.text(),
        credentials: 'same-origin',
      });
      const data = (await res.json().catch(() => null)) as (AudienceSummaryT & { error?: { code: string; message: string } }) | null;
      if (!res.ok)
        throw new ApiError(res.status, data?.error?.code ?? 'http_error', data?.error?.message ?? `The server answered ${res.status}.`);
      return data!;
    },
    onSuccess: () => refresh(),
  });
}

export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel';

export function useCampaignAction(ws: string, id: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: ({ action, body }: { action: CampaignAction; body?: StartCampaignBodyT }) =>
      api<CampaignDtoT>(`${one(ws, id)}/${action}`, { method: 'POST', ...(action === 'start' ? { body: body ?? {} } : {}) }),
    onSuccess: refresh,
  });
}

export const resultsCsvUrl = (ws: string, id: string) => apiUrl(`${one(ws, id)}/results.csv`);
