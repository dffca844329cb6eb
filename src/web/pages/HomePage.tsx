import { useEffect } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlarm, IconBrandWhatsapp, IconClockHour4, IconHistory, IconSettings, IconUsersPlus } from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { Link } from 'react-router';
import { QueryError } from '../components/States';
import { useMe } from '../features/auth/api';
import { DashboardOverview, useLiveDashboard } from '../features/dashboard/DashboardOverview';
import { useDashboard } from '../features/sla/api';
import { useCurrentWorkspace } from '../features/shell/useCurrentWorkspace';
import { canManage, ROLE_LABELS, useWorkspace } from '../features/workspace/api';

interface Step {
  icon: ComponentType<{ size?: number }>;
  title: string;
  text: string;
  to: string;
  action: string;
}

export default function HomePage() {
  const ws = useCurrentWorkspace();
  const { data: me } = useMe();
  const details = useWorkspace(ws.id);
  const manager = canManage(ws.role);
  const base = `/w/${ws.id}`;
  const dashboard = useDashboard(ws.id);
  useLiveDashboard(ws.id);
  // A workspace with no number and no conversation yet gets the setup steps instead of empty charts.
  const d = dashboard.data;
  const empty = d
    ? d.numbers.length === 0 && d.conversations.open + d.conversations.pending === 0 && d.responseTimes.every((r) => r.messagesIn === 0)
    : false;

  useEffect(() => {
    document.title = `${ws.name} · WaSphere`;
  }, [ws.name]);

  const firstName = me?.user.name.trim().split(/\s+/)[0] ?? '';

  const steps: Step[] = manager
    ? [
        {
          icon: IconBrandWhatsapp,
          title: 'Link a WhatsApp number',
          text: 'Scan a QR code with the shop’s phone; its conversations then arrive in the inbox.',
          to: `${base}/numbers`,
          action: 'Link a number',
        },
        {
          icon: IconAlarm,
          title: 'Set your response targets',
          text: 'Decide how fast customers should get an answer; the team is alerted before a target is missed.',
          to: `${base}/sla/policy`,
          action: 'Open SLA policy',
        },
        {
          icon: IconSettings,
          title: 'Check your workspace settings',
          text: details.data
            ? `Time zone ${details.data.timeZone}, activity kept for ${details.data.logRetentionDays} days. Adjust them to fit your store.`
            : 'Set the time zone, default country and how long the activity log is kept.',
          to: `${base}/settings/workspace`,
          action: 'Open workspace settings',
        },
        {
          icon: IconUsersPlus,
          title: 'Bring in your team',
          text: 'Create an invite link for each teammate, or make a login for them yourself.',
          to: `${base}/settings/invites`,
          action: 'Invite teammates',
        },
        {
          icon: IconHistory,
          title: 'See who did what',
          text: 'Every sign-in, setting change and team change is recorded in the activity log.',
          to: `${base}/activity`,
          action: 'Open activity log',
        },
      ]
    : [
        {
          icon: IconSettings,
          title: 'Complete your profile',
          text: 'Check that your name and email are right, so your teammates know who answered.',
          to: `${base}/settings/profile`,
          action: 'Open profile',
        },
        {
          icon: IconHistory,
          title: 'See recent activity',
          text: 'The activity log shows what happened in this workspace.',
          to: `${base}/activity`,
          action: 'Open activity log',
        },
      ];

  return (
    <Stack gap="xl">
      <Card p={{ base: 'lg', sm: 32 }}>
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
          <Stack gap={6}>
            <Text c="dimmed" size="sm">
              Welcome{firstName ? `, ${firstName}` : ''}
            </Text>
            <Title order={1} fz={28}>
              {ws.name}
            </Title>
            <Text c="dimmed" size="sm" maw={560}>
              {empty || !d
                ? 'This is your workspace’s home. Conversations, response times and campaigns appear here as they are set up.'
                : 'Your workspace at a glance. It updates live as messages arrive and conversations change.'}
            </Text>
          </Stack>
          <Group gap="xs">
            <Badge variant="light" size="lg" radius="sm">
              {ROLE_LABELS[ws.role]}
            </Badge>
            {details.data ? (
              <Badge variant="default" size="lg" radius="sm" leftSection={<IconClockHour4 size={13} />}>
                {details.data.timeZone}
              </Badge>
            ) : null}
          </Group>
        </Group>
      </Card>

      {dashboard.error ? <QueryError error={dashboard.error} onRetry={() => void dashboard.refetch()} /> : null}
      {d && !empty ? <DashboardOverview data={d} workspaceId={ws.id} /> : null}

      {empty ? (
        <Stack gap="sm">
          <Title order={2} fz={18}>
            Next steps
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
            {steps.map((s) => (
              <Card key={s.title} style={{ display: 'flex', flexDirection: 'column' }}>
                <ThemeIcon variant="light" size={40} radius="md" mb="md">
                  <s.icon size={21} />
                </ThemeIcon>
                <Text fw={600} mb={4}>
                  {s.title}
                </Text>
                <Text size="sm" c="dimmed" mb="lg" style={{ flex: 1 }}>
                  {s.text}
                </Text>
                <Button component={Link} to={s.to} variant="light" size="sm" style={{ alignSelf: 'flex-start' }}>
                  {s.action}
                </Button>
              </Card>
            ))}
          </SimpleGrid>
        </Stack>
      ) : null}
    </Stack>
  );
}
