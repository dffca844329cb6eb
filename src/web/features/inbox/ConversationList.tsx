import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type UIEvent } from 'react';
import { Badge, Box, Checkbox, Group, Loader, Text, UnstyledButton } from '@mantine/core';
import type { InboxConversationDtoT } from '../../../contracts/inbox';
import { SlaBadge } from '../sla/SlaBadge';
import { listTime, waited } from './format';

/** Every row has the same height, so the visible slice follows from the scroll offset alone. */
export const ROW_HEIGHT = 78;
const OVERSCAN = 6;

interface Props {
  items: InboxConversationDtoT[];
  activeId: string | null;
  selected: ReadonlySet<string>;
  onOpen: (c: InboxConversationDtoT) => void;
  onToggle: (id: string) => void;
  onEndReached: () => void;
  loadingMore: boolean;
}

function Row(props: {
  c: InboxConversationDtoT;
  active: boolean;
  focused: boolean;
  checked: boolean;
  onOpen: () => void;
  onToggle: () => void;
  top: number;
}) {
  const { c } = props;
  const unread = c.unreadCount > 0;
  return (
    <Box
      role="option"
      aria-selected={props.active}
      id={`conversation-${c.id}`}
      data-testid="conversation-row"
      data-conversation-id={c.id}
      pos="absolute"
      top={props.top}
      left={0}
      right={0}
      h={ROW_HEIGHT}
      px="sm"
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 10,
        borderBottom: '1px solid var(--mantine-color-gray-2)',
        background: props.active ? 'var(--mantine-color-brand-0)' : props.focused ? 'var(--mantine-color-gray-0)' : 'white',
        boxShadow: props.focused ? 'inset 3px 0 0 var(--mantine-color-brand-6)' : undefined,
      }}
    >
      <Checkbox
        size="xs"
        checked={props.checked}
        onChange={props.onToggle}
        aria-label={`Select conversation with ${c.contact.name}`}
        tabIndex={-1}
      />
      <UnstyledButton onClick={props.onOpen} style={{ flex: 1, minWidth: 0 }} tabIndex={-1}>
        <Group justify="space-between" wrap="nowrap" gap={6}>
          <Text size="sm" fw={unread ? 700 : 500} lineClamp={1} className="conversation-name">
            {c.contact.name}
          </Text>
          <Text size="xs" c={unread ? 'brand.8' : 'dimmed'} fw={unread ? 600 : 400} style={{ flexShrink: 0 }}>
            {c.lastMessage ? listTime(c.lastMessage.at) : ''}
          </Text>
        </Group>
        <Group justify="space-between" wrap="nowrap" gap={6}>
          <Text size="xs" c={unread ? undefined : 'dimmed'} lineClamp={1} className="conversation-preview">
            {c.match && c.match.snippet.length > 0
              ? c.match.snippet.map((part, i) =>
                  part.hit ? (
                    <mark key={i} style={{ background: 'var(--mantine-color-yellow-2)', padding: 0 }}>
                      {part.text}
                    </mark>
                  ) : (
                    <span key={i}>{part.text}</span>
                  ),
                )
              : `${c.lastMessage?.direction === 'out' ? 'You: ' : ''}${c.lastMessage?.preview ?? ''}`}
          </Text>
          {unread ? (
            <Badge size="sm" circle={c.unreadCount < 10} variant="filled" style={{ flexShrink: 0 }} aria-label={`${c.unreadCount} unread`}>
              {c.unreadCount > 99 ? '99+' : c.unreadCount}
            </Badge>
          ) : null}
        </Group>
        <Group gap={4} wrap="nowrap" mt={2} style={{ overflow: 'hidden' }}>
          {c.status !== 'open' ? (
            <Badge size="xs" variant="light" color={c.status === 'pending' ? 'yellow' : 'gray'}>
              {c.status}
            </Badge>
          ) : null}
          <SlaBadge sla={c.sla} size="xs" />
          {c.waitingSince && c.status !== 'resolved' && !c.sla ? (
            <Badge size="xs" variant="light" color="orange" title="Customer waiting for a reply">
              waiting {waited(c.waitingSince)}
            </Badge>
          ) : null}
          {c.labels.slice(0, 2).map((l) => (
            <Badge key={l.id} size="xs" variant="dot" color={l.color} tt="none">
              {l.name}
            </Badge>
          ))}
          <Text size="xs" c="dimmed" lineClamp={1} ml="auto" style={{ flexShrink: 1 }}>
            {c.assignee ? c.assignee.name : ''}
          </Text>
        </Group>
      </UnstyledButton>
    </Box>
  );
}

/**
 * The conversation list, windowed: only the rows in view (plus a few either side)
 * exist in the DOM, so thousands of conversations scroll as lightly as fifty.
 * Up/Down move the focus, Enter opens, Space selects.
 */
export function ConversationList(props: Props) {
  const { items, activeId } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [focus, setFocus] = useState(() =>
    Math.max(
      0,
      items.findIndex((c) => c.id === activeId),
    ),
  );

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  const { onEndReached } = props;
  const onScroll = useCallback(
    (e: UIEvent<HTMLDivElement>) => {
      const el = e.currentTarget;
      setScrollTop(el.scrollTop);
      if (el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 10) onEndReached();
    },
    [onEndReached],
  );

  const reveal = (index: number) => {
    const el = viewport.current;
    if (!el) return;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (items.length === 0) return;
    const current = Math.min(focus, items.length - 1);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(items.length - 1, current + (e.key === 'ArrowDown' ? 1 : -1)));
      setFocus(next);
      reveal(next);
      if (next > items.length - 10) onEndReached();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const c = items[current];
      if (c) props.onOpen(c);
    } else if (e.key === ' ') {
      e.preventDefault();
      const c = items[current];
      if (c) props.onToggle(c.id);
    }
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const focused = items[Math.min(focus, items.length - 1)];

  return (
    <Box
      ref={viewport}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      tabIndex={0}
      role="listbox"
      aria-label="Conversations"
      aria-activedescendant={focused ? `conversation-${focused.id}` : undefined}
      data-testid="conversation-list"
      style={{ flex: 1, overflowY: 'auto', minHeight: 0, outline: 'none', position: 'relative' }}
    >
      <Box pos="relative" h={items.length * ROW_HEIGHT + (props.loadingMore ? 40 : 0)}>
        {items.slice(first, last).map((c, i) => {
          const index = first + i;
          return (
            <Row
              key={c.id}
              c={c}
              top={index * ROW_HEIGHT}
              active={c.id === activeId}
              focused={index === focus}
              checked={props.selected.has(c.id)}
              onOpen={() => {
                setFocus(index);
                props.onOpen(c);
              }}
              onToggle={() => props.onToggle(c.id)}
            />
          );
        })}
        {props.loadingMore ? (
          <Group justify="center" pos="absolute" left={0} right={0} top={items.length * ROW_HEIGHT + 8}>
            <Loader size="xs" />
          </Group>
        ) : null}
      </Box>
    </Box>
  );
}
