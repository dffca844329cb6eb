import { useState } from 'react';
import { Avatar, Button, Group, Menu, Modal, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconDevices, IconLogout, IconSettings, IconUser } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import type { UserDtoT } from '../../../contracts/auth';
import { notifyError } from '../../api/notify';
import { useLogout } from '../auth/api';

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

export function UserMenu({ user, settingsPath }: { user: UserDtoT; settingsPath: string }) {
  const navigate = useNavigate();
  const logout = useLogout(false);
  const logoutAll = useLogout(true);
  const [confirmAll, setConfirmAll] = useState(false);

  const signOut = () => logout.mutate(undefined, { onError: (e) => notifyError(e, 'Could not sign out') });

  return (
    <>
      <Menu position="bottom-end" width={260} shadow="md">
        <Menu.Target>
          <UnstyledButton aria-label="Account menu" data-testid="user-menu">
            <Group gap={8} wrap="nowrap">
              <Avatar color="brand" radius="xl" size={32}>
                {initials(user.name)}
              </Avatar>
              <Text size="sm" fw={500} visibleFrom="sm" maw={160} truncate="end">
                {user.name}
              </Text>
              <IconChevronDown size={14} color="var(--mantine-color-gray-6)" />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Stack gap={0} px="sm" py={8}>
            <Text size="sm" fw={600} truncate="end">
              {user.name}
            </Text>
            <Text size="xs" c="dimmed" truncate="end">
              {user.email}
            </Text>
          </Stack>
          <Menu.Divider />
          <Menu.Item leftSection={<IconUser size={15} />} onClick={() => navigate(`${settingsPath}/profile`)}>
            Profile
          </Menu.Item>
          <Menu.Item leftSection={<IconSettings size={15} />} onClick={() => navigate(settingsPath)}>
            Settings
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item leftSection={<IconLogout size={15} />} onClick={signOut}>
            Sign out
          </Menu.Item>
          <Menu.Item leftSection={<IconDevices size={15} />} onClick={() => setConfirmAll(true)}>
            Sign out everywhere
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>

      <Modal opened={confirmAll} onClose={() => setConfirmAll(false)} title="Sign out everywhere?">
        <Stack>
          <Text size="sm">
            This ends every session of your account — on this browser and on all other devices. You will need your password to sign in
            again.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmAll(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={logoutAll.isPending}
              onClick={() => logoutAll.mutate(undefined, { onError: (e) => notifyError(e, 'Could not sign out everywhere') })}
            >
              Sign out everywhere
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
