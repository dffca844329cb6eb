import { useRef } from 'react';
import { Anchor, Badge, Box, Card, Group, Progress, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import {
  IconAlarm,
  IconAlertTriangle,
  IconArrowDownLeft,
  IconArrowUpRight,
  IconBrandWhatsapp,
  IconHourglass,
  IconMessages,
  IconSend,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { Link } from 'react-router';
import type { DashboardDtoT } from '../../../contracts/sla';
import type { NumberState } from '../../../contracts/numbers';
import { useWorkspaceEvents } from '../numbers/live';
import { StatusBadge, STATE_LOOK } from '../numbers/status';
import { BarLineChart, minutesLabel } from '../sla/charts';
import { formatDuration, slaKeys } from '../sla/api';

const REFRESH_MS = 1000;

/** Refetches the dashboard on live events, at most once a second. */
export function useLiveDashboard(workspaceId: string): void {
  const qc = useQueryClient();
  const timer = useRef<number | undefined>(undefined);
  const refresh = () => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      void qc.invalidateQueries({ queryKey: slaKeys.dashboard(workspaceId) });
    }, REFRESH_MS);
  };
  useWorkspaceEvents(workspaceId, {
    onEvent: (event) => {
      if (
        event.type.startsWith('message.') ||
        event.type.startsWith('conversation.') ||
        event.type.startsWith('sla.') ||
        event.type.startsWith('number.') ||
        event.type.startsWith('campaign.')
      )
        refresh();
    },
    onReady: (reconnected) => {
      if (reconnected) refresh();
    },
  });
}

function Stat({
  label,
  value,
  icon: Icon,
  color,
  to,
  testId,
}: {
  label: string;
  value: number | string;
  icon: ComponentType<{ size?: number }>;
  color: string;
  to?: string;
  testId: string;
}) {
  const body = (
    <Group justify="space-between" wrap="nowrap" align="flex-start">
      <Stack gap={2}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {label}
        </Text>
        <Text fz={28} fw={700} lh={1.2} data-testid={testId}>
          {value}
        </Text>
      </Stack>
      <ThemeIcon variant="light" color={color} size={38} radius="md">
        <Icon size={20} />
      </ThemeIcon>
    </Group>
  );
  return to ? (
    <Card withBorder radius="md" p="md" component={Link} to={to} style={{ textDecoration: 'none', color: 'inherit' }}>
      {body}
    </Card>
  ) : (
    <Card withBorder radius="md" p="md">
      {body}
    </Card>
  );
}

export function DashboardOverview({ data, workspaceId }: { data: DashboardDtoT; workspaceId: string }) {
  const base = `/w/${workspaceId}`;
  const c = data.conversations;
  const days = data.responseTimes;
  const labels = days.map((d) => d.date.slice(5));
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md">
        <Stat label="Open" value={c.open} icon={IconMessages} color="brand" to={`${base}/inbox`} testId="stat-open" />
        <Stat label="Waiting" value={c.waiting} icon={IconHourglass} color="blue" to={`${base}/inbox`} testId="stat-waiting" />
        <Stat label="At risk" value={c.atRisk} icon={IconAlertTriangle} color="orange" to={`${base}/inbox`} testId="stat-at-risk" />
        <Stat label="Breached" value={c.breached} icon={IconAlarm} color="red" to={`${base}/inbox`} testId="stat-breached" />
        <Stat label="In today" value={data.messagesToday.in} icon={IconArrowDownLeft} color="teal" testId="stat-in" />
        <Stat label="Out today" value={data.messagesToday.out} icon={IconArrowUpRight} color="grape" testId="stat-out" />
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md">
        <Card withBorder radius="md" p="lg" style={{ gridColumn: 'span 2' }}>
          <Group justify="space-between" mb="sm">
            <Title order={3} fz={16}>
              First response, last 14 days
            </Title>
            <Group gap="xs">
              {data.sla.hitRate14d !== null ? (
                <Badge variant="light" color={data.sla.hitRate14d >= 0.9 ? 'teal' : data.sla.hitRate14d >= 0.7 ? 'yellow' : 'red'}>
                  SLA hit rate {Math.round(data.sla.hitRate14d * 100)}%
                </Badge>
              ) : null}
              <Anchor component={Link} to={`${base}/sla/reports`} size="sm">
                Reports
              </Anchor>
            </Group>
          </Group>
          {days.every((d) => d.responses === 0) ? (
            <Text c="dimmed" size="sm" py={60} ta="center">
              Response times appear here once your team answers customers.
            </Text>
          ) : (
            <BarLineChart
              ariaLabel="First response times over the last 14 days"
              labels={labels}
              bars={{ name: 'median', color: 'var(--mantine-color-teal-5)', values: days.map((d) => d.firstResponseMedianMs) }}
              lines={[{ name: 'p90', color: 'var(--mantine-color-orange-6)', values: days.map((d) => d.firstResponseP90Ms) }]}
              format={minutesLabel}
              unit={60_000}
              height={200}
            />
          )}
        </Card>
        <Card withBorder radius="md" p="lg">
          <Group justify="space-between" mb="sm">
            <Title order={3} fz={16}>
              Numbers
            </Title>
            <Anchor component={Link} to={`${base}/numbers`} size="sm">
              Manage
            </Anchor>
          </Group>
          {data.numbers.length === 0 ? (
            <Text size="sm" c="dimmed">
              No WhatsApp number linked yet.{' '}
              <Anchor component={Link} to={`${base}/numbers`}>
                Link one
              </Anchor>
              .
            </Text>
          ) : (
            <Stack gap="sm">
              {data.numbers.map((n) => (
                <Group key={n.id} justify="space-between" wrap="nowrap">
                  <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
                    <ThemeIcon variant="light" color={STATE_LOOK[n.state as NumberState]?.color ?? 'gray'} radius="xl">
                      <IconBrandWhatsapp size={16} />
                    </ThemeIcon>
                    <Stack gap={0} style={{ minWidth: 0 }}>
                      <Text size="sm" fw={600} truncate>
                        {n.name}
                      </Text>
                      <Text size="xs" c="dimmed" title={`In this state since ${new Date(n.stateSince).toLocaleString()}`}>
                        {n.phone ? `+${n.phone}` : 'not linked'}
                      </Text>
                    </Stack>
                  </Group>
                  <Box style={{ flexShrink: 0 }}>
                    {STATE_LOOK[n.state as NumberState] ? (
                      <StatusBadge state={n.state as NumberState} size="sm" />
                    ) : (
                      <Badge>{n.state}</Badge>
                    )}
                  </Box>
                </Group>
              ))}
            </Stack>
          )}
        </Card>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: data.campaigns ? 2 : 1 }} spacing="md">
        <Card withBorder radius="md" p="lg">
          <Title order={3} fz={16} mb="sm">
            Messages, last 14 days
          </Title>
          <BarLineChart
            ariaLabel="Messages in and out over the last 14 days"
            labels={labels}
            bars={{ name: 'in', color: 'var(--mantine-color-blue-4)', values: days.map((d) => d.messagesIn) }}
            lines={[{ name: 'out', color: 'var(--mantine-color-grape-6)', values: days.map((d) => d.messagesOut) }]}
            height={180}
          />
        </Card>
        {data.campaigns ? (
          <Card withBorder radius="md" p="lg">
            <Group justify="space-between" mb="sm">
              <Title order={3} fz={16}>
                Campaigns in progress
              </Title>
              <Anchor component={Link} to={`${base}/campaigns`} size="sm">
                All campaigns
              </Anchor>
            </Group>
            {data.campaigns.items.length === 0 ? (
              <Group gap="sm">
                <ThemeIcon variant="light" color="gray" radius="xl">
                  <IconSend size={16} />
                </ThemeIcon>
                <Text size="sm" c="dimmed">
                  No campaign is sending right now.
                </Text>
              </Group>
            ) : (
              <Stack gap="md">
                {data.campaigns.items.map((k) => (
                  <Stack key={k.id} gap={4}>
                    <Group justify="space-between">
                      <Text size="sm" fw={600}>
                        {k.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {k.status} · {k.sent} / {k.total}
                      </Text>
                    </Group>
                    <Progress value={k.total ? (k.sent / k.total) * 100 : 0} size="sm" color={k.status === 'paused' ? 'yellow' : 'brand'} />
                  </Stack>
                ))}
              </Stack>
            )}
          </Card>
        ) : null}
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        Live · times in {data.timeZone} · median first response today {formatDuration(days[days.length - 1]?.firstResponseMedianMs ?? null)}
      </Text>
    </Stack>
  );
}
