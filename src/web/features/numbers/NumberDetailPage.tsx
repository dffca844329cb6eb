import { type ReactNode, useEffect, useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  NumberInput,
  type NumberInputProps,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconArrowLeft, IconLock, IconQrcode, IconTrash } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import type { NumberDtoT, UpdateNumberBodyT } from '../../../contracts/numbers';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { EmptyHint, FullPageLoader, QueryError } from '../../components/States';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import { canManage } from '../workspace/api';
import { useNumber, useUpdateNumber } from './api';
import { DeleteNumberDialog } from './DeleteNumberDialog';
import { LinkDialog } from './LinkDialog';
import { useLiveNumbers } from './live';
import { LiveIndicator } from './LiveIndicator';
import { validateNumberName } from './NumbersPage';
import { canRelink, formatPhone, NumberStatus, useNow } from './status';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Card>
      <Title order={2} fz={17} mb={4}>
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

function RenameForm({ ws, number, editable }: { ws: string; number: NumberDtoT; editable: boolean }) {
  const update = useUpdateNumber(ws, number.id);
  const form = useForm({ mode: 'controlled', initialValues: { name: number.name }, validate: { name: validateNumberName } });
  useEffect(() => {
    form.setInitialValues({ name: number.name });
    form.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [number.name]);
  return (
    <form
      onSubmit={form.onSubmit((v) =>
        update.mutate(
          { name: v.name.trim() },
          {
            onSuccess: () => notifySuccess('Name saved.'),
            onError: (err) => {
              if (err instanceof ApiError && err.code === 'validation_failed') form.setErrors(err.fieldErrors);
              else notifyError(err, 'Could not rename the number');
            },
          },
        ),
      )}
    >
      <Group align="flex-start" gap="sm">
        <TextInput label="Name" readOnly={!editable} style={{ flex: '1 1 240px' }} maw={360} {...form.getInputProps('name')} />
        {editable ? (
          <Button type="submit" mt={25} loading={update.isPending} disabled={!form.isDirty()}>
            Rename
          </Button>
        ) : null}
      </Group>
    </form>
  );
}

interface LimitValues {
  minDelaySeconds: number | string;
  maxDelaySeconds: number | string;
  dailyCap: number | string;
  warmup: boolean;
}

const toLimitValues = (n: NumberDtoT): LimitValues => ({ ...n.limits });

const wholeIn = (min: number, max: number, what: string) => (v: number | string) => {
  const n = typeof v === 'number' ? v : Number(v);
  return v !== '' && Number.isInteger(n) && n >= min && n <= max ? null : `${what} from ${min} to ${max}`;
};

/** Field names the API uses in validation details → form fields. */
const limitFieldErrors = (err: ApiError): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.fieldErrors)) out[k.replace(/^limits\./, '')] = v;
  return out;
};

function LimitsForm({ ws, number, editable }: { ws: string; number: NumberDtoT; editable: boolean }) {
  const update = useUpdateNumber(ws, number.id);
  const form = useForm<LimitValues>({
    mode: 'controlled',
    initialValues: toLimitValues(number),
    validate: {
      minDelaySeconds: wholeIn(1, 3600, 'Whole seconds'),
      maxDelaySeconds: (v, values) => {
        const range = wholeIn(1, 3600, 'Whole seconds')(v);
        if (range) return range;
        return Number(v) < Number(values.minDelaySeconds) ? 'Must not be shorter than the shortest delay' : null;
      },
      dailyCap: wholeIn(1, 10000, 'A whole number'),
    },
  });
  const { minDelaySeconds, maxDelaySeconds, dailyCap, warmup } = number.limits;
  useEffect(() => {
    form.setInitialValues(toLimitValues(number));
    form.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [minDelaySeconds, maxDelaySeconds, dailyCap, warmup]);

  return (
    <form
      onSubmit={form.onSubmit((v) => {
        const limits: NonNullable<UpdateNumberBodyT['limits']> = {};
        if (Number(v.minDelaySeconds) !== minDelaySeconds) limits.minDelaySeconds = Number(v.minDelaySeconds);
        if (Number(v.maxDelaySeconds) !== maxDelaySeconds) limits.maxDelaySeconds = Number(v.maxDelaySeconds);
        if (Number(v.dailyCap) !== dailyCap) limits.dailyCap = Number(v.dailyCap);
        if (v.warmup !== warmup) limits.warmup = v.warmup;
        if (Object.keys(limits).length === 0) return;
        update.mutate(
          { limits },
          {
            onSuccess: () => notifySuccess('Sending limits saved.'),
            onError: (err) => {
              if (err instanceof ApiError && err.code === 'validation_failed' && Object.keys(err.fieldErrors).length) {
                form.setErrors(limitFieldErrors(err));
              } else notifyError(err, 'Could not save the sending limits');
            },
          },
        );
      })}
    >
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <LimitInput label="Shortest delay (seconds)" max={3600} readOnly={!editable} {...form.getInputProps('minDelaySeconds')} />
          <LimitInput label="Longest delay (seconds)" max={3600} readOnly={!editable} {...form.getInputProps('maxDelaySeconds')} />
          <LimitInput
            label="Daily cap (messages)"
            max={10000}
            thousandSeparator=","
            readOnly={!editable}
            {...form.getInputProps('dailyCap')}
          />
        </SimpleGrid>
        <Switch
          label="Warm-up"
          description="Start a new number with a lower daily cap and raise it day by day, as WhatsApp expects of new senders."
          disabled={!editable}
          {...form.getInputProps('warmup', { type: 'checkbox' })}
        />
        {editable ? (
          <Group>
            <Button type="submit" loading={update.isPending} disabled={!form.isDirty()}>
              Save sending limits
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.4}>
        {label}
      </Text>
      <Text size="sm" mt={2} component="div">
        {children}
      </Text>
    </div>
  );
}

export default function NumberDetailPage() {
  const ws = useCurrentWorkspace();
  const { numberId = '' } = useParams();
  const navigate = useNavigate();
  const manager = canManage(ws.role);
  const number = useNumber(ws.id, numberId);
  const live = useLiveNumbers(ws.id);
  const now = useNow();
  const [linking, setLinking] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const n = number.data;

  useEffect(() => {
    document.title = `${n?.name ?? 'Number'} · Numbers · ${ws.name} · WaSphere`;
  }, [n?.name, ws.name]);

  const back = (
    <Anchor component={Link} to=".." relative="path" size="sm" c="dimmed">
      <Group gap={4}>
        <IconArrowLeft size={14} /> All numbers
      </Group>
    </Anchor>
  );

  if (number.isPending) return <FullPageLoader />;
  if (number.isError || !n) {
    if (number.error instanceof ApiError && number.error.status === 404) {
      return (
        <Stack>
          {back}
          <EmptyHint title="Number not found">It was deleted, or it belongs to another workspace.</EmptyHint>
        </Stack>
      );
    }
    return <QueryError error={number.error} onRetry={() => void number.refetch()} />;
  }

  return (
    <Stack gap="lg">
      <Stack gap={6}>
        {back}
        <Group justify="space-between" align="flex-end" wrap="wrap" gap="md">
          <Stack gap={2}>
            <Title order={1} fz={26}>
              {n.name}
            </Title>
            <Text c="dimmed" size="sm">
              {formatPhone(n.phone)}
            </Text>
          </Stack>
          <LiveIndicator state={live} />
        </Group>
      </Stack>

      {!manager ? (
        <Alert variant="light" color="gray" icon={<IconLock size={18} />}>
          Only owners and admins can link, rename or change this number.
        </Alert>
      ) : null}

      <Section title="Connection">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="lg">
          <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xl" style={{ flex: '1 1 420px' }}>
            <Fact label="Status">
              <NumberStatus number={n} now={now} />
            </Fact>
            <Fact label="Phone">{formatPhone(n.phone)}</Fact>
            <Fact label="Linked">{n.linkedAt ? dateTime.format(new Date(n.linkedAt)) : 'Never'}</Fact>
          </SimpleGrid>
          {manager && (canRelink(n) || n.state === 'waiting_for_scan') ? (
            <Button leftSection={<IconQrcode size={16} />} onClick={() => setLinking(n.id)}>
              {n.state === 'waiting_for_scan' ? 'Show QR code' : n.linkedAt ? 'Relink' : 'Link'}
            </Button>
          ) : null}
        </Group>
        {n.state === 'logged_out' && n.linkedAt ? (
          <Alert color="red" variant="light" mt="md">
            This number was logged out of WhatsApp, so WaSphere will not reconnect it by itself. Relink it by scanning a new QR code.
          </Alert>
        ) : null}
      </Section>

      <Section title="Name" description="How the number is shown in the inbox and reports.">
        <RenameForm ws={ws.id} number={n} editable={manager} />
      </Section>

      <Section
        title="Sending limits"
        description="Pacing for bulk messages from this number: a random delay between two messages, and a cap per day. Sensible limits keep the number safe from being blocked."
      >
        <LimitsForm ws={ws.id} number={n} editable={manager} />
      </Section>

      {manager ? (
        <Card style={{ borderColor: 'var(--mantine-color-red-3)' }}>
          <Group justify="space-between" wrap="wrap" gap="md">
            <div>
              <Title order={2} fz={17} mb={4}>
                Delete session
              </Title>
              <Text size="sm" c="dimmed" maw={560}>
                Log this number out of WhatsApp and erase its session keys. You choose whether its stored messages are kept.
              </Text>
            </div>
            <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(true)}>
              Delete session
            </Button>
          </Group>
          <DeleteNumberDialog
            workspaceId={ws.id}
            number={n}
            opened={deleting}
            onClose={() => setDeleting(false)}
            onDeleted={() => {
              setDeleting(false);
              void navigate(`/w/${ws.id}/numbers`);
            }}
          />
        </Card>
      ) : null}

      {manager ? <LinkDialog workspaceId={ws.id} numberId={linking} onClose={() => setLinking(null)} /> : null}
    </Stack>
  );
}

/**
 * A whole-number sending limit. Values are not clamped as they are typed: an
 * out-of-range value stays visible and the server's field error explains it.
 */
function LimitInput(props: NumberInputProps) {
  return <NumberInput min={1} allowDecimal={false} allowNegative={false} clampBehavior="none" {...props} />;
}
