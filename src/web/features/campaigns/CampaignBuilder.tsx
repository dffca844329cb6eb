import { useEffect, useRef, useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Chip,
  FileButton,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconFileUpload, IconPlayerPlay, IconPlus, IconTrash, IconUsers } from '@tabler/icons-react';
import type { CampaignDtoT, CampaignSettingsT } from '../../../contracts/campaigns';
import { errorMessage } from '../../api/client';
import { useNumbers } from '../numbers/api';
import { useAddAudience, useCampaignAction, useLabels, usePreview, useUpdateCampaign, useUploadCsv } from './api';
import { CampaignMediaField } from './CampaignMediaField';
import { count } from '../../../contracts/count';
import { SKIP_REASON, WEEKDAYS } from './labels';

/** "8–20 s", or "5 s" when both ends are the same. */
function pauseRange(s: Pick<CampaignSettingsT, 'minDelaySeconds' | 'maxDelaySeconds'>): string {
  return s.minDelaySeconds === s.maxDelaySeconds ? `${s.minDelaySeconds} s` : `${s.minDelaySeconds}–${s.maxDelaySeconds} s`;
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <Card withBorder padding="lg">
      <Title order={3} fz="lg" mb={description ? 2 : 'md'}>
        {title}
      </Title>
      {description ? (
        <Text size="sm" c="dimmed" mb="md">
          {description}
        </Text>
      ) : null}
      {children}
    </Card>
  );
}

const fail = (error: unknown) => notifications.show({ color: 'red', title: 'That did not work', message: errorMessage(error) });

/** The draft editor: audience, message, preview, pacing and numbers, then start. */
export function CampaignBuilder({ workspaceId, campaign }: { workspaceId: string; campaign: CampaignDtoT }) {
  return (
    <Stack gap="lg">
      <AudienceSection workspaceId={workspaceId} campaign={campaign} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <MessageSection workspaceId={workspaceId} campaign={campaign} />
        <PreviewSection workspaceId={workspaceId} campaign={campaign} />
      </SimpleGrid>
      <PacingSection workspaceId={workspaceId} campaign={campaign} />
      <StartSection workspaceId={workspaceId} campaign={campaign} />
    </Stack>
  );
}

function AudienceSection({ workspaceId, campaign }: { workspaceId: string; campaign: CampaignDtoT }) {
  const labels = useLabels(workspaceId);
  const add = useAddAudience(workspaceId, campaign.id);
  const upload = useUploadCsv(workspaceId, campaign.id);
  const [labelIds, setLabelIds] = useState<string[]>([]);
  const [phones, setPhones] = useState('');
  const sendable = campaign.counts.total - campaign.counts.skipped;
  const skipped = Object.entries(campaign.skipped);
  return (
    <Section
      title="Audience"
      description="Combine contacts by label, a CSV file (its columns become variables) and pasted numbers. Duplicates, invalid numbers and opted-out contacts are left out and counted."
    >
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
        <Stack gap="xs">
          <MultiSelect
            label="Contacts with any of these labels"
            placeholder={labels.data?.items.length ? 'Choose labels' : 'No labels yet'}
            data={(labels.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }))}
            value={labelIds}
            onChange={setLabelIds}
            searchable
          />
          <Button
            variant="light"
            leftSection={<IconUsers size={16} />}
            disabled={labelIds.length === 0}
            loading={add.isPending && labelIds.length > 0}
            onClick={() => add.mutate({ labelIds }, { onSuccess: () => setLabelIds([]), onError: fail })}
          >
            Add labelled contacts
          </Button>
        </Stack>
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            CSV file
          </Text>
          <Text size="xs" c="dimmed">
            A header row with a phone column (phone, mobile, number or whatsapp); every other column becomes a variable such as{' '}
            {'{{order_no}}'}.
          </Text>
          <FileButton accept=".csv,text/csv" onChange={(file) => file && upload.mutate(file, { onError: fail })}>
            {(props) => (
              <Button {...props} variant="light" leftSection={<IconFileUpload size={16} />} loading={upload.isPending}>
                Upload CSV
              </Button>
            )}
          </FileButton>
          {campaign.csvColumns.length ? (
            <Text size="xs" c="dimmed">
              Columns: {campaign.csvColumns.join(', ')}
            </Text>
          ) : null}
        </Stack>
        <Stack gap="xs">
          <Textarea
            label="Paste numbers"
            description="One per line, international format (+44 7700 900123)"
            autosize
            minRows={3}
            maxRows={6}
            value={phones}
            onChange={(e) => setPhones(e.currentTarget.value)}
          />
          <Button
            variant="light"
            disabled={phones.trim() === ''}
            loading={add.isPending && phones.trim() !== ''}
            onClick={() => add.mutate({ phones }, { onSuccess: () => setPhones(''), onError: fail })}
          >
            Add numbers
          </Button>
        </Stack>
      </SimpleGrid>
      <Paper withBorder radius="md" p="md" mt="lg" bg="var(--mantine-color-gray-0)">
        <Group justify="space-between" align="flex-start">
          <Group gap="xl">
            <Stat label="In audience" value={campaign.counts.total} />
            <Stat label="Will send" value={sendable} color="teal" />
            <Stat label="Skipped" value={campaign.counts.skipped} color={campaign.counts.skipped ? 'orange' : undefined} />
          </Group>
          {campaign.counts.total > 0 ? (
            <Button
              variant="subtle"
              color="red"
              size="xs"
              leftSection={<IconTrash size={14} />}
              onClick={() => add.mutate({ replace: true }, { onError: fail })}
            >
              Clear audience
            </Button>
          ) : null}
        </Group>
        {skipped.length ? (
          <Group gap="xs" mt="sm" data-testid="skip-reasons">
            {skipped.map(([reason, n]) => (
              <Badge key={reason} variant="light" color="orange">
                {SKIP_REASON[reason] ?? reason}: {n}
              </Badge>
            ))}
          </Group>
        ) : null}
      </Paper>
    </Section>
  );
}

function Stat({ label, value, color }: { label: string; value: number; color?: string | undefined }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={24} fw={700} c={color}>
        {value.toLocaleString()}
      </Text>
    </div>
  );
}

function MessageSection({ workspaceId, campaign }: { workspaceId: string; campaign: CampaignDtoT }) {
  const update = useUpdateCampaign(workspaceId, campaign.id);
  const preview = usePreview(workspaceId, campaign.id, true);
  const [text, setText] = useState(campaign.text);
  const [variants, setVariants] = useState<string[]>(campaign.variants);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const dirty = text !== campaign.text || JSON.stringify(variants) !== JSON.stringify(campaign.variants);
  const insert = (key: string) => {
    const el = textRef.current;
    const at = el?.selectionStart ?? text.length;
    const next = `${text.slice(0, at)}{{${key}}}${text.slice(at)}`;
    setText(next);
    requestAnimationFrame(() => el?.focus());
  };
  return (
    <Section
      title="Message"
      description="Variables fill in per recipient; a fallback after a bar is used when a value is missing: {{name|there}}."
    >
      <Stack gap="sm">
        <Textarea
          ref={textRef}
          label="Text"
          autosize
          minRows={4}
          maxRows={12}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        <CampaignMediaField workspaceId={workspaceId} campaign={campaign} />
        <Group gap={6}>
          <Text size="xs" c="dimmed">
            Insert:
          </Text>
          {(preview.data?.available ?? ['name', 'first_name', 'phone']).map((key) => (
            <Chip key={key} size="xs" checked={false} onClick={() => insert(key)} variant="outline">
              {`{{${key}}}`}
            </Chip>
          ))}
        </Group>
        {variants.map((v, i) => (
          <Group key={i} align="flex-start" gap="xs" wrap="nowrap">
            <Textarea
              style={{ flex: 1 }}
              label={`Variant ${i + 2}`}
              autosize
              minRows={2}
              value={v}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setVariants((all) => all.map((x, j) => (j === i ? value : x)));
              }}
            />
            <ActionIcon
              mt={26}
              variant="subtle"
              color="red"
              aria-label={`Remove variant ${i + 2}`}
              onClick={() => setVariants((all) => all.filter((_x, j) => j !== i))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group justify="space-between">
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            disabled={variants.length >= 9}
            onClick={() => setVariants((all) => [...all, ''])}
          >
            Add a variant
          </Button>
          <Button
            disabled={!dirty}
            loading={update.isPending}
            onClick={() => update.mutate({ text, variants: variants.filter((v) => v.trim() !== '') }, { onError: fail })}
          >
            Save message
          </Button>
        </Group>
        {variants.length ? (
          <Text size="xs" c="dimmed">
            Recipients take turns: the 1st gets the text, the 2nd variant 2, and so on.
          </Text>
        ) : null}
      </Stack>
    </Section>
  );
}

function PreviewSection({ workspaceId, campaign }: { workspaceId: string; campaign: CampaignDtoT }) {
  const preview = usePreview(workspaceId, campaign.id, true);
  const p = preview.data;
  return (
    <Section title="Preview" description="The message as the first recipients will get it.">
      {!p || p.samples.length === 0 ? (
        <Text size="sm" c="dimmed">
          Add an audience and write the message to see it here.
        </Text>
      ) : (
        <Stack gap="sm" data-testid="preview">
          {p.samples.map((s) => (
            <Paper key={s.recipientId} withBorder radius="md" p="sm" bg="var(--mantine-color-teal-0)">
              <Group justify="space-between" mb={4}>
                <Text size="xs" fw={600}>
                  {s.name ?? s.phone}
                </Text>
                <Text size="xs" c="dimmed">
                  {s.phone}
                  {campaign.variants.length ? ` · variant ${s.variant + 1}` : ''}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {s.text || <em>(empty)</em>}
              </Text>
            </Paper>
          ))}
          {p.unresolved.count > 0 ? (
            <Alert
              color="orange"
              icon={<IconAlertTriangle size={18} />}
              title={`${count(p.unresolved.count, 'recipient')} ${p.unresolved.count === 1 ? 'misses' : 'miss'} a value`}
            >
              <Text size="sm">
                {p.unresolved.recipients
                  .slice(0, 5)
                  .map((r) => `${r.phone ?? '?'} (${r.missing.join(', ')})`)
                  .join('; ')}
                {p.unresolved.count > 5 ? ' …' : ''}
              </Text>
              <Text size="xs" mt={4}>
                Add a fallback like {'{{name|there}}'}, or skip them when starting.
              </Text>
            </Alert>
          ) : null}
        </Stack>
      )}
    </Section>
  );
}

function PacingSection({ workspaceId, campaign }: { workspaceId: string; campaign: CampaignDtoT }) {
  const update = useUpdateCampaign(workspaceId, campaign.id);
  const numbers = useNumbers(workspaceId);
  const [s, setS] = useState<CampaignSettingsT>(campaign.settings);
  const [numberIds, setNumberIds] = useState<string[]>(campaign.numberIds);
  useEffect(() => setNumberIds(campaign.numberIds), [campaign.numberIds]);
  const set = <K extends keyof CampaignSettingsT>(k: K, v: CampaignSettingsT[K]) => setS((x) => ({ ...x, [k]: v }));
  const dirty = JSON.stringify(s) !== JSON.stringify(campaign.settings) || JSON.stringify(numberIds) !== JSON.stringify(campaign.numberIds);
  return (
    <Section
      title="Numbers, pacing and sending window"
      description="Defaults keep a number safe: a random pause between messages, a daily cap, and a gentle ramp for numbers linked in the last 14 days (20 on day 1, doubling each day)."
    >
      <Stack gap="md">
        <MultiSelect
          label="Send from"
          description="Several numbers share the load, each paced on its own."
          placeholder="Choose numbers"
          data={(numbers.data ?? []).map((n) => ({ value: n.id, label: `${n.name}${n.phone ? ` (${n.phone})` : ''} · ${n.state}` }))}
          value={numberIds}
          onChange={setNumberIds}
        />
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <NumberInput
            label="Shortest pause (s)"
            min={1}
            max={3600}
            value={s.minDelaySeconds}
            onChange={(v) => set('minDelaySeconds', Number(v) || 1)}
          />
          <NumberInput
            label="Longest pause (s)"
            min={1}
            max={3600}
            value={s.maxDelaySeconds}
            onChange={(v) => set('maxDelaySeconds', Number(v) || 1)}
          />
          <NumberInput
            label="Daily cap per number"
            min={1}
            max={10000}
            value={s.dailyCap}
            onChange={(v) => set('dailyCap', Number(v) || 1)}
          />
          <NumberInput
            label="Pause after failures"
            description={`of the last ${s.failureWindow}`}
            min={1}
            max={s.failureWindow}
            value={s.failureThreshold}
            onChange={(v) => set('failureThreshold', Number(v) || 1)}
          />
        </SimpleGrid>
        <Group gap="xl">
          <TextInput label="Window opens" w={120} value={s.windowStart} onChange={(e) => set('windowStart', e.currentTarget.value)} />
          <TextInput label="Window closes" w={120} value={s.windowEnd} onChange={(e) => set('windowEnd', e.currentTarget.value)} />
          <div>
            <Text size="sm" fw={500} mb={6}>
              Days
            </Text>
            <Chip.Group multiple value={s.windowDays.map(String)} onChange={(v) => set('windowDays', v.map(Number).sort())}>
              <Group gap={4}>
                {WEEKDAYS.map((d) => (
                  <Chip key={d.value} value={d.value} size="xs">
                    {d.label}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </div>
        </Group>
        <Group gap="xl">
          <Switch label="Warm-up for new numbers" checked={s.warmup} onChange={(e) => set('warmup', e.currentTarget.checked)} />
          <Switch label='Show "typing…" before each message' checked={s.typing} onChange={(e) => set('typing', e.currentTarget.checked)} />
          <Switch
            label="Skip numbers not on WhatsApp"
            description="Asks WhatsApp in small paced batches just before sending; answers are kept 30 days"
            checked={s.checkWhatsApp}
            onChange={(e) => set('checkWhatsApp', e.currentTarget.checked)}
          />
        </Group>
        <Text size="xs" c="dimmed">
          Times are in the workspace time zone (Settings → Workspace).
        </Text>
        <Group justify="flex-end">
          <Button disabled={!dirty} loading={update.isPending} onClick={() => update.mutate({ settings: s, numberIds }, { onError: fail })}>
            Save pacing
          </Button>
        </Group>
      </Stack>
    </Section>
  );
}

function StartSection({ workspaceId, campaign }: { workspaceId: string; campaign: CampaignDtoT }) {
  const action = useCampaignAction(workspaceId, campaign.id);
  const preview = usePreview(workspaceId, campaign.id, true);
  const [later, setLater] = useState(false);
  const [at, setAt] = useState('');
  const [skipUnresolved, setSkipUnresolved] = useState(false);
  const sendable = campaign.counts.total - campaign.counts.skipped;
  const unresolved = preview.data?.unresolved.count ?? 0;
  const problems = [
    sendable === 0 ? 'Add recipients.' : null,
    campaign.numberIds.length === 0 ? 'Choose a number to send from.' : null,
    campaign.text.trim() === '' && !campaign.mediaId ? 'Write the message.' : null,
  ].filter(Boolean);
  return (
    <Section title="Start">
      <Stack gap="sm">
        {problems.length ? (
          <Text size="sm" c="orange.8">
            Before starting: {problems.join(' ')}
          </Text>
        ) : (
          <Text size="sm">
            {count(sendable, 'recipient')} from {count(campaign.numberIds.length, 'number')}, {pauseRange(campaign.settings)} apart, up to{' '}
            {campaign.settings.dailyCap.toLocaleString()} a day per number, {campaign.settings.windowStart}–{campaign.settings.windowEnd}.
          </Text>
        )}
        <Group gap="xl">
          <Switch label="Schedule for later" checked={later} onChange={(e) => setLater(e.currentTarget.checked)} />
          {later ? (
            <TextInput type="datetime-local" aria-label="Start at" value={at} onChange={(e) => setAt(e.currentTarget.value)} />
          ) : null}
          {unresolved > 0 ? (
            <Checkbox
              label={`Skip the ${count(unresolved, 'recipient')} with a missing value`}
              checked={skipUnresolved}
              onChange={(e) => setSkipUnresolved(e.currentTarget.checked)}
            />
          ) : null}
        </Group>
        <Group justify="flex-end">
          <Button
            size="md"
            leftSection={<IconPlayerPlay size={18} />}
            disabled={problems.length > 0 || (later && !at)}
            loading={action.isPending}
            onClick={() =>
              action.mutate(
                {
                  action: 'start',
                  body: {
                    ...(later && at ? { scheduleAt: new Date(at).toISOString() } : {}),
                    ...(skipUnresolved ? { skipUnresolved } : {}),
                  },
                },
                { onError: fail },
              )
            }
          >
            {later ? 'Schedule campaign' : 'Start sending'}
          </Button>
        </Group>
      </Stack>
    </Section>
  );
}
