import { useEffect, useState } from 'react';
import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconInfoCircle, IconPlus, IconX } from '@tabler/icons-react';
import type { SlaPolicyDtoT, UpdateSlaPolicyBodyT } from '../../../contracts/sla';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { FullPageLoader, QueryError } from '../../components/States';
import { useLabels, useNumberOptions } from '../inbox/api';
import { useSlaPolicy, useUpdateSlaPolicy } from './api';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
type Range = { start: string; end: string };

interface Draft {
  enabled: boolean;
  firstResponseMinutes: number;
  nextResponseMinutes: number;
  resolutionOn: boolean;
  resolutionMinutes: number;
  atRiskPercent: number;
  pauseWhenPending: boolean;
  businessHours: boolean;
  week: Range[][];
  holidays: string[];
  numberIds: string[];
  labelIds: string[];
}

function draftOf(p: SlaPolicyDtoT): Draft {
  return {
    enabled: p.enabled,
    firstResponseMinutes: p.firstResponseMinutes,
    nextResponseMinutes: p.nextResponseMinutes,
    resolutionOn: p.resolutionMinutes !== null,
    resolutionMinutes: p.resolutionMinutes ?? 24 * 60,
    atRiskPercent: p.atRiskPercent,
    pauseWhenPending: p.pauseWhenPending,
    businessHours: p.businessHours.enabled,
    week: p.businessHours.week.map((d) => d.map((r) => ({ ...r }))),
    holidays: p.businessHours.holidays,
    numberIds: p.scope.numberIds,
    labelIds: p.scope.labelIds,
  };
}

export function PolicyTab({ workspaceId, canEdit }: { workspaceId: string; canEdit: boolean }) {
  const policy = useSlaPolicy(workspaceId);
  const update = useUpdateSlaPolicy(workspaceId);
  const numbers = useNumberOptions(workspaceId);
  const labels = useLabels(workspaceId);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (policy.data) setDraft(draftOf(policy.data));
  }, [policy.data]);

  if (policy.error) return <QueryError error={policy.error} onRetry={() => void policy.refetch()} />;
  if (!draft || !policy.data) return <FullPageLoader />;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const setRange = (day: number, i: number, patch: Partial<Range>) =>
    set({ week: draft.week.map((ranges, d) => (d === day ? ranges.map((r, j) => (j === i ? { ...r, ...patch } : r)) : ranges)) });

  const save = () => {
    const body: UpdateSlaPolicyBodyT = {
      enabled: draft.enabled,
      firstResponseMinutes: draft.firstResponseMinutes,
      nextResponseMinutes: draft.nextResponseMinutes,
      resolutionMinutes: draft.resolutionOn ? draft.resolutionMinutes : null,
      atRiskPercent: draft.atRiskPercent,
      pauseWhenPending: draft.pauseWhenPending,
      businessHours: { enabled: draft.businessHours, week: draft.week, holidays: draft.holidays },
      scope: { numberIds: draft.numberIds, labelIds: draft.labelIds },
    };
    setErrors({});
    update.mutate(body, {
      onSuccess: () => notifySuccess('SLA policy saved. Open conversations now follow it.'),
      onError: (err) => {
        if (err instanceof ApiError) setErrors(err.fieldErrors);
        notifyError(err, 'The policy was not saved');
      },
    });
  };

  const disabled = !canEdit;
  return (
    <Stack gap="lg" maw={880}>
      {!canEdit ? (
        <Alert variant="light" icon={<IconInfoCircle size={18} />}>
          Only owners and admins change the SLA policy. This is what the team is measured against.
        </Alert>
      ) : null}
      <Card withBorder radius="md" p="lg">
        <Group justify="space-between" mb="md">
          <Title order={3} fz={16}>
            Targets
          </Title>
          <Switch
            label="SLA alerts on"
            checked={draft.enabled}
            disabled={disabled}
            onChange={(e) => set({ enabled: e.currentTarget.checked })}
          />
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <NumberInput
            label="First response"
            description="Minutes until the first answer"
            min={1}
            max={129600}
            value={draft.firstResponseMinutes}
            disabled={disabled}
            onChange={(v) => set({ firstResponseMinutes: Number(v) || 1 })}
            suffix=" min"
            error={errors['firstResponseMinutes']}
          />
          <NumberInput
            label="Next response"
            description="Minutes to answer each later message"
            min={1}
            max={129600}
            value={draft.nextResponseMinutes}
            disabled={disabled}
            onChange={(v) => set({ nextResponseMinutes: Number(v) || 1 })}
            suffix=" min"
            error={errors['nextResponseMinutes']}
          />
          <Stack gap={6}>
            <NumberInput
              label="Resolution"
              description="Minutes from first message to resolved"
              min={1}
              max={129600}
              value={draft.resolutionMinutes}
              disabled={disabled || !draft.resolutionOn}
              onChange={(v) => set({ resolutionMinutes: Number(v) || 1 })}
              suffix=" min"
              error={errors['resolutionMinutes']}
            />
            <Checkbox
              size="xs"
              label="Track a resolution target"
              checked={draft.resolutionOn}
              disabled={disabled}
              onChange={(e) => set({ resolutionOn: e.currentTarget.checked })}
            />
          </Stack>
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" mt="md">
          <NumberInput
            label="At risk at"
            description="Warn when this share of a target is used"
            min={1}
            max={99}
            suffix=" %"
            value={draft.atRiskPercent}
            disabled={disabled}
            onChange={(v) => set({ atRiskPercent: Number(v) || 80 })}
          />
          <Switch
            mt={28}
            label="Pause the clocks while a conversation is pending"
            description="Waiting on the customer does not count against the team"
            checked={draft.pauseWhenPending}
            disabled={disabled}
            onChange={(e) => set({ pauseWhenPending: e.currentTarget.checked })}
          />
        </SimpleGrid>
      </Card>

      <Card withBorder radius="md" p="lg">
        <Group justify="space-between" mb="xs">
          <Title order={3} fz={16}>
            Business hours
          </Title>
          <Switch
            label="Count only business hours"
            checked={draft.businessHours}
            disabled={disabled}
            onChange={(e) => set({ businessHours: e.currentTarget.checked })}
          />
        </Group>
        <Text size="sm" c="dimmed" mb="md">
          {draft.businessHours
            ? `Clocks run only inside these hours, in the workspace time zone (${policy.data.timeZone}). A range that ends before it starts runs past midnight.`
            : 'Targets count around the clock, every day. Switch on business hours to count only opening times.'}
        </Text>
        {draft.businessHours ? (
          <Stack gap="xs">
            {DAYS.map((name, day) => (
              <Group key={name} align="flex-start" wrap="nowrap" gap="sm">
                <Text w={96} size="sm" fw={500} pt={6}>
                  {name}
                </Text>
                <Stack gap={6} style={{ flex: 1 }}>
                  {draft.week[day]!.length === 0 ? (
                    <Text size="sm" c="dimmed" pt={6}>
                      Closed
                    </Text>
                  ) : null}
                  {draft.week[day]!.map((r, i) => (
                    <Group key={i} gap={6} wrap="nowrap">
                      <TextInput
                        type="time"
                        size="xs"
                        w={110}
                        aria-label={`${name} opens`}
                        value={r.start}
                        disabled={disabled}
                        onChange={(e) => setRange(day, i, { start: e.currentTarget.value })}
                        error={errors[`businessHours.week.${day}.${i}.start`] ? true : undefined}
                      />
                      <Text size="xs" c="dimmed">
                        to
                      </Text>
                      <TextInput
                        type="time"
                        size="xs"
                        w={110}
                        aria-label={`${name} closes`}
                        value={r.end === '24:00' ? '23:59' : r.end}
                        disabled={disabled}
                        onChange={(e) => setRange(day, i, { end: e.currentTarget.value })}
                      />
                      {r.end <= r.start ? (
                        <Text size="xs" c="dimmed">
                          next day
                        </Text>
                      ) : null}
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={`Remove ${name} range`}
                        disabled={disabled}
                        onClick={() => set({ week: draft.week.map((rs, d) => (d === day ? rs.filter((_, j) => j !== i) : rs)) })}
                      >
                        <IconX size={14} />
                      </ActionIcon>
                    </Group>
                  ))}
                </Stack>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  leftSection={<IconPlus size={12} />}
                  disabled={disabled}
                  mt={4}
                  onClick={() =>
                    set({
                      week: draft.week.map((rs, d) =>
                        d === day ? [...rs, { start: rs.length ? '13:00' : '09:00', end: rs.length ? '17:00' : '17:00' }] : rs,
                      ),
                    })
                  }
                >
                  Add hours
                </Button>
              </Group>
            ))}
            {errors['businessHours.week'] ? (
              <Text size="sm" c="red">
                {errors['businessHours.week']}
              </Text>
            ) : null}
            <TagsInput
              mt="sm"
              label="Holidays"
              description="Dates (YYYY-MM-DD) when the clocks do not run; press Enter after each"
              placeholder="2026-12-25"
              value={draft.holidays}
              disabled={disabled}
              onChange={(v) => set({ holidays: v.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)) })}
            />
          </Stack>
        ) : null}
      </Card>

      <Card withBorder radius="md" p="lg">
        <Title order={3} fz={16} mb="xs">
          Applies to
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <MultiSelect
            label="Numbers"
            placeholder={draft.numberIds.length ? undefined : 'All numbers'}
            data={numbers.data ?? []}
            value={draft.numberIds}
            disabled={disabled}
            onChange={(v) => set({ numberIds: v })}
            clearable
            error={errors['scope.numberIds']}
          />
          <MultiSelect
            label="Labels"
            placeholder={draft.labelIds.length ? undefined : 'All conversations'}
            data={(labels.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
            value={draft.labelIds}
            disabled={disabled}
            onChange={(v) => set({ labelIds: v })}
            clearable
            error={errors['scope.labelIds']}
          />
        </SimpleGrid>
      </Card>

      {canEdit ? (
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setDraft(draftOf(policy.data!))} disabled={update.isPending}>
            Reset
          </Button>
          <Button onClick={save} loading={update.isPending}>
            Save policy
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
