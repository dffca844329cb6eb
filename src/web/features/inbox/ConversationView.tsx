import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ActionIcon, Badge, Box, Button, Center, Group, Loader, Menu, Modal, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconCheck, IconChevronDown, IconMail, IconTag, IconUserCheck } from '@tabler/icons-react';
import type { ConversationDetailDtoT, ConversationStatusT, InboxMessageDtoT, NoteDtoT } from '../../../contracts/inbox';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { notifyError } from '../../api/notify';
import { QueryError } from '../../components/States';
import { useMembers } from '../workspace/api';
import { chronological, useConversation, useLabels, useMessages, useNotes, useRetry, useUpdateConversation } from './api';
import { Composer } from './Composer';
import { CHAT_BACKGROUND, dayKey, dayLabel } from './format';
import { MessageBubble, NoteCard } from './MessageBubble';
import { TypingIndicator } from './TypingIndicator';

const STATUS_COLOR: Record<ConversationStatusT, string> = { open: 'green', pending: 'yellow', resolved: 'gray' };

type Item = { kind: 'message'; at: string; message: InboxMessageDtoT } | { kind: 'note'; at: string; note: NoteDtoT };

export function ConversationHeader(props: { workspaceId: string; conversation: ConversationDetailDtoT; me: { id: string; role: string } }) {
  const { workspaceId, conversation: c, me } = props;
  const update = useUpdateConversation(workspaceId, c.id);
  const members = useMembers(workspaceId);
  const labels = useLabels(workspaceId);
  const admin = me.role === 'owner' || me.role === 'admin';

  const patch = (body: Parameters<typeof update.mutate>[0]) =>
    update.mutate(body, { onError: (err) => notifyError(err, 'The change was not saved') });

  // Agents take unassigned conversations and hand back their own; admins assign anyone.
  const assignable = (members.data ?? [])
    .filter((m) => admin || m.userId === me.id || m.userId === c.assignee?.id)
    .map((m) => ({ value: m.userId, label: m.userId === me.id ? `${m.name} (me)` : m.name }));
  const canChangeAssignee = admin || c.assignee === null || c.assignee.id === me.id;

  return (
    <Box px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }} bg="white">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Stack gap={0} style={{ minWidth: 0 }}>
          {/* Badges keep their full text and wrap under the name in a narrow column rather than shrinking to "OP…". */}
          <Group gap={8} wrap="wrap" style={{ rowGap: 4 }}>
            <ActionIcon
              component={Link}
              to={`/w/${workspaceId}/inbox`}
              variant="subtle"
              color="gray"
              hiddenFrom="md"
              aria-label="Back to the list"
            >
              <IconArrowLeft size={18} />
            </ActionIcon>
            <Title order={2} fz={18} lineClamp={1} data-testid="conversation-title">
              {c.contact.name}
            </Title>
            <Badge color={STATUS_COLOR[c.status]} variant="light" data-testid="conversation-status" style={{ flexShrink: 0 }}>
              {c.status}
            </Badge>
            {c.labels.map((l) => (
              <Badge key={l.id} color={l.color} variant="dot" tt="none" visibleFrom="sm" style={{ flexShrink: 0 }}>
                {l.name}
              </Badge>
            ))}
          </Group>
          <Text size="xs" c="dimmed">
            {c.contact.phone ? `+${c.contact.phone}` : 'Phone number not known yet'} · via {c.number.name}
          </Text>
        </Stack>
        <Group gap="xs" wrap="wrap">
          {c.assignee?.id !== me.id && canChangeAssignee ? (
            <Button size="xs" variant="default" leftSection={<IconUserCheck size={15} />} onClick={() => patch({ assigneeId: me.id })}>
              Assign to me
            </Button>
          ) : null}
          <Select
            size="xs"
            w={170}
            aria-label="Assignee"
            placeholder="Unassigned"
            data={assignable}
            value={c.assignee?.id ?? null}
            disabled={!canChangeAssignee}
            clearable
            onChange={(v) => patch({ assigneeId: v })}
          />
          <Menu position="bottom-end" closeOnItemClick={false}>
            <Menu.Target>
              <Button size="xs" variant="default" leftSection={<IconTag size={15} />} aria-label="Labels">
                Labels
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {(labels.data ?? []).length === 0 ? (
                <Menu.Label>{admin ? 'No labels yet: add them in Labels & replies' : 'No labels yet'}</Menu.Label>
              ) : (
                (labels.data ?? []).map((l) => {
                  const on = c.labels.some((x) => x.id === l.id);
                  return (
                    <Menu.Item
                      key={l.id}
                      leftSection={on ? <IconCheck size={14} /> : <Box w={14} />}
                      rightSection={<Box w={8} h={8} bg={`${l.color}.6`} style={{ borderRadius: 8 }} />}
                      onClick={() =>
                        patch({
                          labelIds: on ? c.labels.filter((x) => x.id !== l.id).map((x) => x.id) : [...c.labels.map((x) => x.id), l.id],
                        })
                      }
                    >
                      {l.name}
                    </Menu.Item>
                  );
                })
              )}
            </Menu.Dropdown>
          </Menu>
          <Tooltip label="Mark as unread">
            <Button size="xs" variant="default" onClick={() => patch({ read: false })} aria-label="Mark unread" px={8}>
              <IconMail size={16} />
            </Button>
          </Tooltip>
          {c.status !== 'resolved' ? (
            <Button.Group>
              <Button
                size="xs"
                leftSection={<IconCheck size={15} />}
                onClick={() => patch({ status: 'resolved' })}
                loading={update.isPending}
              >
                Resolve
              </Button>
              <Menu position="bottom-end">
                <Menu.Target>
                  <Button size="xs" px={6} aria-label="More statuses">
                    <IconChevronDown size={14} />
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  {c.status !== 'open' ? <Menu.Item onClick={() => patch({ status: 'open' })}>Mark open</Menu.Item> : null}
                  {c.status !== 'pending' ? <Menu.Item onClick={() => patch({ status: 'pending' })}>Mark pending</Menu.Item> : null}
                </Menu.Dropdown>
              </Menu>
            </Button.Group>
          ) : (
            <Button size="xs" variant="light" onClick={() => patch({ status: 'open' })}>
              Reopen
            </Button>
          )}
        </Group>
      </Group>
    </Box>
  );
}

/** The history, newest at the bottom, loading older pages as the person scrolls up. */
function History(props: { workspaceId: string; conversationId: string; around: string | null; onReply: (m: InboxMessageDtoT) => void }) {
  const { workspaceId, conversationId, around } = props;
  const messages = useMessages(workspaceId, conversationId, around);
  const notes = useNotes(workspaceId, conversationId);
  const retry = useRetry(workspaceId, conversationId);
  const [viewer, setViewer] = useState<{ url: string; caption: string | null } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const restore = useRef<{ height: number; top: number } | null>(null);
  const didInitialScroll = useRef(false);

  const items = useMemo<Item[]>(() => {
    const list: Item[] = chronological(messages.data).map((m) => ({ kind: 'message', at: m.sentAt, message: m }));
    const oldest = list[0]?.at;
    const complete = !messages.hasNextPage;
    for (const n of notes.data?.items ?? []) {
      // A note older than the loaded history waits until that history is loaded.
      if (complete || (oldest && n.createdAt >= oldest)) list.push({ kind: 'note', at: n.createdAt, note: n });
    }
    return list.sort((a, b) => a.at.localeCompare(b.at));
  }, [messages.data, messages.hasNextPage, notes.data]);

  // Keep the view pinned: at the bottom for new messages, in place when older ones load above.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (restore.current) {
      el.scrollTop = restore.current.top + (el.scrollHeight - restore.current.height);
      restore.current = null;
      return;
    }
    if (!didInitialScroll.current && items.length > 0) {
      didInitialScroll.current = true;
      const target = around ? el.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(around)}"]`) : null;
      if (target) target.scrollIntoView({ block: 'center' });
      else el.scrollTop = el.scrollHeight;
      return;
    }
    if (atBottom.current) el.scrollTop = el.scrollHeight;
  }, [items, around]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (el.scrollTop < 120 && messages.hasNextPage && !messages.isFetchingNextPage) {
      restore.current = { height: el.scrollHeight, top: el.scrollTop };
      void messages.fetchNextPage();
    }
    if (atBottom.current && messages.hasPreviousPage && !messages.isFetchingPreviousPage) void messages.fetchPreviousPage();
  }, [messages]);

  const [confirmFor, setConfirmFor] = useState<InboxMessageDtoT | null>(null);
  const runRetry = useCallback(
    (m: InboxMessageDtoT, confirm: boolean) =>
      retry.mutate(
        { messageId: m.id, confirm },
        {
          onError: (err) =>
            err instanceof ApiError && err.code === 'confirmation_required' ? setConfirmFor(m) : notifyError(err, 'Retry failed'),
        },
      ),
    [retry],
  );
  const onRetry = useCallback((m: InboxMessageDtoT) => (m.outcomeUnknown ? setConfirmFor(m) : runRetry(m, false)), [runRetry]);
  const onOpenImage = useCallback((url: string, caption: string | null) => setViewer({ url, caption }), []);

  if (messages.isPending) {
    return (
      <Center style={{ flex: 1 }}>
        <Loader aria-label="Loading messages" />
      </Center>
    );
  }
  if (messages.isError) {
    return (
      <Box p="md" style={{ flex: 1 }}>
        <QueryError error={messages.error} onRetry={() => void messages.refetch()} />
      </Box>
    );
  }

  let lastDay = '';
  return (
    <>
      <Box
        ref={scroller}
        onScroll={onScroll}
        style={{ flex: 1, overflowY: 'auto', minHeight: 0 }}
        px="md"
        py="sm"
        bg={CHAT_BACKGROUND}
        data-testid="history"
        aria-label="Messages"
        role="log"
      >
        {messages.isFetchingNextPage ? (
          <Center py="xs">
            <Loader size="xs" />
          </Center>
        ) : !messages.hasNextPage && items.length > 0 ? (
          <Text ta="center" size="xs" c="dimmed" py="xs">
            Start of the conversation
          </Text>
        ) : null}
        <Stack gap={6}>
          {items.map((item) => {
            const day = dayKey(item.at);
            const separator =
              day !== lastDay ? (
                <Center key={`day-${day}`} py={4}>
                  <Badge variant="white" color="gray" radius="sm" tt="none" fw={500} c="dimmed" data-testid="day-separator">
                    {dayLabel(item.at)}
                  </Badge>
                </Center>
              ) : null;
            lastDay = day;
            return (
              <Fragment key={item.kind === 'message' ? item.message.id : `note-${item.note.id}`}>
                {separator}
                {item.kind === 'message' ? (
                  <MessageBubble
                    message={item.message}
                    onReply={props.onReply}
                    onRetry={onRetry}
                    onOpenImage={onOpenImage}
                    highlighted={item.message.id === around}
                    retrying={retry.isPending && retry.variables?.messageId === item.message.id}
                  />
                ) : (
                  <NoteCard note={item.note} />
                )}
              </Fragment>
            );
          })}
        </Stack>
      </Box>
      <Modal opened={confirmFor !== null} onClose={() => setConfirmFor(null)} title="Send this message again?">
        <Text size="sm">
          The server stopped while this message was being sent, so it may already have reached the customer. Check with them or on the phone
          before sending it again.
        </Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirmFor(null)}>
            Cancel
          </Button>
          <Button
            color="red"
            onClick={() => {
              if (confirmFor) runRetry(confirmFor, true);
              setConfirmFor(null);
            }}
          >
            Send again
          </Button>
        </Group>
      </Modal>
      <Modal opened={viewer !== null} onClose={() => setViewer(null)} size="auto" title={viewer?.caption ?? 'Image'} centered>
        {viewer ? (
          <img
            src={viewer.url}
            alt={viewer.caption ?? 'Image'}
            style={{ display: 'block', maxWidth: '85vw', maxHeight: '80vh', objectFit: 'contain' }}
          />
        ) : null}
      </Modal>
    </>
  );
}

export function ConversationView(props: {
  workspaceId: string;
  conversationId: string;
  around: string | null;
  me: { id: string; role: string };
}) {
  const { workspaceId, conversationId } = props;
  const conversation = useConversation(workspaceId, conversationId);
  const [quoted, setQuoted] = useState<InboxMessageDtoT | null>(null);
  const update = useUpdateConversation(workspaceId, conversationId);
  const unread = conversation.data?.unreadCount ?? 0;

  useEffect(() => setQuoted(null), [conversationId]);

  // Opening a conversation reads it.
  const markRead = update.mutate;
  useEffect(() => {
    if (unread > 0) markRead({ read: true });
  }, [conversationId, unread, markRead]);

  if (conversation.isError) {
    return (
      <Box p="md">
        <QueryError
          error={conversation.error}
          onRetry={
            conversation.error instanceof ApiError && conversation.error.status === 404 ? undefined : () => void conversation.refetch()
          }
        />
      </Box>
    );
  }
  if (!conversation.data) {
    return (
      <Center h="100%">
        <Loader />
      </Center>
    );
  }
  return (
    <Box style={{ display: 'flex', flexDirection: 'column', height: '100%', minWidth: 0 }}>
      <ConversationHeader workspaceId={workspaceId} conversation={conversation.data} me={props.me} />
      <History
        key={`${conversationId}:${props.around ?? ''}`}
        workspaceId={workspaceId}
        conversationId={conversationId}
        around={props.around}
        onReply={setQuoted}
      />
      <TypingIndicator conversationId={conversationId} meId={props.me.id} customerName={conversation.data.contact.name} />
      <Composer
        workspaceId={workspaceId}
        conversationId={conversationId}
        quoted={quoted}
        onClearQuote={() => setQuoted(null)}
        optedOut={conversation.data.contact.optedOut}
      />
    </Box>
  );
}
