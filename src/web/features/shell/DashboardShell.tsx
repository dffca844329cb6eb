import { Suspense } from 'react';
import { Anchor, AppShell, Burger, Box, Group, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Navigate, Outlet, useLocation, useParams } from 'react-router';
import { LogoMark, Logo } from '../../components/Logo';
import { FullPageLoader, EmptyHint } from '../../components/States';
import { LEGAL_LINKS, legalPath } from '../../legal/links';
import { useMe } from '../auth/api';
import { NAV_ITEMS } from './nav';
import { UserMenu } from './UserMenu';
import { UsageTracker } from '../privacy/UsageTracker';
import { NotificationBell } from '../sla/NotificationBell';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';
import { IconBuildingStore } from '@tabler/icons-react';

/** Signed-in layout for everything under /w/:workspaceId. */
export function DashboardShell() {
  const { workspaceId = '' } = useParams();
  const { data: me } = useMe();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);

  if (!me) return null; // RequireAuth wraps this route
  const current = me.workspaces.find((w) => w.id === workspaceId);
  if (!current) {
    const first = me.workspaces[0];
    if (first) {
      return (
        <Box maw={460} mx="auto" mt={80} px="md">
          <EmptyHint icon={<IconBuildingStore size={22} />} title="Workspace not found">
            It does not exist or you are not a member of it.{' '}
            <Anchor component={Link} to={`/w/${first.id}`}>
              Go to {first.name}
            </Anchor>
          </EmptyHint>
        </Box>
      );
    }
    return <Navigate to="/" replace />;
  }

  const base = `/w/${current.id}`;
  const isActive = (path: string) => {
    const full = path ? `${base}/${path}` : base;
    return path
      ? location.pathname === full || location.pathname.startsWith(`${full}/`)
      : location.pathname === base || location.pathname === `${base}/`;
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 256, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'md', sm: 'xl' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Anchor component={Link} to={base} underline="never" aria-label="WaSphere home">
              <Box visibleFrom="xs">
                <Logo />
              </Box>
              <Box hiddenFrom="xs">
                <LogoMark />
              </Box>
            </Anchor>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell workspaceId={current.id} userId={me.user.id} />
            <UserMenu user={me.user} settingsPath={`${base}/settings`} />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="md" aria-label="Main navigation">
        <AppShell.Section mb="md">
          <WorkspaceSwitcher workspaces={me.workspaces} current={current} />
        </AppShell.Section>
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={4} component="nav">
            {NAV_ITEMS.map((item) => {
              const Icon = item.icon;
              return (
                <NavLink
                  key={item.path || 'home'}
                  component={Link}
                  to={item.path ? `${base}/${item.path}` : base}
                  label={item.label}
                  leftSection={<Icon size={19} stroke={1.6} />}
                  active={isActive(item.path)}
                  onClick={close}
                  variant="light"
                  style={{ borderRadius: 'var(--mantine-radius-md)' }}
                  fw={500}
                />
              );
            })}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Group gap={10} wrap="wrap" px={6}>
            {LEGAL_LINKS.map((l) => (
              <Anchor key={l.slug} component={Link} to={legalPath(l.slug)} size="xs" c="dimmed">
                {l.label}
              </Anchor>
            ))}
          </Group>
          <Text size="xs" c="dimmed" px={6} mt={6}>
            Self-hosted · your data stays on this server
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main bg="gray.0">
        <Box maw={1120} mx="auto">
          <Suspense fallback={<FullPageLoader />}>
            <Outlet context={current} />
            <UsageTracker consent={me.user.analyticsConsent} workspaceId={current.id} />
          </Suspense>
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
