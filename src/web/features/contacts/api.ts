import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PageOf } from '../../../contracts/common';
import type {
  ContactDetailDtoT,
  ContactDtoT,
  ContactFieldDtoT,
  ContactImportDtoT,
  ContactSortT,
  CreateContactBodyT,
  CreateContactFieldBodyT,
  OptOutSettingsDtoT,
  UpdateContactBodyT,
  UpdateContactFieldBodyT,
  UpdateOptOutSettingsBodyT,
} from '../../../contracts/contacts';
import type { LabelDtoT } from '../../../contracts/inbox';
import { api, apiUrl, ApiError } from '../../api/client';

export interface ContactFilters {
  q: string;
  labelId: string | null;
  optedOut: 'any' | 'yes' | 'no';
  fieldKey: string | null;
  fieldValue: string;
  sort: ContactSortT;
}

export const NO_FILTERS: ContactFilters = { q: '', labelId: null, optedOut: 'any', fieldKey: null, fieldValue: '', sort: 'name' };

const wsPath = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;

export function filterQuery(f: ContactFilters): Record<string, string | undefined> {
  return {
    q: f.q.trim() || undefined,
    labelId: f.labelId ?? undefined,
    optedOut: f.optedOut === 'any' ? undefined : f.optedOut === 'yes' ? 'true' : 'false',
    fieldKey: f.fieldKey ?? undefined,
    fieldValue: f.fieldKey && f.fieldValue.trim() ? f.fieldValue.trim() : undefined,
    sort: f.sort,
  };
}

export const exportCsvUrl = (ws: string, f: ContactFilters) => apiUrl(`${wsPath(ws)}/contacts/export`, filterQuery(f));
export const contactExportUrl = (ws: string, id: string) => apiUrl(`${wsPath(ws)}/contacts/${encodeURIComponent(id)}/export`);
export const importReportUrl = (ws: string, id: string) => apiUrl(`${wsPath(ws)}/contacts/import/${encodeURIComponent(id)}/report.csv`);

export function useContacts(ws: string, f: ContactFilters) {
  return useInfiniteQuery({
    queryKey: ['workspace', ws, 'contacts', 'list', f],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<ContactDtoT>>(`${wsPath(ws)}/contacts`, { query: { ...filterQuery(f), limit: 50, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useContact(ws: string, id: string) {
  return useQuery({
    queryKey: ['workspace', ws, 'contacts', 'one', id],
    queryFn: ({ signal }) => api<ContactDetailDtoT>(`${wsPath(ws)}/contacts/${encodeURIComponent(id)}`, { signal }),
  });
}

/** Contacts matching a few typed letters, for pickers (merge). */
export function useContactSearch(ws: string, q: string) {
  return useQuery({
    queryKey: ['workspace', ws, 'contacts', 'search', q],
    queryFn: ({ signal }) => api<PageOf<ContactDtoT>>(`${wsPath(ws)}/contacts`, { query: { q, limit: 20 }, signal }),
    enabled: q.trim().length >= 2,
  });
}

export function useContactFields(ws: string) {
  return useQuery({
    queryKey: ['workspace', ws, 'contacts', 'fields'],
    queryFn: ({ signal }) => api<ContactFieldDtoT[]>(`${wsPath(ws)}/contact-fields`, { signal }),
  });
}

/** The workspace's labels (shared with the inbox). */
export function useWorkspaceLabels(ws: string) {
  return useQuery({
    queryKey: ['workspace', ws, 'labels'],
    queryFn: async ({ signal }) => {
      const answer = await api<LabelDtoT[] | { items: LabelDtoT[] }>(`${wsPath(ws)}/labels`, { signal });
      return Array.isArray(answer) ? answer : answer.items;
    },
  });
}

export function useOptOutSettings(ws: string) {
  return useQuery({
    queryKey: ['workspace', ws, 'contacts', 'opt-out-settings'],
    queryFn: ({ signal }) => api<OptOutSettingsDtoT>(`${wsPath(ws)}/opt-out-settings`, { signal }),
  });
}

function useInvalidateContacts(ws: string) {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['workspace', ws, 'contacts'] });
}

export function useCreateContact(ws: string) {
  const invalidate = useInvalidateContacts(ws);
  return useMutation({
    mutationFn: (body: CreateContactBodyT) => api<ContactDtoT>(`${wsPath(ws)}/contacts`, { method: 'POST', body }),
    onSuccess: invalidate,
  });
}

export function useUpdateContact(ws: string, id: string) {
  const invalidate = useInvalidateContacts(ws);
  return useMutation({
    mutationFn: (body: UpdateContactBodyT) =>
      api<ContactDtoT>(`${wsPath(ws)}/contacts/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    onSuccess: invalidate,
  });
}

/**
 * `onErased` runs before any refresh: refetching the erased contact's own page would answer 404, unmount
 * the confirm dialog and drop a per-call callback, leaving the user on a dead page.
 */
export function useEraseContact(ws: string, onErased: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>(`${wsPath(ws)}/contacts/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: (_done, id) => {
      onErased();
      const erasedKey = ['workspace', ws, 'contacts', 'one', id];
      qc.removeQueries({ queryKey: erasedKey, exact: true });
      return qc.invalidateQueries({
        queryKey: ['workspace', ws, 'contacts'],
        predicate: (q) => q.queryKey[3] !== 'one' || q.queryKey[4] !== id,
      });
    },
  });
}

export function useMergeContacts(ws: string) {
  const invalidate = useInvalidateContacts(ws);
  return useMutation({
    mutationFn: (body: { keepId: string; mergeId: string }) => api<ContactDtoT>(`${wsPath(ws)}/contacts/merge`, { method: 'POST', body }),
    onSuccess: invalidate,
  });
}

export function useFieldMutations(ws: string) {
  const invalidate = useInvalidateContacts(ws);
  return {
    create: useMutation({
      mutationFn: (body: CreateContactFieldBodyT) => api<ContactFieldDtoT>(`${wsPath(ws)}/contact-fields`, { method: 'POST', body }),
      onSuccess: invalidate,
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: UpdateContactFieldBodyT }) =>
        api<ContactFieldDtoT>(`${wsPath(ws)}/contact-fields/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
      onSuccess: invalidate,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<null>(`${wsPath(ws)}/contact-fields/${encodeURIComponent(id)}`, { method: 'DELETE' }),
      onSuccess: invalidate,
    }),
  };
}

export function useUpdateOptOutSettings(ws: string) {
  const invalidate = useInvalidateContacts(ws);
  return useMutation({
    mutationFn: (body: UpdateOptOutSettingsBodyT) => api<OptOutSettingsDtoT>(`${wsPath(ws)}/opt-out-settings`, { method: 'PATCH', body }),
    onSuccess: invalidate,
  });
}

/** Step 1 of an import: the file goes up as multipart/form-data. */
export async function uploadImport(ws: string, file: File): Promise<ContactImportDtoT> {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await fetch(apiUrl(`${wsPath(ws)}/contacts/import`), { method: 'POST', body: form, credentials: 'same-origin' });
  const body = (await res.json().catch(() => null)) as
    (ContactImportDtoT & { error?: { code: string; message: string; details?: Record<string, unknown> } }) | null;
  if (!res.ok || !body)
    throw new ApiError(
      res.status,
      body?.error?.code ?? 'upload_failed',
      body?.error?.message ?? 'The upload failed.',
      body?.error?.details ?? {},
    );
  return body;
}

export const commitImport = (ws: string, id: string, mapping: Record<string, string>) =>
  api<ContactImportDtoT>(`${wsPath(ws)}/contacts/import/${encodeURIComponent(id)}/commit`, { method: 'POST', body: { mapping } });

export function useImport(ws: string, id: string | null, poll: boolean) {
  return useQuery({
    queryKey: ['workspace', ws, 'contacts', 'import', id],
    queryFn: ({ signal }) => api<ContactImportDtoT>(`${wsPath(ws)}/contacts/import/${encodeURIComponent(id!)}`, { signal }),
    enabled: id !== null,
    refetchInterval: poll ? 500 : false,
  });
}
