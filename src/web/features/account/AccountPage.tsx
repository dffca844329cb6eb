import { useEffect } from 'react';
import { Anchor, Box, Button, Group, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconBuildingStore, IconLock, IconServer, IconUser } from '@tabler/icons-react';
import { Link, Navigate, useParams } from 'react-router';
import { LegalFooter } from '../../components/LegalFooter';
import { Logo } from '../../components/Logo';
import { useMe } from '../auth/api';
import { InstanceTab } from '../settings/InstanceTab';
import { PasswordTab } from '../settings/PasswordTab';
import { ProfileTab } from '../settings/ProfileTab';
import { SectionTabs } from '../settings/SectionTabs';
import { UserMenu } from '../shell/UserMenu';
import { CreateWorkspaceForm } from '../workspace/CreateWorkspaceForm';

/**
 * `/account/:tab`: the person's own settings outside any workspace. Someone whose workspace was
 * deleted, or who was removed from it, still downloads their data, changes their consent and
 * deletes their account here, and can create a workspace or follow an invite link.
 */
export default function AccountPage() {
  const { tab } = useParams();
  const { data: me } = useMe();

  useEffect(() => {
    document.title = 'Your account · WaSphere';
  }, []);

  if (!me) return null; // RequireAuth wraps this route
  const tabs = [
    { value: 'profile', label: 'Profile', icon: IconUser },
    { value: 'password', label: 'Password', icon: IconLock },
    ...(me.user.isInstanceAdmin ? [{ value: 'instance', label: 'Instance', icon: IconServer }] : []),
  ];
  if (!tab || !tabs.some((t) => t.value === tab)) return <Navigate to="/account/profile" replace />;
  const first = me.workspaces[0];

  return (
    <Box mih="100vh" bg="gray.0">
      <Box component="header" bg="white" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Group h={60} px="md" justify="space-between" wrap="nowrap" maw={960} mx="auto">
          <Anchor component={Link} to="/" underline="never" aria-label="WaSphere home">
            <Logo />
          </Anchor>
          <UserMenu user={me.user} settingsPath="/account" />
        </Group>
      </Box>
      <Stack maw={960} mx="auto" px="md" py="xl" gap="xl">
        {first ? (
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Your account settings apply in every workspace.
            </Text>
            <Button component={Link} to={`/w/${first.id}`} variant="default" leftSection={<IconBuildingStore size={16} />}>
              Open {first.name}
            </Button>
          </Group>
        ) : (
          <Paper withBorder p="xl" radius="lg" data-testid="no-workspace">
            <Group align="flex-start" gap="xl" wrap="wrap">
              <Stack gap={6} style={{ flex: '1 1 280px' }}>
                <Title order={1} fz={22}>
                  You’re not in a workspace yet
                </Title>
                <Text size="sm" c="dimmed">
                  Ask a teammate for an invite link, or create a workspace for your own store. Your account stays yours either way: below
                  you can download your data, change your analytics choice or delete your account.
                </Text>
              </Stack>
              <Box style={{ flex: '1 1 280px' }}>
                <CreateWorkspaceForm />
              </Box>
            </Group>
          </Paper>
        )}

        <Stack gap="md">
          <Title order={2} fz={22}>
            Your account
          </Title>
          <SectionTabs tab={tab} tabs={tabs} basePath="/account">
            <Tabs.Panel value="profile">
              <ProfileTab me={me} />
            </Tabs.Panel>
            <Tabs.Panel value="password">
              <PasswordTab />
            </Tabs.Panel>
            {me.user.isInstanceAdmin ? (
              <Tabs.Panel value="instance">
                <InstanceTab />
              </Tabs.Panel>
            ) : null}
          </SectionTabs>
        </Stack>
        <LegalFooter />
      </Stack>
    </Box>
  );
}
