import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PageOf } from '../../../contracts/common';
import type { DomainEventMap } from '../../../contracts/events';
import type {
  CreateNumberBodyT,
  DeleteNumberBodyT,
  LinkBodyT,
  NumberDtoT,
  NumberState,
  UpdateNumberBodyT,
} from '../../../contracts/numbers';
import { api } from '../../api/client';

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}/numbers`;
const one = (ws: string, id: string) => `${base(ws)}/${encodeURIComponent(id)}`;

export const numberKeys = {
  all: (ws: string) => ['numbers', ws] as const,
  list: (ws: string) => ['numbers', ws, 'list'] as const,
  one: (ws: string, id: string) => ['numbers', ws, 'one', id] as const,
};

/** A workspace has a handful of numbers: one page is all of them. */
export function useNumbers(ws: string) {
  return useQuery({
    queryKey: numberKeys.list(ws),
    queryFn: async () => (await api<PageOf<NumberDtoT>>(base(ws), { query: { limit: 200 } })).items,
  });
}

export function useNumber(ws: string, id: string | null) {
  return useQuery({
    queryKey: numberKeys.one(ws, id ?? ''),
    queryFn: () => api<NumberDtoT>(one(ws, id ?? '')),
    enabled: id !== null,
  });
}

/** Puts a fresh copy of one number into both the list and its own query. */
export function storeNumber(qc: QueryClient, ws: string, n: NumberDtoT): void {
  qc.setQueryData(numberKeys.one(ws, n.id), n);
  qc.setQueryData<NumberDtoT[]>(numberKeys.list(ws), (list) => {
    if (!list) return list;
    return list.some((x) => x.id === n.id) ? list.map((x) => (x.id === n.id ? n : x)) : [...list, n];
  });
}

/** States in which WhatsApp may still hand out a QR or pairing code. */
const LINKING: ReadonlySet<NumberState> = new Set(['connecting', 'waiting_for_scan']);

/**
 * Applies a live `number.status` event to whatever is cached. The event carries the
 * state, reason, since and (while waiting for a scan) the current QR / pairing code.
 * Returns false when the number is not cached yet (the caller refetches).
 */
export function applyStatus(qc: QueryClient, ws: string, e: DomainEventMap['number.status']): boolean {
  const patch = (n: NumberDtoT): NumberDtoT => {
    const state = e.state as NumberState;
    let link = n.link;
    if (e.qr !== undefined || e.pairingCode !== undefined) {
      link = { qr: e.qr ?? link?.qr ?? null, pairingCode: e.pairingCode ?? link?.pairingCode ?? null };
    } else if (!LINKING.has(state)) {
      link = null;
    }
    return { ...n, state, stateReason: e.reason, stateSince: e.since, link, ...(e.phone !== undefined ? { phone: e.phone } : {}) };
  };
  let found = false;
  qc.setQueryData<NumberDtoT>(numberKeys.one(ws, e.numberId), (n) => {
    if (!n) return n;
    found = true;
    return patch(n);
  });
  qc.setQueryData<NumberDtoT[]>(numberKeys.list(ws), (list) => {
    if (!list) return list;
    return list.map((n) => {
      if (n.id !== e.numberId) return n;
      found = true;
      return patch(n);
    });
  });
  return found;
}

export function useCreateNumber(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateNumberBodyT) => api<NumberDtoT>(base(ws), { method: 'POST', body }),
    onSuccess: (n) => storeNumber(qc, ws, n),
  });
}

export function useUpdateNumber(ws: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateNumberBodyT) => api<NumberDtoT>(one(ws, id), { method: 'PATCH', body }),
    onSuccess: (n) => storeNumber(qc, ws, n),
  });
}

export function useLinkNumber(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; body: LinkBodyT }) => api<NumberDtoT>(`${one(ws, v.id)}/link`, { method: 'POST', body: v.body }),
    onSuccess: (n) => storeNumber(qc, ws, n),
  });
}

export function useDeleteNumber(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; body: DeleteNumberBodyT }) => api<void>(one(ws, v.id), { method: 'DELETE', body: v.body }),
    onSuccess: (_r, v) => {
      qc.setQueryData<NumberDtoT[]>(numberKeys.list(ws), (list) => list?.filter((n) => n.id !== v.id));
      qc.removeQueries({ queryKey: numberKeys.one(ws, v.id) });
    },
  });
}
