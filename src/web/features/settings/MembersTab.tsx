import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Menu, Modal, PasswordInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconDots, IconKey, IconTrash, IconUserPlus, IconUsers } from '@tabler/icons-react';
import type { MembershipDtoT } from '../../../contracts/auth';
import type { Role } from '../../../contracts/common';
import type { MemberDtoT } from '../../../contracts/workspaces';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { EmptyHint, FullPageLoader, QueryError } from '../../components/States';
import { MIN_PASSWORD, validateEmail, validateName, validateNewPassword } from '../auth/validation';
import {
  canManage,
  ROLE_LABELS,
  useAddMember,
  useChangeMemberRole,
  useMembers,
  useRemoveMember,
  useResetMemberPassword,
} from '../workspace/api';
import { SettingsSection } from './SettingsSection';

export const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: 'agent', label: 'Agent — answers customers' },
  { value: 'admin', label: 'Admin — manages team and settings' },
  { value: 'owner', label: 'Owner — full control' },
];
const ROLE_SHORT = (['owner', 'admin', 'agent'] as const).map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export const formatDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

function AddLoginModal({ workspaceId, opened, onClose }: { workspaceId: string; opened: boolean; onClose: () => void }) {
  const add = useAddMember(workspaceId);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', email: '', password: '', role: 'agent' as Role },
    validate: { name: validateName, email: validateEmail, password: validateNewPassword },
  });
  const close = () => {
    form.reset();
    add.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Add a login">
      <form
        onSubmit={form.onSubmit((v) =>
          add.mutate(
            { name: v.name.trim(), email: v.email.trim(), password: v.password, role: v.role },
            {
              onSuccess: (m) => {
                notifySuccess(`${m.name} can now sign in.`);
                close();
              },
              onError: (err) => {
                if (err instanceof ApiError && err.code === 'email_taken') form.setFieldError('email', err.message);
                else if (err instanceof ApiError && err.code === 'validation_failed') form.setErrors(err.fieldErrors);
                else notifyError(err, 'Could not add the login');
              },
            },
          ),
        )}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            Create the account yourself and hand over the password in person. They can change it in Settings.
          </Text>
          <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
          <TextInput label="Email" type="email" {...form.getInputProps('email')} />
          <PasswordInput
            label="Initial password"
            autoComplete="new-password"
            description={`At least ${MIN_PASSWORD} characters.`}
            {...form.getInputProps('password')}
          />
          <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Add login
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPasswordModal({ workspaceId, member, onClose }: { workspaceId: string; member: MemberDtoT | null; onClose: () => void }) {
  const reset = useResetMemberPassword(workspaceId);
  const form = useForm({
    mode: 'controlled',
    initialValues: { newPassword: '', confirm: '' },
    validate: {
      newPassword: validateNewPassword,
      confirm: (v, values) => (v === values.newPassword ? null : 'The two passwords differ'),
    },
  });
  const close = () => {
    form.reset();
    onClose();
  };
  return (
    <Modal opened={member !== null} onClose={close} title={member ? `Reset password for ${member.name}` : ''}>
      <form
        onSubmit={form.onSubmit((v) => {
          if (!member) return;
          reset.mutate(
            { userId: member.userId, newPassword: v.newPassword },
            {
              onSuccess: () => {
                notifySuccess(`Password for ${member.name} was reset.`);
                close();
              },
              onError: (err) => notifyError(err, 'Could not reset the password'),
            },
          );
        })}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            Give the new password to {member?.name ?? 'them'} in person; they can change it afterwards.
          </Text>
          <PasswordInput label="New password" autoComplete="new-password" data-autofocus {...form.getInputProps('newPassword')} />
          <PasswordInput label="Confirm new password" autoComplete="new-password" {...form.getInputProps('confirm')} />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={reset.isPending}>
              Reset password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RemoveModal({ workspaceId, member, onClose }: { workspaceId: string; member: MemberDtoT | null; onClose: () => void }) {
  const remove = useRemoveMember(workspaceId);
  return (
    <Modal opened={member !== null} onClose={onClose} title="Remove from workspace?">
      <Stack>
        <Text size="sm">
          {member?.name} ({member?.email}) will lose access to this workspace straight away. Their past activity stays in the log.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() =>
              member &&
              remove.mutate(member.userId, {
                onSuccess: () => {
                  notifySuccess(`${member.name} was removed.`);
                  onClose();
                },
                onError: (err) => notifyError(err, 'Could not remove the member'),
              })
            }
          >
            Remove
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function MembersTab({ workspace, currentUserId }: { workspace: MembershipDtoT; currentUserId: string }) {
  const members = useMembers(workspace.id);
  const changeRole = useChangeMemberRole(workspace.id);
  const manager = canManage(workspace.role);
  const [adding, setAdding] = useState(false);
  const [resetFor, setResetFor] = useState<MemberDtoT | null>(null);
  const [removing, setRemoving] = useState<MemberDtoT | null>(null);

  const body = () => {
    if (members.isPending) return <FullPageLoader />;
    if (members.isError) return <QueryError error={members.error} onRetry={() => void members.refetch()} />;
    if (members.data.length === 0) return <EmptyHint icon={<IconUsers size={22} />} title="No members yet" />;
    return (
      <Table.ScrollContainer minWidth={620} type="native">
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th w={170}>Role</Table.Th>
              <Table.Th>Joined</Table.Th>
              {manager ? <Table.Th w={48} aria-label="Actions" /> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data.map((m) => {
              const self = m.userId === currentUserId;
              return (
                <Table.Tr key={m.userId}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={500}>
                        {m.name}
                      </Text>
                      {self ? (
                        <Badge size="xs" variant="light" color="gray">
                          You
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {m.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {manager && !self ? (
                      <Select
                        size="xs"
                        aria-label={`Role of ${m.name}`}
                        data={ROLE_SHORT}
                        value={m.role}
                        allowDeselect={false}
                        disabled={changeRole.isPending && changeRole.variables?.userId === m.userId}
                        onChange={(role) =>
                          role &&
                          role !== m.role &&
                          changeRole.mutate(
                            { userId: m.userId, role },
                            {
                              onSuccess: () => notifySuccess(`${m.name} is now ${ROLE_LABELS[role].toLowerCase()}.`),
                              onError: (err) => notifyError(err, 'Could not change the role'),
                            },
                          )
                        }
                      />
                    ) : (
                      <Badge variant={m.role === 'agent' ? 'default' : 'light'} radius="sm">
                        {ROLE_LABELS[m.role]}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {formatDate(m.joinedAt)}
                    </Text>
                  </Table.Td>
                  {manager ? (
                    <Table.Td>
                      {!self ? (
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${m.name}`}>
                              <IconDots size={16} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item leftSection={<IconKey size={14} />} onClick={() => setResetFor(m)}>
                              Reset password
                            </Menu.Item>
                            <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setRemoving(m)}>
                              Remove from workspace
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      ) : null}
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  };

  return (
    <SettingsSection
      title="Members"
      description="Everyone who can sign in to this workspace, and what they may do."
      actions={
        manager ? (
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)} variant="light">
            Add login
          </Button>
        ) : null
      }
    >
      {body()}
      <AddLoginModal workspaceId={workspace.id} opened={adding} onClose={() => setAdding(false)} />
      <ResetPasswordModal workspaceId={workspace.id} member={resetFor} onClose={() => setResetFor(null)} />
      <RemoveModal workspaceId={workspace.id} member={removing} onClose={() => setRemoving(null)} />
    </SettingsSection>
  );
}
