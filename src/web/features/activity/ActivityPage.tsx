import { useEffect, useMemo, useState } from 'react';
import { Badge, Button, Card, Group, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconCalendar, IconDownload, IconFilterOff, IconHistory } from '@tabler/icons-react';
import { ACTIVITY_ACTIONS } from '../../../contracts/activity-actions';
import type { ActivityEntryDtoT } from '../../../contracts/activity';
import { PageHeader } from '../../components/PageHeader';
import { EmptyHint, FullPageLoader, QueryError } from '../../components/States';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import { useMembers } from '../workspace/api';
import { activityCsvUrl, type ActivityFilters, useActivity } from './api';

const ACTION_OPTIONS = Object.entries(ACTIVITY_ACTIONS)
  .map(([value, label]) => ({ value, label }))
  .sort((a, b) => a.label.localeCompare(b.label));

const actionLabel = (action: string): string => (ACTIVITY_ACTIONS as Record<string, string>)[action] ?? action;

const DANGER = new Set(['auth.login_failed', 'member.removed', 'invite.revoked']);

const when = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const whenFull = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

/** A target's label, else its kind in words ("Invite"); raw ids stay out of the table. */
function targetText(t: ActivityEntryDtoT['target']): string {
  if (!t) return '—';
  if (t.label) return t.label;
  const kind = t.type.replace(/[_.-]+/g, ' ');
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}

const EMPTY: ActivityFilters = { actorId: null, action: null, fromDay: null, toDay: null };

export default function ActivityPage() {
  const ws = useCurrentWorkspace();
  const [filters, setFilters] = useState<ActivityFilters>(EMPTY);
  const members = useMembers(ws.id);
  const activity = useActivity(ws.id, filters);

  useEffect(() => {
    document.title = `Activity · ${ws.name} · WaSphere`;
  }, [ws.name]);

  const people = useMemo(
    () => (members.data ?? []).map((m) => ({ value: m.userId, label: m.name })).sort((a, b) => a.label.localeCompare(b.label)),
    [members.data],
  );
  const entries = activity.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = filters.actorId !== null || filters.action !== null || filters.fromDay !== null;

  return (
    <>
      <PageHeader
        title="Activity"
        description="Who did what in this workspace, and from where."
        actions={
          <Button component="a" href={activityCsvUrl(ws.id, filters)} download variant="default" leftSection={<IconDownload size={16} />}>
            Export CSV
          </Button>
        }
      />

      <Card p="md" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="Person"
            placeholder="Everyone"
            data={people}
            searchable
            clearable
            value={filters.actorId}
            onChange={(v) => setFilters((f) => ({ ...f, actorId: v }))}
            w={{ base: '100%', sm: 220 }}
          />
          <Select
            label="Action"
            placeholder="All actions"
            data={ACTION_OPTIONS}
            searchable
            clearable
            value={filters.action}
            onChange={(v) => setFilters((f) => ({ ...f, action: v }))}
            w={{ base: '100%', sm: 240 }}
          />
          <DatePickerInput
            type="range"
            label="Dates"
            placeholder="Any date"
            clearable
            allowSingleDateInRange
            maxDate={new Date()}
            leftSection={<IconCalendar size={16} />}
            value={[filters.fromDay, filters.toDay]}
            onChange={([from, to]) =>
              setFilters((f) => ({
                ...f,
                fromDay: from ? String(from).slice(0, 10) : null,
                toDay: to ? String(to).slice(0, 10) : null,
              }))
            }
            valueFormat="D MMM YYYY"
            w={{ base: '100%', sm: 260 }}
          />
          {filtered ? (
            <Button variant="subtle" color="gray" leftSection={<IconFilterOff size={16} />} onClick={() => setFilters(EMPTY)}>
              Clear filters
            </Button>
          ) : null}
        </Group>
      </Card>

      <Card p={0}>
        {activity.isPending ? (
          <FullPageLoader />
        ) : activity.isError ? (
          <Stack p="md">
            <QueryError error={activity.error} onRetry={() => void activity.refetch()} />
          </Stack>
        ) : entries.length === 0 ? (
          <EmptyHint icon={<IconHistory size={22} />} title={filtered ? 'Nothing matches these filters' : 'No activity yet'}>
            {filtered ? 'Try another person, action or date range.' : 'Sign-ins, setting changes and team changes will be listed here.'}
          </EmptyHint>
        ) : (
          <Table.ScrollContainer minWidth={760} type="native">
            <Table data-testid="activity-table">
              <Table.Thead bg="gray.0">
                <Table.Tr>
                  <Table.Th pl="md">When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th pr="md">IP address</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td pl="md">
                      <Tooltip label={whenFull.format(new Date(e.at))} openDelay={400}>
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {when.format(new Date(e.at))}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
                        {e.actor?.name ?? 'System'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" radius="sm" color={DANGER.has(e.action) ? 'red' : 'gray'} tt="none" fw={500}>
                        {actionLabel(e.action)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={e.target ? undefined : 'dimmed'} title={e.target?.id ?? undefined}>
                        {targetText(e.target)}
                      </Text>
                    </Table.Td>
                    <Table.Td pr="md">
                      <Text size="sm" c="dimmed" ff="monospace">
                        {e.ip ?? '—'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      {activity.hasNextPage ? (
        <Group justify="center" mt="md">
          <Button variant="default" onClick={() => void activity.fetchNextPage()} loading={activity.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      ) : entries.length > 0 ? (
        <Text ta="center" size="xs" c="dimmed" mt="md">
          {entries.length === 1 ? '1 entry' : `${entries.length} entries`} · older entries are removed after the workspace’s retention
          period
        </Text>
      ) : null}
    </>
  );
}
