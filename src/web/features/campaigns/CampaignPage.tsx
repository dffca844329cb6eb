import { useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowLeft, IconDownload, IconPlayerPause, IconPlayerPlay, IconX } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import type { CampaignDtoT, RecipientStatusT } from '../../../contracts/campaigns';
import { errorMessage } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { FullPageLoader, QueryError } from '../../components/States';
import { useNumbers } from '../numbers/api';
import { resultsCsvUrl, useCampaign, useCampaignAction, useCreateCampaign, useRecipients, type CampaignAction } from './api';
import { CampaignBuilder } from './CampaignBuilder';
import { useWorkspaceRole } from './CampaignsPage';
import { CAMPAIGN_STATUS, RECIPIENT_STATUS, SKIP_REASON } from './labels';
import { useLiveCampaigns } from './live';

const fail = (error: unknown) => notifications.show({ color: 'red', title: 'That did not work', message: errorMessage(error) });

/** /campaigns/new: a name, then the draft opens in the builder. */
export function NewCampaignPage() {
  const { workspaceId } = useWorkspaceRole();
  const navigate = useNavigate();
  const create = useCreateCampaign(workspaceId);
  const numbers = useNumbers(workspaceId);
  const [name, setName] = useState('');
  return (
    <>
      <PageHeader title="New campaign" description="Name it; the audience, message and pacing come next." />
      <Card withBorder padding="lg" maw={560}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const connected = (numbers.data ?? []).filter((n) => n.state === 'connected').map((n) => n.id);
            create.mutate(
              { name: name.trim(), numberIds: connected.slice(0, 1) },
              { onSuccess: (c) => void navigate(`/w/${workspaceId}/campaigns/${c.id}`), onError: fail },
            );
          }}
        >
          <Stack>
            <TextInput
              label="Campaign name"
              placeholder="June offer"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              maxLength={120}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button type="submit" disabled={name.trim() === ''} loading={create.isPending}>
                Create draft
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}

export default function CampaignPage() {
  const { campaignId } = useParams();
  const { workspaceId, canManage } = useWorkspaceRole();
  const campaign = useCampaign(workspaceId, campaignId);
  useLiveCampaigns(workspaceId, campaignId ?? null);
  if (!campaignId) return <NewCampaignPage />;
  if (campaign.isPending) return <FullPageLoader />;
  if (campaign.isError) return <QueryError error={campaign.error} onRetry={() => void campaign.refetch()} />;
  const c = campaign.data;
  return (
    <>
      <Anchor
        component={Link}
        to={`/w/${workspaceId}/campaigns`}
        size="sm"
        mb="xs"
        display="inline-flex"
        style={{ alignItems: 'center', gap: 4 }}
      >
        <IconArrowLeft size={14} /> Campaigns
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm">
            {c.name}
            <Badge variant="light" size="lg" color={CAMPAIGN_STATUS[c.status].color}>
              {CAMPAIGN_STATUS[c.status].label}
            </Badge>
          </Group>
        }
        description={describe(c)}
        actions={<Actions workspaceId={workspaceId} campaign={c} canManage={canManage} />}
      />
      {c.status === 'draft' && canManage ? (
        <CampaignBuilder workspaceId={workspaceId} campaign={c} />
      ) : (
        <Progressview workspaceId={workspaceId} campaign={c} />
      )}
    </>
  );
}

function describe(c: CampaignDtoT): string {
  if (c.status === 'scheduled' && c.scheduledAt) return `Starts ${new Date(c.scheduledAt).toLocaleString()}`;
  if (c.startedAt)
    return `Started ${new Date(c.startedAt).toLocaleString()}${c.finishedAt ? ` · finished ${new Date(c.finishedAt).toLocaleString()}` : ''}`;
  return 'Draft: build the audience and the message, then start.';
}

function Actions({ workspaceId, campaign, canManage }: { workspaceId: string; campaign: CampaignDtoT; canManage: boolean }) {
  const action = useCampaignAction(workspaceId, campaign.id);
  const run = (a: CampaignAction) => action.mutate({ action: a }, { onError: fail });
  const s = campaign.status;
  return (
    <>
      {s !== 'draft' ? (
        <Button component="a" href={resultsCsvUrl(workspaceId, campaign.id)} variant="default" leftSection={<IconDownload size={16} />}>
          Export results
        </Button>
      ) : null}
      {canManage && (s === 'sending' || s === 'scheduled') ? (
        <Button
          variant="light"
          color="orange"
          leftSection={<IconPlayerPause size={16} />}
          loading={action.isPending}
          onClick={() => run('pause')}
        >
          Pause
        </Button>
      ) : null}
      {canManage && s === 'paused' ? (
        <Button leftSection={<IconPlayerPlay size={16} />} loading={action.isPending} onClick={() => run('resume')}>
          Resume
        </Button>
      ) : null}
      {canManage && ['draft', 'scheduled', 'sending', 'paused'].includes(s) ? (
        <Button
          variant="subtle"
          color="red"
          leftSection={<IconX size={16} />}
          onClick={() => {
            if (window.confirm('Cancel this campaign? Recipients not yet sent will be skipped. This cannot be undone.')) run('cancel');
          }}
        >
          Cancel
        </Button>
      ) : null}
    </>
  );
}

const FILTERS: Array<{ value: string; label: string }> = [
  { value: 'all', label: 'All' },
  ...(['queued', 'sent', 'delivered', 'read', 'replied', 'failed', 'needs_review', 'skipped'] as const).map((s) => ({
    value: s,
    label: RECIPIENT_STATUS[s].label,
  })),
];

function Progressview({ workspaceId, campaign }: { workspaceId: string; campaign: CampaignDtoT }) {
  const [filter, setFilter] = useState('all');
  const recipients = useRecipients(workspaceId, campaign.id, filter === 'all' ? null : (filter as RecipientStatusT), 100);
  const numbers = useNumbers(workspaceId);
  const names = new Map((numbers.data ?? []).map((n) => [n.id, n.name]));
  const k = campaign.counts;
  const sendable = k.total - k.skipped;
  const handed = k.sent + k.delivered + k.read + k.replied;
  // Each stage counts everyone who reached it or went further.
  const funnel = [
    { label: 'Sent', value: handed, color: 'cyan' },
    { label: 'Delivered', value: k.delivered + k.read + k.replied, color: 'teal' },
    { label: 'Read', value: k.read + k.replied, color: 'green' },
    { label: 'Replied', value: k.replied, color: 'lime' },
  ];
  const pct = (n: number) => (sendable > 0 ? Math.round((n / sendable) * 1000) / 10 : 0);
  return (
    <Stack gap="lg">
      {campaign.status === 'paused' && campaign.pauseReason ? (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title={campaign.autoPaused ? 'Paused automatically' : 'Paused'}>
          {campaign.pauseReason}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} data-testid="counts">
        <Count label="Recipients" value={sendable} />
        <Count label="Waiting" value={k.queued + k.sending} />
        <Count label="Sent" value={handed} color="cyan" />
        <Count label="Failed" value={k.failed} color={k.failed ? 'red' : undefined} />
        <Count label="Needs review" value={k.needs_review} color={k.needs_review ? 'orange' : undefined} />
        <Count label="Skipped" value={k.skipped} color={k.skipped ? 'yellow.8' : undefined} />
      </SimpleGrid>
      <Card withBorder padding="lg">
        <Title order={3} fz="lg" mb="md">
          Funnel
        </Title>
        <Stack gap="sm">
          {funnel.map((f) => (
            <Group key={f.label} gap="md" wrap="nowrap">
              <Text size="sm" w={90}>
                {f.label}
              </Text>
              <Progress value={pct(f.value)} color={f.color} size="lg" style={{ flex: 1 }} />
              <Text size="sm" w={120} ta="right">
                {f.value.toLocaleString()} · {pct(f.value)}%
              </Text>
            </Group>
          ))}
        </Stack>
        {Object.keys(campaign.skipped).length ? (
          <Group gap="xs" mt="md">
            <Text size="sm" c="dimmed">
              Skipped:
            </Text>
            {Object.entries(campaign.skipped).map(([reason, n]) => (
              <Badge key={reason} variant="light" color="yellow">
                {SKIP_REASON[reason] ?? reason}: {n}
              </Badge>
            ))}
          </Group>
        ) : null}
      </Card>
      <Card withBorder padding={0}>
        <Group justify="space-between" p="md">
          <Title order={3} fz="lg">
            Recipients
          </Title>
          <SegmentedControl size="xs" data={FILTERS} value={filter} onChange={setFilter} />
        </Group>
        <Table verticalSpacing="xs" horizontalSpacing="md" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Phone</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Number</Table.Th>
              <Table.Th>Queued</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(recipients.data?.items ?? []).map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{r.phone ?? <Text c="dimmed">{r.raw}</Text>}</Table.Td>
                <Table.Td>{r.name ?? ''}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={RECIPIENT_STATUS[r.status].color}>
                    {RECIPIENT_STATUS[r.status].label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed" lineClamp={1}>
                    {r.reason ? (SKIP_REASON[r.reason] ?? r.reason) : ''}
                  </Text>
                </Table.Td>
                <Table.Td>{r.numberId ? (names.get(r.numberId) ?? '') : ''}</Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {r.queuedAt ? new Date(r.queuedAt).toLocaleTimeString() : ''}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {recipients.data && recipients.data.items.length === 0 ? (
          <Text size="sm" c="dimmed" p="md">
            No recipients with this status.
          </Text>
        ) : null}
        {recipients.data?.nextCursor ? (
          <Text size="xs" c="dimmed" p="md">
            Showing the first 100. Export the results for everyone.
          </Text>
        ) : null}
      </Card>
    </Stack>
  );
}

function Count({ label, value, color }: { label: string; value: number; color?: string | undefined }) {
  return (
    <Card withBorder padding="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={26} fw={700} c={color}>
        {value.toLocaleString()}
      </Text>
    </Card>
  );
}
