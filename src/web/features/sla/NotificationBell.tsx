import { ActionIcon, Button, Group, Indicator, Popover, ScrollArea, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { IconAlarm, IconAlertTriangle, IconBell, IconBellOff } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { NotificationDtoT } from '../../../contracts/sla';
import { useWorkspaceEvents } from '../numbers/live';
import { slaKeys, useMarkNotificationsRead, useNotifications } from './api';

function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/**
 * The notification centre in the dashboard header: an unread badge, the latest
 * notifications, live over the workspace event stream (a new one also shows a
 * toast). Opening a notification marks it read and goes to its conversation.
 */
export function NotificationBell({ workspaceId, userId }: { workspaceId: string; userId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const { data } = useNotifications(workspaceId);
  const mark = useMarkNotificationsRead(workspaceId);

  useWorkspaceEvents(workspaceId, {
    onEvent: (event) => {
      if (event.type === 'notification.created' && event.payload.userId === userId) {
        void qc.invalidateQueries({ queryKey: slaKeys.notifications(workspaceId) });
        toasts.show({
          color: event.payload.kind === 'sla.breached' ? 'red' : 'orange',
          title: event.payload.title,
          message: 'Open the notifications to see the conversation.',
          autoClose: 8000,
        });
      }
      if (event.type === 'sla.alert') void qc.invalidateQueries({ queryKey: slaKeys.dashboard(workspaceId) });
    },
    onReady: (reconnected) => {
      if (reconnected) void qc.invalidateQueries({ queryKey: slaKeys.notifications(workspaceId) });
    },
  });

  const unread = data?.unreadCount ?? 0;
  const open = (n: NotificationDtoT) => {
    if (!n.readAt) mark.mutate({ ids: [n.id] });
    setOpened(false);
    if (n.conversationId) navigate(`/w/${workspaceId}/inbox/${n.conversationId}`);
  };

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={360} shadow="md" withArrow>
      <Popover.Target>
        <Indicator label={unread > 99 ? '99+' : unread} size={17} color="red" disabled={unread === 0} offset={5} zIndex={5}>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            radius="md"
            onClick={() => setOpened((o) => !o)}
            aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
            data-testid="notification-bell"
          >
            <IconBell size={20} stroke={1.7} />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
          <Text fw={600} size="sm">
            Notifications
          </Text>
          <Button size="compact-xs" variant="subtle" disabled={unread === 0} onClick={() => mark.mutate({ all: true })}>
            Mark all read
          </Button>
        </Group>
        {data && data.items.length === 0 ? (
          <Stack align="center" gap={6} py="xl">
            <ThemeIcon variant="light" color="gray" radius="xl" size={40}>
              <IconBellOff size={20} />
            </ThemeIcon>
            <Text size="sm" c="dimmed">
              Nothing yet. SLA alerts will appear here.
            </Text>
          </Stack>
        ) : (
          <ScrollArea.Autosize mah={420}>
            <Stack gap={0} role="list" aria-label="Notifications">
              {data?.items.map((n) => {
                const breached = n.kind === 'sla.breached';
                return (
                  <UnstyledButton
                    key={n.id}
                    role="listitem"
                    onClick={() => open(n)}
                    px="md"
                    py="sm"
                    style={{
                      borderBottom: '1px solid var(--mantine-color-gray-1)',
                      background: n.readAt ? undefined : 'var(--mantine-color-brand-0, var(--mantine-color-blue-0))',
                    }}
                  >
                    <Group gap="sm" wrap="nowrap" align="flex-start">
                      <ThemeIcon size={30} radius="xl" variant="light" color={breached ? 'red' : 'orange'}>
                        {breached ? <IconAlarm size={16} /> : <IconAlertTriangle size={16} />}
                      </ThemeIcon>
                      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                        <Text size="sm" fw={n.readAt ? 500 : 700}>
                          {n.title}
                        </Text>
                        <Text size="xs" c="dimmed" lineClamp={2}>
                          {n.body}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {ago(n.createdAt)}
                        </Text>
                      </Stack>
                    </Group>
                  </UnstyledButton>
                );
              })}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
