import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Anchor,
  Badge,
  Box,
  Button,
  Chip,
  CloseButton,
  Divider,
  Group,
  Menu,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconInbox, IconSearch, IconSettings, IconTag } from '@tabler/icons-react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { InboxConversationDtoT } from '../../../contracts/inbox';
import { notifyError, notifySuccess } from '../../api/notify';
import { EmptyHint, FullPageLoader, QueryError } from '../../components/States';
import { useMe } from '../auth/api';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import {
  DEFAULT_FILTERS,
  useBulkUpdate,
  useConversation,
  useConversations,
  useLabels,
  useNotes,
  useNumberOptions,
  type InboxFilters,
} from './api';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import { clock } from './format';
import { useLiveInbox } from './live';
import { ManageModal } from './ManageModal';

const FILTERS_KEY = 'wasphere.inbox.filters';

function loadFilters(ws: string): InboxFilters {
  try {
    const saved = JSON.parse(window.localStorage.getItem(`${FILTERS_KEY}.${ws}`) ?? 'null') as Partial<InboxFilters> | null;
    return { ...DEFAULT_FILTERS, ...(saved ?? {}), q: '' };
  } catch {
    return DEFAULT_FILTERS;
  }
}

function ContactPanel({ workspaceId, conversationId }: { workspaceId: string; conversationId: string }) {
  const conversation = useConversation(workspaceId, conversationId);
  const notes = useNotes(workspaceId, conversationId);
  const c = conversation.data;
  if (!c) return null;
  return (
    <ScrollArea h="100%" type="auto">
      <Stack gap="md" p="md">
        <Stack gap={2}>
          <Text fw={650} data-testid="contact-name">
            {c.contact.name}
          </Text>
          <Text size="sm" c="dimmed">
            {c.contact.phone ? `+${c.contact.phone}` : 'Phone number not known yet'}
          </Text>
          {c.contact.optedOut ? (
            <Badge color="orange" variant="light" w="fit-content">
              Opted out
            </Badge>
          ) : null}
        </Stack>
        <Stack gap={4}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Labels
          </Text>
          {c.labels.length === 0 ? (
            <Text size="sm" c="dimmed">
              None
            </Text>
          ) : (
            <Group gap={4}>
              {c.labels.map((l) => (
                <Badge key={l.id} variant="light" color={l.color} tt="none">
                  {l.name}
                </Badge>
              ))}
            </Group>
          )}
        </Stack>
        <Stack gap={4}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Notes
          </Text>
          {(notes.data?.items ?? []).length === 0 ? (
            <Text size="sm" c="dimmed">
              No notes yet. Switch the composer to Note to add one.
            </Text>
          ) : (
            notes.data!.items.slice(0, 10).map((n) => (
              <Paper key={n.id} p={8} bg="yellow.0" withBorder style={{ borderColor: 'var(--mantine-color-yellow-3)' }}>
                <Text size="xs" c="yellow.9">
                  {n.author?.name ?? 'someone'} · {clock(n.createdAt)}
                </Text>
                <Text size="sm" lineClamp={4} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {n.text}
                </Text>
              </Paper>
            ))
          )}
        </Stack>
        <Stack gap={4}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Other conversations
          </Text>
          {c.otherConversations.length === 0 ? (
            <Text size="sm" c="dimmed">
              Only this one
            </Text>
          ) : (
            c.otherConversations.map((o) => (
              <Anchor key={o.id} component={Link} to={`/w/${workspaceId}/inbox/${o.id}`} size="sm">
                {o.number.name} · {o.status}
              </Anchor>
            ))
          )}
        </Stack>
      </Stack>
    </ScrollArea>
  );
}

export default function InboxPage() {
  const ws = useCurrentWorkspace();
  const { data: me } = useMe();
  const { conversationId = null } = useParams();
  const [params] = useSearchParams();
  const around = params.get('m');
  const navigate = useNavigate();
  const [filters, setFilters] = useState<InboxFilters>(() => loadFilters(ws.id));
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [manage, setManage] = useState(false);
  const live = useLiveInbox(ws.id);
  const labels = useLabels(ws.id);
  const numbers = useNumberOptions(ws.id);
  const bulk = useBulkUpdate(ws.id);
  const admin = ws.role === 'owner' || ws.role === 'admin';

  const effective = useMemo(() => ({ ...filters, q: debounced }), [filters, debounced]);
  const list = useConversations(ws.id, effective);
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  useEffect(() => {
    document.title = `Inbox · ${ws.name} · WaSphere`;
  }, [ws.name]);

  useEffect(() => {
    try {
      window.localStorage.setItem(`${FILTERS_KEY}.${ws.id}`, JSON.stringify({ ...filters, q: '' }));
    } catch {
      // Private mode: filters reset on reload.
    }
  }, [filters, ws.id]);

  const setFilter = <K extends keyof InboxFilters>(key: K, value: InboxFilters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setSelected(new Set());
  };

  const open = useCallback(
    (c: InboxConversationDtoT) => {
      const hit = c.match?.messageId;
      navigate(`/w/${ws.id}/inbox/${c.id}${hit ? `?m=${encodeURIComponent(hit)}` : ''}`);
    },
    [navigate, ws.id],
  );
  const toggle = useCallback((id: string) => {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const onEndReached = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const runBulk = (body: Omit<Parameters<typeof bulk.mutate>[0], 'ids'>, done: string) =>
    bulk.mutate(
      { ids: [...selected], ...body },
      {
        onSuccess: (r) => {
          notifySuccess(`${done}: ${r.updated} conversation${r.updated === 1 ? '' : 's'}`);
          setSelected(new Set());
        },
        onError: (err) => notifyError(err, 'The change was not saved'),
      },
    );

  if (!me) return <FullPageLoader />;
  const searching = debounced.trim() !== '';

  return (
    <Paper
      withBorder
      style={{ display: 'flex', height: 'calc(100dvh - 60px - 2 * var(--app-shell-padding, 32px))', minHeight: 520, overflow: 'hidden' }}
      data-testid="inbox"
    >
      {/* Filters and the list */}
      <Box
        w={{ base: conversationId ? 0 : '100%', md: 340 }}
        style={{
          display: 'flex',
          flexDirection: 'column',
          borderRight: '1px solid var(--mantine-color-gray-3)',
          flexShrink: 0,
          overflow: 'hidden',
        }}
      >
        <Stack gap={8} p="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
          <Group justify="space-between" wrap="nowrap">
            <Group gap={6}>
              <Text fw={650} fz="lg">
                Inbox
              </Text>
              <Tooltip label={live === 'live' ? 'Live: updates appear as they happen' : 'Reconnecting to live updates…'}>
                <Box
                  w={8}
                  h={8}
                  style={{
                    borderRadius: 8,
                    background: live === 'live' ? 'var(--mantine-color-green-6)' : 'var(--mantine-color-orange-5)',
                  }}
                  aria-label={live === 'live' ? 'Live' : 'Reconnecting'}
                  data-testid="live-status"
                  data-status={live}
                />
              </Tooltip>
            </Group>
            {admin ? (
              <Button
                size="compact-xs"
                variant="subtle"
                color="gray"
                leftSection={<IconSettings size={14} />}
                onClick={() => setManage(true)}
              >
                Labels & replies
              </Button>
            ) : null}
          </Group>
          <TextInput
            size="xs"
            placeholder="Search messages and contacts"
            aria-label="Search"
            leftSection={<IconSearch size={14} />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            rightSection={search ? <CloseButton size="xs" onClick={() => setSearch('')} aria-label="Clear search" /> : null}
          />
          <SegmentedControl
            size="xs"
            fullWidth
            value={filters.assignee}
            onChange={(v) => setFilter('assignee', v as InboxFilters['assignee'])}
            data={[
              { value: 'me', label: 'Mine' },
              { value: 'unassigned', label: 'Unassigned' },
              { value: 'all', label: 'All' },
            ]}
            aria-label="Assignee filter"
          />
          <Group gap={6} wrap="nowrap">
            <Select
              size="xs"
              aria-label="Status"
              value={filters.status}
              onChange={(v) => setFilter('status', (v ?? 'open') as InboxFilters['status'])}
              data={[
                { value: 'open', label: 'Open' },
                { value: 'pending', label: 'Pending' },
                { value: 'resolved', label: 'Resolved' },
                { value: 'all', label: 'Any status' },
              ]}
              allowDeselect={false}
              style={{ flex: 1 }}
            />
            {numbers.data && numbers.data.length > 1 ? (
              <Select
                size="xs"
                aria-label="Number"
                placeholder="All numbers"
                value={filters.numberId}
                onChange={(v) => setFilter('numberId', v)}
                data={numbers.data}
                clearable
                style={{ flex: 1 }}
              />
            ) : null}
            <Select
              size="xs"
              aria-label="Label"
              placeholder="Any label"
              value={filters.labelId}
              onChange={(v) => setFilter('labelId', v)}
              data={(labels.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
              clearable
              leftSection={<IconTag size={13} />}
              style={{ flex: 1 }}
            />
          </Group>
          <Group gap={6} wrap="wrap">
            <Chip size="xs" checked={filters.waiting} onChange={(v) => setFilter('waiting', v)}>
              Waiting for a reply
            </Chip>
            <Chip size="xs" color="orange" checked={filters.sla === 'at_risk'} onChange={(v) => setFilter('sla', v ? 'at_risk' : null)}>
              At risk
            </Chip>
            <Chip size="xs" color="red" checked={filters.sla === 'breached'} onChange={(v) => setFilter('sla', v ? 'breached' : null)}>
              Breached
            </Chip>
            <Chip size="xs" checked={filters.sort === 'time_left'} onChange={(v) => setFilter('sort', v ? 'time_left' : 'recent')}>
              Least time left first
            </Chip>
          </Group>
        </Stack>
        {selected.size > 0 ? (
          <Group gap={6} px="sm" py={6} bg="brand.0" wrap="wrap" data-testid="bulk-bar">
            <Text size="xs" fw={600}>
              {selected.size} selected
            </Text>
            <Button size="compact-xs" onClick={() => runBulk({ status: 'resolved' }, 'Resolved')} loading={bulk.isPending}>
              Resolve
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => runBulk({ status: 'open' }, 'Reopened')}>
              Reopen
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => runBulk({ assigneeId: me.user.id }, 'Assigned to you')}>
              Assign to me
            </Button>
            <Menu>
              <Menu.Target>
                <Button size="compact-xs" variant="default" disabled={(labels.data ?? []).length === 0}>
                  Label
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {(labels.data ?? []).map((l) => (
                  <Menu.Item key={l.id} onClick={() => runBulk({ addLabelIds: [l.id] }, `Labelled ${l.name}`)}>
                    {l.name}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <CloseButton size="sm" ml="auto" onClick={() => setSelected(new Set())} aria-label="Clear selection" />
          </Group>
        ) : null}
        {list.isPending ? (
          <FullPageLoader />
        ) : list.isError ? (
          <Box p="sm">
            <QueryError error={list.error} onRetry={() => void list.refetch()} />
          </Box>
        ) : items.length === 0 ? (
          <EmptyHint icon={<IconInbox size={22} />} title={searching ? 'Nothing found' : 'No conversations here'}>
            {searching
              ? 'No message or contact matches. Try fewer or other words.'
              : 'When customers write to your numbers, their conversations appear here. Try another filter.'}
          </EmptyHint>
        ) : (
          <ConversationList
            items={items}
            activeId={conversationId}
            selected={selected}
            onOpen={open}
            onToggle={toggle}
            onEndReached={onEndReached}
            loadingMore={list.isFetchingNextPage}
          />
        )}
      </Box>

      {/* The conversation */}
      <Box style={{ flex: 1, minWidth: 0, display: conversationId ? 'block' : undefined }} visibleFrom={conversationId ? undefined : 'md'}>
        {conversationId ? (
          <ConversationView
            key={conversationId}
            workspaceId={ws.id}
            conversationId={conversationId}
            around={around}
            me={{ id: me.user.id, role: ws.role }}
          />
        ) : (
          <Stack h="100%" justify="center" bg="gray.0">
            <EmptyHint icon={<IconInbox size={22} />} title="Pick a conversation">
              Choose one on the left. Up and Down move through the list, Enter opens.
            </EmptyHint>
          </Stack>
        )}
      </Box>

      {/* The contact */}
      {conversationId ? (
        <>
          <Divider orientation="vertical" visibleFrom="lg" />
          <Box w={260} visibleFrom="lg" style={{ flexShrink: 0 }} bg="gray.0" data-testid="contact-panel">
            <ContactPanel workspaceId={ws.id} conversationId={conversationId} />
          </Box>
        </>
      ) : null}
      <ManageModal workspaceId={ws.id} opened={manage} onClose={() => setManage(false)} />
    </Paper>
  );
}
