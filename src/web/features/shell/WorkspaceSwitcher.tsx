import { useState } from 'react';
import { Menu, Modal, Stack, Text, UnstyledButton, Group, ThemeIcon } from '@mantine/core';
import { IconBuildingStore, IconCheck, IconPlus, IconSelector } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import type { MembershipDtoT } from '../../../contracts/auth';
import { notifySuccess } from '../../api/notify';
import { ROLE_LABELS } from '../workspace/api';
import { CreateWorkspaceForm } from '../workspace/CreateWorkspaceForm';

export function WorkspaceSwitcher({ workspaces, current }: { workspaces: MembershipDtoT[]; current: MembershipDtoT }) {
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

  return (
    <>
      <Menu position="bottom-start" width="target" shadow="md">
        <Menu.Target>
          <UnstyledButton
            aria-label="Switch workspace"
            p="xs"
            w="100%"
            style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 'var(--mantine-radius-md)' }}
          >
            <Group gap="sm" wrap="nowrap">
              <ThemeIcon variant="light" size={34} radius="md">
                <IconBuildingStore size={18} />
              </ThemeIcon>
              <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                <Text size="sm" fw={600} truncate="end" data-testid="current-workspace">
                  {current.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {ROLE_LABELS[current.role]}
                </Text>
              </Stack>
              <IconSelector size={16} color="var(--mantine-color-gray-6)" />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Workspaces</Menu.Label>
          {workspaces.map((w) => (
            <Menu.Item
              key={w.id}
              onClick={() => navigate(`/w/${w.id}`)}
              rightSection={w.id === current.id ? <IconCheck size={14} /> : null}
            >
              <Text size="sm" truncate="end">
                {w.name}
              </Text>
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
            New workspace
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>

      <Modal opened={creating} onClose={() => setCreating(false)} title="New workspace">
        <Stack>
          <Text size="sm" c="dimmed">
            A workspace holds one store or brand: its numbers, conversations, contacts and team.
          </Text>
          <CreateWorkspaceForm
            onCancel={() => setCreating(false)}
            onCreated={(ws) => {
              notifySuccess(`Workspace “${ws.name}” created.`);
              setCreating(false);
            }}
          />
        </Stack>
      </Modal>
    </>
  );
}
