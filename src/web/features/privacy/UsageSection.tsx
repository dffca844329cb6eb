import { Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { FullPageLoader, QueryError } from '../../components/States';
import { SettingsSection } from '../settings/SettingsSection';
import { useUsageReport } from './api';

function Counts({ title, rows }: { title: string; rows: Array<{ name: string; count: number }> }) {
  return (
    <Stack gap={6}>
      <Text fw={600} size="sm">
        {title}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing recorded.
        </Text>
      ) : (
        <Table striped withTableBorder fz="sm" verticalSpacing={6}>
          <Table.Tbody>
            {rows.slice(0, 15).map((r) => (
              <Table.Tr key={r.name}>
                <Table.Td ff="monospace">{r.name}</Table.Td>
                <Table.Td ta="right" w={80}>
                  {r.count.toLocaleString()}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Settings → Instance: usage of the last 30 days, of people whose analytics consent is on. */
export function UsageSection() {
  const report = useUsageReport(30);
  return (
    <SettingsSection
      title="Usage"
      description="Pages and features used in the last 30 days, counted only for people who allowed optional analytics. It never leaves this server."
    >
      {report.isPending ? (
        <FullPageLoader />
      ) : report.isError ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <Stack>
          <Group gap="xs">
            <Text size="sm" data-testid="usage-people">
              {report.data.people === 1 ? '1 consenting person' : `${report.data.people} consenting people`}
            </Text>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Counts title="Page views" rows={report.data.pageViews} />
            <Counts title="Features" rows={report.data.features} />
          </SimpleGrid>
        </Stack>
      )}
    </SettingsSection>
  );
}
