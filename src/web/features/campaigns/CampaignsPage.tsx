import { Anchor, Badge, Button, Card, Group, Progress, Table, Text } from '@mantine/core';
import { IconPlus, IconSpeakerphone } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { EmptyHint, FullPageLoader, QueryError } from '../../components/States';
import { PageHeader } from '../../components/PageHeader';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import { useCampaigns } from './api';
import { CAMPAIGN_STATUS } from './labels';
import { useLiveCampaigns } from './live';

export default function CampaignsPage() {
  const { workspaceId, canManage } = useWorkspaceRole();
  const navigate = useNavigate();
  const campaigns = useCampaigns(workspaceId);
  useLiveCampaigns(workspaceId, null);
  if (campaigns.isPending) return <FullPageLoader />;
  if (campaigns.isError) return <QueryError error={campaigns.error} onRetry={() => void campaigns.refetch()} />;
  const items = campaigns.data.items;
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Bulk messages, paced per number, with every recipient's outcome."
        actions={
          canManage ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => void navigate(`/w/${workspaceId}/campaigns/new`)}>
              New campaign
            </Button>
          ) : null
        }
      />
      {items.length === 0 ? (
        <EmptyHint icon={<IconSpeakerphone size={28} />} title="No campaigns yet">
          A campaign sends one message to many contacts: pick them by label, upload a CSV or paste numbers.
        </EmptyHint>
      ) : (
        <Card withBorder padding={0}>
          <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th w={260}>Progress</Table.Th>
                <Table.Th ta="right">Recipients</Table.Th>
                <Table.Th ta="right">Failed</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => {
                const sendable = c.counts.total - c.counts.skipped;
                const done = sendable - c.counts.queued - c.counts.sending;
                const pct = sendable > 0 ? Math.round((done / sendable) * 100) : 0;
                return (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/w/${workspaceId}/campaigns/${c.id}`} fw={600}>
                        {c.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={CAMPAIGN_STATUS[c.status].color}>
                        {CAMPAIGN_STATUS[c.status].label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Progress value={pct} w={160} size="sm" color={CAMPAIGN_STATUS[c.status].color} />
                        <Text size="xs" c="dimmed">
                          {pct}%
                        </Text>
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">{sendable.toLocaleString()}</Table.Td>
                    <Table.Td ta="right">{(c.counts.failed + c.counts.needs_review).toLocaleString()}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {new Date(c.createdAt).toLocaleDateString()}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </>
  );
}

/** The workspace and whether the signed-in person may run campaigns (owners and admins). */
export function useWorkspaceRole() {
  const current = useCurrentWorkspace();
  return { workspaceId: current.id, timeZoneHint: current.name, canManage: current.role === 'owner' || current.role === 'admin' };
}
