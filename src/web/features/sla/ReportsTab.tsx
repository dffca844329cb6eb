import { useMemo, useState } from 'react';
import { Anchor, Button, Card, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import type { SlaReportRowT } from '../../../contracts/sla';
import { QueryError } from '../../components/States';
import { BarLineChart, minutesLabel } from './charts';
import { formatDuration, reportCsvUrl, useSlaReport, type ReportQuery } from './api';

const DAY = 86_400_000;
const PERIODS = [
  { value: '7', label: 'Last 7 days' },
  { value: '14', label: 'Last 14 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
];

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={26} fw={700} mt={4}>
        {value}
      </Text>
      {hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Paper>
  );
}

function pct(v: number | null): string {
  return v === null ? '—' : `${Math.round(v * 100)}%`;
}

export function ReportsTab({ workspaceId }: { workspaceId: string }) {
  const [days, setDays] = useState('30');
  const [groupBy, setGroupBy] = useState<ReportQuery['groupBy']>('day');
  const [mode, setMode] = useState<ReportQuery['mode']>('business');
  // The period ends at the coming midnight (today included), so the query key stays stable while the page is open.
  const query = useMemo<ReportQuery>(() => {
    const midnight = new Date();
    midnight.setHours(24, 0, 0, 0);
    const to = midnight.getTime();
    return { from: new Date(to - Number(days) * DAY).toISOString(), to: new Date(to).toISOString(), groupBy, mode };
  }, [days, groupBy, mode]);
  const report = useSlaReport(workspaceId, query);

  if (report.error) return <QueryError error={report.error} onRetry={() => void report.refetch()} />;
  const data = report.data;
  const rows = data?.rows ?? [];
  const totals = data?.totals;
  const byDay = groupBy === 'day';

  return (
    <Stack gap="lg">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="sm" wrap="wrap">
          <Select data={PERIODS} value={days} onChange={(v) => v && setDays(v)} allowDeselect={false} w={160} aria-label="Period" />
          <SegmentedControl
            value={groupBy}
            onChange={(v) => setGroupBy(v as ReportQuery['groupBy'])}
            data={[
              { value: 'day', label: 'By day' },
              { value: 'agent', label: 'By agent' },
              { value: 'number', label: 'By number' },
              { value: 'label', label: 'By label' },
            ]}
          />
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as ReportQuery['mode'])}
            data={[
              { value: 'business', label: 'Business hours' },
              { value: 'raw', label: 'Clock time' },
            ]}
          />
        </Group>
        <Button component="a" href={reportCsvUrl(workspaceId, query)} variant="default" leftSection={<IconDownload size={16} />}>
          Export CSV
        </Button>
      </Group>

      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
        <Figure
          label="First response (median)"
          value={formatDuration(totals?.firstResponse.medianMs ?? null)}
          hint={`p90 ${formatDuration(totals?.firstResponse.p90Ms ?? null)} · ${totals?.firstResponse.count ?? 0} answered`}
        />
        <Figure
          label="Resolution (median)"
          value={formatDuration(totals?.resolution.medianMs ?? null)}
          hint={`p90 ${formatDuration(totals?.resolution.p90Ms ?? null)} · ${totals?.resolution.count ?? 0} resolved`}
        />
        <Figure
          label="SLA hit rate"
          value={pct(totals?.hitRate ?? null)}
          hint={`${totals?.hits ?? 0} within target, ${totals?.misses ?? 0} missed`}
        />
        <Figure label="Breaches" value={String(totals?.breaches ?? 0)} hint="alerts sent when a target passed" />
      </SimpleGrid>

      <Card withBorder radius="md" p="lg">
        <Title order={3} fz={16} mb="sm">
          {byDay ? 'Response times per day' : 'Response times'}
        </Title>
        {rows.length === 0 ? (
          <Text c="dimmed" size="sm" py="xl" ta="center">
            No answered conversations in this period yet.
          </Text>
        ) : (
          <BarLineChart
            ariaLabel="Response times chart"
            labels={rows.map((r) => (byDay ? r.label.slice(5) : r.label))}
            bars={{
              name: 'first response median',
              color: 'var(--mantine-color-teal-5)',
              values: rows.map((r) => r.firstResponse.medianMs),
            }}
            lines={[{ name: 'first response p90', color: 'var(--mantine-color-orange-6)', values: rows.map((r) => r.firstResponse.p90Ms) }]}
            format={minutesLabel}
            unit={60_000}
          />
        )}
      </Card>

      <Card withBorder radius="md" p={0}>
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="xs" horizontalSpacing="md" aria-label="SLA report">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{byDay ? 'Day' : groupBy === 'agent' ? 'Agent' : groupBy === 'number' ? 'Number' : 'Label'}</Table.Th>
                <Table.Th ta="right">First response median / p90</Table.Th>
                <Table.Th ta="right">Next response median</Table.Th>
                <Table.Th ta="right">Resolution median / p90</Table.Th>
                <Table.Th ta="right">Hit rate</Table.Th>
                <Table.Th ta="right">Breaches</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(byDay ? [...rows].reverse().filter(hasActivity) : rows).map((r) => (
                <ReportLine key={r.key ?? r.label} row={r} />
              ))}
              {totals ? <ReportLine row={totals} strong /> : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Text size="xs" c="dimmed">
        Times are measured {mode === 'business' ? 'in business hours of the SLA policy' : 'on the clock, around the clock'}; days are in{' '}
        {data?.timeZone ?? 'the workspace time zone'}. Each answer and resolution is recorded when it happens.{' '}
        <Anchor size="xs" href={reportCsvUrl(workspaceId, query)}>
          Download this table
        </Anchor>
        .
      </Text>
    </Stack>
  );
}

/** Days without any answer, resolution or breach are left out of the table (the chart still shows them). */
function hasActivity(r: SlaReportRowT): boolean {
  return r.firstResponse.count + r.nextResponse.count + r.resolution.count + r.breaches > 0;
}

function ReportLine({ row, strong }: { row: SlaReportRowT; strong?: boolean }) {
  const fw = strong ? 700 : undefined;
  return (
    <Table.Tr>
      <Table.Td fw={fw}>{row.label}</Table.Td>
      <Table.Td ta="right" fw={fw}>
        {row.firstResponse.count ? `${formatDuration(row.firstResponse.medianMs)} / ${formatDuration(row.firstResponse.p90Ms)}` : '—'}
      </Table.Td>
      <Table.Td ta="right" fw={fw}>
        {row.nextResponse.count ? formatDuration(row.nextResponse.medianMs) : '—'}
      </Table.Td>
      <Table.Td ta="right" fw={fw}>
        {row.resolution.count ? `${formatDuration(row.resolution.medianMs)} / ${formatDuration(row.resolution.p90Ms)}` : '—'}
      </Table.Td>
      <Table.Td ta="right" fw={fw}>
        {pct(row.hitRate)}
      </Table.Td>
      <Table.Td ta="right" fw={fw} c={row.breaches ? 'red' : undefined}>
        {row.breaches}
      </Table.Td>
    </Table.Tr>
  );
}
