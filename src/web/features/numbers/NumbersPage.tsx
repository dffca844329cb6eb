import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Card, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconBrandWhatsapp, IconLock, IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { NumberDtoT } from '../../../contracts/numbers';
import { ApiError } from '../../api/client';
import { notifyError } from '../../api/notify';
import { PageHeader } from '../../components/PageHeader';
import { EmptyHint, FullPageLoader, QueryError } from '../../components/States';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import { canManage } from '../workspace/api';
import { useCreateNumber, useNumbers } from './api';
import { LinkDialog } from './LinkDialog';
import { useLiveNumbers } from './live';
import { LiveIndicator } from './LiveIndicator';
import { canRelink, formatPhone, NumberStatus, useNow } from './status';

export const validateNumberName = (v: string): string | null => {
  const t = v.trim();
  if (!t) return 'Give the number a name, e.g. “Sales” or “Support”';
  return t.length > 80 ? 'At most 80 characters' : null;
};

function AddNumberModal({
  workspaceId,
  opened,
  onClose,
  onCreated,
}: {
  workspaceId: string;
  opened: boolean;
  onClose: () => void;
  onCreated: (n: NumberDtoT) => void;
}) {
  const create = useCreateNumber(workspaceId);
  const form = useForm({ mode: 'controlled', initialValues: { name: '' }, validate: { name: validateNumberName } });
  const close = () => {
    form.reset();
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Add a WhatsApp number">
      <form
        onSubmit={form.onSubmit((v) =>
          create.mutate(
            { name: v.name.trim() },
            {
              onSuccess: (n) => {
                form.reset();
                onCreated(n);
              },
              onError: (err) => {
                if (err instanceof ApiError && err.code === 'validation_failed') form.setErrors(err.fieldErrors);
                else notifyError(err, 'Could not add the number');
              },
            },
          ),
        )}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            Name it after what it is used for. Next you link it by scanning a QR code with the phone that has this WhatsApp account.
          </Text>
          <TextInput label="Name" placeholder="Sales" data-autofocus {...form.getInputProps('name')} />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add and link
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const limitsText = (n: NumberDtoT) =>
  `${n.limits.minDelaySeconds}–${n.limits.maxDelaySeconds} s apart · ${n.limits.dailyCap}/day${n.limits.warmup ? ' · warm-up' : ''}`;

export default function NumbersPage() {
  const ws = useCurrentWorkspace();
  const manager = canManage(ws.role);
  const numbers = useNumbers(ws.id);
  const live = useLiveNumbers(ws.id);
  const now = useNow();
  const [adding, setAdding] = useState(false);
  const [linking, setLinking] = useState<string | null>(null);

  useEffect(() => {
    document.title = `Numbers · ${ws.name} · WaSphere`;
  }, [ws.name]);

  const body = () => {
    if (numbers.isPending) return <FullPageLoader />;
    if (numbers.isError) return <QueryError error={numbers.error} onRetry={() => void numbers.refetch()} />;
    if (numbers.data.length === 0) {
      return (
        <Card>
          <EmptyHint icon={<IconBrandWhatsapp size={22} />} title="No WhatsApp numbers yet">
            {manager
              ? 'Add a number and scan its QR code with the phone to start receiving conversations.'
              : 'An owner or admin links the workspace’s WhatsApp numbers.'}
          </EmptyHint>
          {manager ? (
            <Group justify="center" pb="lg">
              <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
                Add number
              </Button>
            </Group>
          ) : null}
        </Card>
      );
    }
    return (
      <Card p={0}>
        <Table.ScrollContainer minWidth={860} type="native">
          <Table data-testid="numbers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th pl="lg">Name</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th w={300}>Status</Table.Th>
                <Table.Th>Sending limits</Table.Th>
                {manager ? <Table.Th w={120} aria-label="Actions" /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {numbers.data.map((n) => (
                <Table.Tr key={n.id} data-testid="number-row" data-number-id={n.id}>
                  <Table.Td pl="lg" style={{ whiteSpace: 'nowrap' }}>
                    <Anchor component={Link} to={n.id} fw={600}>
                      {n.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={n.phone ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                      {formatPhone(n.phone)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <NumberStatus number={n} now={now} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                      {limitsText(n)}
                    </Text>
                  </Table.Td>
                  {manager ? (
                    <Table.Td>
                      {canRelink(n) || n.state === 'waiting_for_scan' ? (
                        <Button size="xs" variant="light" onClick={() => setLinking(n.id)}>
                          {n.state === 'waiting_for_scan' ? 'Show QR' : n.linkedAt ? 'Relink' : 'Link'}
                        </Button>
                      ) : (
                        <Button size="xs" variant="subtle" component={Link} to={n.id}>
                          Manage
                        </Button>
                      )}
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    );
  };

  return (
    <>
      <PageHeader
        title="Numbers"
        description="The WhatsApp numbers this workspace answers from, and whether each is connected right now."
        actions={
          <>
            <LiveIndicator state={live} />
            {manager ? (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
                Add number
              </Button>
            ) : null}
          </>
        }
      />
      {!manager ? (
        <Alert variant="light" color="gray" icon={<IconLock size={18} />} mb="md">
          Only owners and admins can add, link or change numbers.
        </Alert>
      ) : null}
      {body()}
      {manager ? (
        <>
          <AddNumberModal
            workspaceId={ws.id}
            opened={adding}
            onClose={() => setAdding(false)}
            onCreated={(n) => {
              setAdding(false);
              setLinking(n.id);
            }}
          />
          <LinkDialog workspaceId={ws.id} numberId={linking} onClose={() => setLinking(null)} />
        </>
      ) : null}
    </>
  );
}
