import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  ActionIcon,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCheck, IconCopy, IconLink, IconMailPlus, IconX } from '@tabler/icons-react';
import type { Role } from '../../../contracts/common';
import type { InviteDtoT } from '../../../contracts/workspaces';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { EmptyHint, FullPageLoader, QueryError } from '../../components/States';
import { ROLE_LABELS, useCreateInvite, useInvites, useRevokeInvite } from '../workspace/api';
import { formatDate, ROLE_OPTIONS } from './MembersTab';
import { SettingsSection } from './SettingsSection';

const STATUS: Record<InviteDtoT['status'], { label: string; color: string }> = {
  pending: { label: 'Pending', color: 'blue' },
  accepted: { label: 'Accepted', color: 'brand' },
  expired: { label: 'Expired', color: 'gray' },
  revoked: { label: 'Revoked', color: 'red' },
};

function CreatedLink({ url, onDone }: { url: string; onDone: () => void }) {
  return (
    <Alert color="brand" variant="light" icon={<IconLink size={18} />} title="Invite link created" mb="lg">
      <Stack gap="sm">
        <Text size="sm">
          Copy it now and send it to your teammate: for your security it is shown only once. Anyone with this link can join until it expires
          or is revoked.
        </Text>
        <Group gap="xs" wrap="nowrap">
          <TextInput
            value={url}
            readOnly
            aria-label="Invite link"
            data-testid="invite-url"
            style={{ flex: 1 }}
            onFocus={(e) => e.currentTarget.select()}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          />
          <CopyButton value={url} timeout={2000}>
            {({ copied, copy }) => (
              <Button
                onClick={copy}
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                variant={copied ? 'filled' : 'light'}
              >
                {copied ? 'Copied' : 'Copy link'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Group>
          <Button size="xs" variant="subtle" onClick={onDone}>
            Done
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

export function InvitesTab({ workspaceId }: { workspaceId: string }) {
  const invites = useInvites(workspaceId);
  const create = useCreateInvite(workspaceId);
  const revoke = useRevokeInvite(workspaceId);
  const [createdUrl, setCreatedUrl] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<InviteDtoT | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', role: 'agent' as Role, expiresInDays: 7 as number | string },
    validate: {
      email: (v) => (v.trim() === '' || /^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email, or leave it empty'),
      expiresInDays: (v) => {
        const n = Number(v);
        return Number.isInteger(n) && n >= 1 && n <= 30 ? null : 'From 1 to 30 days';
      },
    },
  });

  const items = invites.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="lg">
      <SettingsSection title="Invite a teammate" description="Create a link they open to sign up and join this workspace.">
        {createdUrl ? <CreatedLink url={createdUrl} onDone={() => setCreatedUrl(null)} /> : null}
        <form
          onSubmit={form.onSubmit((v) =>
            create.mutate(
              { role: v.role, expiresInDays: Number(v.expiresInDays), ...(v.email.trim() ? { email: v.email.trim() } : {}) },
              {
                onSuccess: (inv) => {
                  setCreatedUrl(inv.url ?? null);
                  if (!inv.url) notifySuccess('Invite created.');
                  form.reset();
                },
                onError: (err) => {
                  if (err instanceof ApiError && err.code === 'validation_failed' && Object.keys(err.fieldErrors).length)
                    form.setErrors(err.fieldErrors);
                  else notifyError(err, 'Could not create the invite');
                },
              },
            ),
          )}
        >
          <Group align="flex-start" gap="md" wrap="wrap">
            <TextInput
              label="Email (optional)"
              placeholder="teammate@example.com"
              type="email"
              w={{ base: '100%', sm: 260 }}
              {...form.getInputProps('email')}
            />
            <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} w={{ base: '100%', sm: 290 }} {...form.getInputProps('role')} />
            <NumberInput
              label="Expires in (days)"
              min={1}
              max={30}
              allowDecimal={false}
              allowNegative={false}
              w={{ base: '100%', sm: 150 }}
              {...form.getInputProps('expiresInDays')}
            />
          </Group>
          <Text size="xs" c="dimmed" mt={6}>
            With an email, only that address can use the link. Links last 1 to 30 days.
          </Text>
          <Button type="submit" mt="md" leftSection={<IconMailPlus size={16} />} loading={create.isPending}>
            Create invite link
          </Button>
        </form>
      </SettingsSection>

      <SettingsSection title="Invites" description="Links created for this workspace. Revoke a pending link to stop it from working.">
        {invites.isPending ? (
          <FullPageLoader />
        ) : invites.isError ? (
          <QueryError error={invites.error} onRetry={() => void invites.refetch()} />
        ) : items.length === 0 ? (
          <EmptyHint icon={<IconLink size={22} />} title="No invites yet">
            Invite links you create will be listed here with their status.
          </EmptyHint>
        ) : (
          <>
            <Table.ScrollContainer minWidth={640} type="native">
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>For</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th w={48} aria-label="Actions" />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((inv) => (
                    <Table.Tr key={inv.id}>
                      <Table.Td>
                        <Text size="sm">{inv.email ?? 'Anyone with the link'}</Text>
                        {inv.createdBy ? (
                          <Text size="xs" c="dimmed">
                            by {inv.createdBy}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{ROLE_LABELS[inv.role]}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={STATUS[inv.status].color} variant="light" radius="sm">
                          {STATUS[inv.status].label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {formatDate(inv.createdAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {formatDate(inv.expiresAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {inv.status === 'pending' ? (
                          <Tooltip label="Revoke invite">
                            <ActionIcon variant="subtle" color="red" aria-label="Revoke invite" onClick={() => setRevoking(inv)}>
                              <IconX size={16} />
                            </ActionIcon>
                          </Tooltip>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {invites.hasNextPage ? (
              <Group justify="center" mt="md">
                <Button variant="default" onClick={() => void invites.fetchNextPage()} loading={invites.isFetchingNextPage}>
                  Load more
                </Button>
              </Group>
            ) : null}
          </>
        )}
      </SettingsSection>

      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title="Revoke this invite?">
        <Stack>
          <Text size="sm">
            The link {revoking?.email ? `for ${revoking.email} ` : ''}will stop working. Anyone who already joined keeps their access.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() =>
                revoking &&
                revoke.mutate(revoking.id, {
                  onSuccess: () => {
                    notifySuccess('Invite revoked.');
                    setRevoking(null);
                  },
                  onError: (err) => notifyError(err, 'Could not revoke the invite'),
                })
              }
            >
              Revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
