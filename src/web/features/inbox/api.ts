import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import type { PageOf } from '../../../contracts/common';
import type {
  BulkUpdateBodyT,
  CannedReplyDtoT,
  ConversationDetailDtoT,
  InboxConversationDtoT,
  InboxMessageDtoT,
  LabelDtoT,
  MessagePageT,
  NoteDtoT,
  UpdateConversationBodyT,
} from '../../../contracts/inbox';
import { api } from '../../api/client';

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;

export interface InboxFilters {
  assignee: 'me' | 'unassigned' | 'all';
  status: 'open' | 'pending' | 'resolved' | 'all';
  numberId: string | null;
  labelId: string | null;
  waiting: boolean;
  /** SLA state filter (at risk / breached), and the order: newest activity or nearest SLA deadline. */
  sla?: 'at_risk' | 'breached' | null;
  sort?: 'recent' | 'time_left';
  q: string;
}

export const DEFAULT_FILTERS: InboxFilters = { assignee: 'all', status: 'open', numberId: null, labelId: null, waiting: false, q: '' };

export const inboxKeys = {
  all: (ws: string) => ['workspace', ws, 'inbox'] as const,
  lists: (ws: string) => ['workspace', ws, 'inbox', 'list'] as const,
  list: (ws: string, f: InboxFilters) => ['workspace', ws, 'inbox', 'list', f] as const,
  conversation: (ws: string, id: string) => ['workspace', ws, 'inbox', 'conversation', id] as const,
  messages: (ws: string, id: string) => ['workspace', ws, 'inbox', 'messages', id] as const,
  notes: (ws: string, id: string) => ['workspace', ws, 'inbox', 'notes', id] as const,
  labels: (ws: string) => ['workspace', ws, 'inbox', 'labels'] as const,
  canned: (ws: string) => ['workspace', ws, 'inbox', 'canned'] as const,
  numbers: (ws: string) => ['workspace', ws, 'inbox', 'numbers'] as const,
};

export function useConversations(ws: string, f: InboxFilters) {
  return useInfiniteQuery({
    queryKey: inboxKeys.list(ws, f),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<InboxConversationDtoT>>(`${base(ws)}/conversations`, {
        query: {
          assignee: f.assignee,
          status: f.status,
          numberId: f.numberId,
          labelId: f.labelId,
          waiting: f.waiting ? true : undefined,
          sla: f.sla ?? undefined,
          sort: f.sort === 'time_left' ? 'time_left' : undefined,
          q: f.q.trim() || undefined,
          limit: 100,
          cursor: pageParam,
        },
        signal,
      }),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });
}

export function useConversation(ws: string, id: string | null) {
  return useQuery({
    queryKey: inboxKeys.conversation(ws, id ?? ''),
    enabled: id !== null,
    queryFn: ({ signal }) => api<ConversationDetailDtoT>(`${base(ws)}/conversations/${encodeURIComponent(id!)}`, { signal }),
  });
}

/** Where a page of history starts: the newest messages, older than a cursor, newer than one, or around a message. */
export type MessagesParam = { before?: string; after?: string; around?: string } | null;

export function useMessages(ws: string, id: string, around: string | null) {
  return useInfiniteQuery({
    queryKey: [...inboxKeys.messages(ws, id), around ?? ''],
    initialPageParam: (around ? { around } : null) as MessagesParam,
    queryFn: ({ pageParam, signal }) =>
      api<MessagePageT>(`${base(ws)}/conversations/${encodeURIComponent(id)}/messages`, { query: { limit: 50, ...pageParam }, signal }),
    // "Next" pages go back in time; "previous" pages come forward after opening at a search hit.
    getNextPageParam: (last): MessagesParam | undefined => (last.nextCursor ? { before: last.nextCursor } : undefined),
    getPreviousPageParam: (first): MessagesParam | undefined => (first.newerCursor ? { after: first.newerCursor } : undefined),
  });
}

/** All loaded messages, oldest first. */
export function chronological(data: InfiniteData<MessagePageT> | undefined): InboxMessageDtoT[] {
  if (!data) return [];
  const out: InboxMessageDtoT[] = [];
  for (let i = data.pages.length - 1; i >= 0; i--) {
    const items = data.pages[i]!.items;
    for (let j = items.length - 1; j >= 0; j--) out.push(items[j]!);
  }
  const seen = new Set<string>();
  return out.filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)));
}

export function useNotes(ws: string, id: string) {
  return useQuery({
    queryKey: inboxKeys.notes(ws, id),
    queryFn: ({ signal }) =>
      api<PageOf<NoteDtoT>>(`${base(ws)}/conversations/${encodeURIComponent(id)}/notes`, { query: { limit: 200 }, signal }),
  });
}

export function useLabels(ws: string) {
  return useQuery({
    queryKey: inboxKeys.labels(ws),
    queryFn: ({ signal }) => api<PageOf<LabelDtoT>>(`${base(ws)}/labels`, { signal }),
    select: (page) => page.items,
    staleTime: 60_000,
  });
}

export function useCannedReplies(ws: string) {
  return useQuery({
    queryKey: inboxKeys.canned(ws),
    queryFn: ({ signal }) => api<PageOf<CannedReplyDtoT>>(`${base(ws)}/canned-replies`, { signal }),
    select: (page) => page.items,
    staleTime: 60_000,
  });
}

interface NumberOption {
  id: string;
  name: string;
}

/** The workspace's numbers for the filter; an install without the numbers page simply shows no filter. */
export function useNumberOptions(ws: string) {
  return useQuery({
    queryKey: inboxKeys.numbers(ws),
    queryFn: ({ signal }) => api<PageOf<NumberOption>>(`${base(ws)}/numbers`, { query: { limit: 200 }, signal }),
    select: (page) => page.items.map((n) => ({ value: n.id, label: n.name })),
    retry: false,
    staleTime: 60_000,
  });
}

function useInvalidateInbox(ws: string) {
  const qc = useQueryClient();
  return (conversationId?: string) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: inboxKeys.lists(ws) }),
      conversationId ? qc.invalidateQueries({ queryKey: inboxKeys.conversation(ws, conversationId) }) : null,
    ]);
}

export function useUpdateConversation(ws: string, id: string) {
  const qc = useQueryClient();
  const invalidate = useInvalidateInbox(ws);
  return useMutation({
    mutationFn: (body: UpdateConversationBodyT) =>
      api<ConversationDetailDtoT>(`${base(ws)}/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    onSuccess: (detail) => {
      qc.setQueryData(inboxKeys.conversation(ws, id), detail);
      void invalidate();
    },
  });
}

export function useBulkUpdate(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkUpdateBodyT) => api<{ updated: number }>(`${base(ws)}/conversations/bulk`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: inboxKeys.all(ws) }),
  });
}

export function useSendReply(ws: string, id: string) {
  const qc = useQueryClient();
  const invalidate = useInvalidateInbox(ws);
  return useMutation({
    mutationFn: (body: { text?: string; mediaId?: string; quotedMessageId?: string }) =>
      api<InboxMessageDtoT>(`${base(ws)}/conversations/${encodeURIComponent(id)}/messages`, { method: 'POST', body }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: inboxKeys.messages(ws, id) }), invalidate(id)]),
  });
}

export function useRetry(ws: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { messageId: string; confirm: boolean }) =>
      api<InboxMessageDtoT>(`${base(ws)}/messages/${encodeURIComponent(v.messageId)}/retry`, {
        method: 'POST',
        body: v.confirm ? { confirm: true } : {},
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: inboxKeys.messages(ws, conversationId) }),
  });
}

export function useAddNote(ws: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      api<NoteDtoT>(`${base(ws)}/conversations/${encodeURIComponent(id)}/notes`, { method: 'POST', body: { text } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: inboxKeys.notes(ws, id) }),
  });
}
