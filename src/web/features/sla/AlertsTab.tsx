import { useEffect, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { SlaChannelsDtoT, UpdateSlaChannelsBodyT } from '../../../contracts/sla';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { FullPageLoader, QueryError } from '../../components/States';
import { useSlaChannels, useSlaDeliveries, useUpdateSlaChannels } from './api';

type Security = 'tls' | 'starttls' | 'none';

export function AlertsTab({ workspaceId }: { workspaceId: string }) {
  const channels = useSlaChannels(workspaceId, true);
  const deliveries = useSlaDeliveries(workspaceId, true);
  const update = useUpdateSlaChannels(workspaceId);
  const [emailTo, setEmailTo] = useState<string[]>([]);
  const [webhookUrl, setWebhookUrl] = useState('');
  const [smtp, setSmtp] = useState({ host: '', port: 587, security: 'starttls' as Security, username: '', password: '', from: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    const c: SlaChannelsDtoT | undefined = channels.data;
    if (!c) return;
    setEmailTo(c.emailTo);
    setWebhookUrl(c.webhookUrl ?? '');
    setSmtp({
      host: c.smtp?.host ?? '',
      port: c.smtp?.port ?? 587,
      security: c.smtp?.security ?? 'starttls',
      username: c.smtp?.username ?? '',
      password: '',
      from: c.smtp?.from ?? '',
    });
  }, [channels.data]);

  if (channels.error) return <QueryError error={channels.error} onRetry={() => void channels.refetch()} />;
  if (!channels.data) return <FullPageLoader />;

  const save = (extra: Partial<UpdateSlaChannelsBodyT> = {}) => {
    const body: UpdateSlaChannelsBodyT = {
      emailTo,
      webhookUrl: webhookUrl.trim() || null,
      smtp: smtp.host.trim()
        ? {
            host: smtp.host.trim(),
            port: smtp.port,
            security: smtp.security,
            username: smtp.username.trim() || null,
            from: smtp.from.trim(),
            ...(smtp.password ? { password: smtp.password } : {}),
          }
        : null,
      ...extra,
    };
    setErrors({});
    update.mutate(body, {
      onSuccess: () => notifySuccess('Alert channels saved.'),
      onError: (err) => {
        if (err instanceof ApiError) setErrors(err.fieldErrors);
        notifyError(err, 'The channels were not saved');
      },
    });
  };

  const secret = channels.data.webhookSecret;
  return (
    <Stack gap="lg" maw={880}>
      <Text size="sm" c="dimmed">
        Every alert appears in the dashboard for the assignee (or every agent while unassigned) and for owners and admins. It can also go to
        email addresses and to a webhook of yours.
      </Text>
      <Card withBorder radius="md" p="lg">
        <Title order={3} fz={16} mb="md">
          Webhook
        </Title>
        <TextInput
          label="URL"
          placeholder="https://example.com/hooks/wasphere"
          value={webhookUrl}
          onChange={(e) => setWebhookUrl(e.currentTarget.value)}
          error={errors['webhookUrl']}
        />
        {secret ? (
          <Stack gap={4} mt="sm">
            <Text size="sm" fw={500}>
              Signing secret
            </Text>
            <Group gap="xs">
              <Code>{secret.slice(0, 12)}…</Code>
              <CopyButton value={secret}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button size="compact-xs" variant="subtle" color="red" onClick={() => save({ rotateWebhookSecret: true })}>
                Rotate
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              Each request carries <Code>X-WaSphere-Signature: t=…,v1=…</Code>: an HMAC-SHA256 of <Code>{'<t>.<body>'}</Code> with this
              secret. Failed deliveries are retried for about 9 hours.
            </Text>
          </Stack>
        ) : null}
      </Card>

      <Card withBorder radius="md" p="lg">
        <Title order={3} fz={16} mb="md">
          Email
        </Title>
        <TagsInput label="Send alerts to" placeholder="ops@yourshop.com" value={emailTo} onChange={setEmailTo} error={errors['emailTo']} />
        <Text size="sm" fw={500} mt="md" mb={4}>
          Outgoing mail server (SMTP)
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <TextInput
            label="Host"
            placeholder="smtp.yourshop.com"
            value={smtp.host}
            onChange={(e) => setSmtp({ ...smtp, host: e.currentTarget.value })}
          />
          <NumberInput label="Port" min={1} max={65535} value={smtp.port} onChange={(v) => setSmtp({ ...smtp, port: Number(v) || 587 })} />
          <Select
            label="Security"
            allowDeselect={false}
            value={smtp.security}
            onChange={(v) => setSmtp({ ...smtp, security: (v ?? 'starttls') as Security })}
            data={[
              { value: 'starttls', label: 'STARTTLS (587)' },
              { value: 'tls', label: 'TLS (465)' },
              { value: 'none', label: 'None (local relay)' },
            ]}
          />
          <TextInput label="Username" value={smtp.username} onChange={(e) => setSmtp({ ...smtp, username: e.currentTarget.value })} />
          <PasswordInput
            label="Password"
            placeholder={channels.data.smtp?.passwordSet ? 'Saved — leave empty to keep' : ''}
            value={smtp.password}
            onChange={(e) => setSmtp({ ...smtp, password: e.currentTarget.value })}
          />
          <TextInput
            label="From"
            placeholder="WaSphere <alerts@yourshop.com>"
            value={smtp.from}
            onChange={(e) => setSmtp({ ...smtp, from: e.currentTarget.value })}
            error={errors['smtp.from']}
          />
        </SimpleGrid>
      </Card>
      <Group justify="flex-end">
        <Button onClick={() => save()} loading={update.isPending}>
          Save channels
        </Button>
      </Group>

      <Card withBorder radius="md" p={0}>
        <Title order={3} fz={16} p="lg" pb="sm">
          Delivery log
        </Title>
        {deliveries.data && deliveries.data.items.length === 0 ? (
          <Text size="sm" c="dimmed" px="lg" pb="lg">
            No email or webhook alert sent yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" horizontalSpacing="lg">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Channel</Table.Th>
                  <Table.Th>To</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>Last error</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deliveries.data?.items.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>{new Date(d.createdAt).toLocaleString()}</Table.Td>
                    <Table.Td>{d.channel === 'webhook' ? 'Webhook' : 'Email'}</Table.Td>
                    <Table.Td style={{ maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                      {d.target}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={d.status === 'delivered' ? 'teal' : d.status === 'failed' ? 'red' : 'yellow'} variant="light">
                        {d.status === 'pending' && d.attempts > 0 ? 'retrying' : d.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{d.attempts}</Table.Td>
                    <Table.Td c="dimmed">{d.lastError ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
