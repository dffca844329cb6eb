import { useEffect, useRef, useState } from 'react';
import { Alert, Box, Button, Group, List, Loader, Modal, Stack, Tabs, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconDeviceMobile, IconQrcode } from '@tabler/icons-react';
import type { LinkBodyT, NumberDtoT } from '../../../contracts/numbers';
import { ApiError, errorMessage } from '../../api/client';
import { useLinkNumber, useNumber } from './api';
import { QrImage } from './QrImage';
import { formatPhone, StatusBadge } from './status';

type Method = LinkBodyT['method'];

/** "ABCD-EFGH" for an 8-character pairing code, as the phone shows it. */
export function formatPairingCode(code: string): string {
  const clean = code.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  return clean.length === 8 ? `${clean.slice(0, 4)}-${clean.slice(4)}` : clean;
}

const ENDED = new Set(['unlinked', 'logged_out', 'failed']);

function Connected({ number, onClose }: { number: NumberDtoT; onClose: () => void }) {
  return (
    <Stack align="center" gap="sm" py="lg" data-testid="link-success">
      <ThemeIcon size={64} radius="xl" color="brand" variant="light">
        <IconCircleCheck size={38} />
      </ThemeIcon>
      <Title order={3} fz={20}>
        Connected
      </Title>
      <Text ta="center" size="sm" maw={360}>
        <Text span fw={600} data-testid="linked-phone">
          {formatPhone(number.phone)}
        </Text>{' '}
        is now linked as “{number.name}”. Its conversations will appear in the inbox.
      </Text>
      <Button mt="sm" onClick={onClose}>
        Done
      </Button>
    </Stack>
  );
}

function QrTab({ number, starting, onRetry }: { number: NumberDtoT; starting: boolean; onRetry: () => void }) {
  const qr = number.link?.qr ?? null;
  const ended = ENDED.has(number.state);
  const finishing = number.state === 'reconnecting' && !qr;
  return (
    <Group align="flex-start" gap="xl" wrap="wrap" pt="md">
      <Box pos="relative">
        {ended ? (
          <Stack w={264} h={264} align="center" justify="center" gap="sm" bg="gray.0" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
            <Text size="sm" ta="center" px="md">
              {number.state === 'unlinked' ? 'The QR code expired before it was scanned.' : 'Linking stopped.'}
            </Text>
            <Button size="xs" onClick={onRetry} loading={starting}>
              Get a new QR code
            </Button>
          </Stack>
        ) : finishing ? (
          <Stack w={264} h={264} align="center" justify="center" gap="sm" bg="gray.0" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
            <Loader color="brand" />
            <Text size="sm" ta="center" px="md">
              Scanned. Finishing the link…
            </Text>
          </Stack>
        ) : (
          <QrImage payload={qr} />
        )}
      </Box>
      <Stack gap="xs" style={{ flex: '1 1 220px' }}>
        <Text fw={600}>Scan with the phone of this number</Text>
        <List type="ordered" size="sm" spacing={6}>
          <List.Item>Open WhatsApp on the phone.</List.Item>
          <List.Item>
            Go to <b>Settings</b> → <b>Linked devices</b>.
          </List.Item>
          <List.Item>
            Tap <b>Link a device</b> and point the camera at this code.
          </List.Item>
        </List>
        <Text size="xs" c="dimmed" mt="xs">
          The code changes every few seconds; this one is always the current one. Keep this window open until it says connected.
        </Text>
      </Stack>
    </Group>
  );
}

function PairingTab({
  number,
  starting,
  error,
  onRequest,
}: {
  number: NumberDtoT;
  starting: boolean;
  error: string | null;
  onRequest: (phone: string) => void;
}) {
  const [phone, setPhone] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const code = number.link?.pairingCode ?? null;
  const submit = () => {
    const digits = phone.replace(/\D/g, '');
    if (digits.length < 6) {
      setFieldError('Type the phone number with its country code, e.g. +44 7700 900123');
      return;
    }
    setFieldError(null);
    onRequest(phone.trim());
  };
  return (
    <Stack pt="md" gap="md">
      <Text size="sm">Can’t scan? Type the WhatsApp number you are linking and enter the code WhatsApp gives you on that phone.</Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Phone number to link"
            placeholder="+44 7700 900123"
            value={phone}
            onChange={(e) => setPhone(e.currentTarget.value)}
            error={fieldError ?? error}
            inputMode="tel"
            autoComplete="tel"
            style={{ flex: '1 1 240px' }}
          />
          <Button type="submit" loading={starting}>
            Get pairing code
          </Button>
        </Group>
      </form>
      {code ? (
        <Stack gap={6} align="center" py="md" bg="gray.0" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
          <Text size="sm" c="dimmed">
            Your pairing code
          </Text>
          <Text data-testid="pairing-code" ff="monospace" fz={40} fw={700} lts={4} aria-label={`Pairing code ${code.split('').join(' ')}`}>
            {formatPairingCode(code)}
          </Text>
          <Text size="xs" c="dimmed" ta="center" maw={380}>
            On the phone: <b>Linked devices</b> → <b>Link a device</b> → <b>Link with phone number instead</b>, then type this code.
          </Text>
        </Stack>
      ) : null}
    </Stack>
  );
}

/**
 * Links a number: starts a QR link when it opens, shows the live QR (it rotates),
 * offers a pairing code instead, and turns into a success message once connected.
 */
export function LinkDialog({ workspaceId, numberId, onClose }: { workspaceId: string; numberId: string | null; onClose: () => void }) {
  const number = useNumber(workspaceId, numberId);
  const link = useLinkNumber(workspaceId);
  const [tab, setTab] = useState<Method>('qr');
  const started = useRef<string | null>(null);
  const linkMutate = link.mutate;
  const linkReset = link.reset;

  const start = (body: LinkBodyT) => {
    if (!numberId) return;
    linkMutate({ id: numberId, body });
  };

  useEffect(() => {
    if (!numberId) {
      started.current = null;
      return;
    }
    if (started.current === numberId) return;
    started.current = numberId;
    setTab('qr');
    linkReset();
    linkMutate({ id: numberId, body: { method: 'qr' } });
  }, [numberId, linkMutate, linkReset]);

  const n = number.data;
  const connected = n?.state === 'connected';
  const err = link.error;
  const pairingFieldError = err instanceof ApiError && err.code === 'validation_failed' ? (err.fieldErrors['phone'] ?? err.message) : null;
  const generalError = err && !pairingFieldError ? errorMessage(err) : null;

  return (
    <Modal
      opened={numberId !== null}
      onClose={onClose}
      size="lg"
      title={
        <Group gap="sm">
          <Text fw={650}>Link {n ? `“${n.name}”` : 'a number'} to WhatsApp</Text>
          {n && !connected ? <StatusBadge state={n.state} size="sm" /> : null}
        </Group>
      }
    >
      {!n ? (
        <Group justify="center" py="xl">
          <Loader color="brand" aria-label="Loading" />
        </Group>
      ) : connected ? (
        <Connected number={n} onClose={onClose} />
      ) : (
        <>
          {generalError ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} mb="sm" title="Could not start linking">
              {generalError}
            </Alert>
          ) : null}
          <Tabs value={tab} onChange={(v) => setTab((v as Method | null) ?? 'qr')}>
            <Tabs.List>
              <Tabs.Tab value="qr" leftSection={<IconQrcode size={16} />}>
                QR code
              </Tabs.Tab>
              <Tabs.Tab value="pairing_code" leftSection={<IconDeviceMobile size={16} />}>
                Pairing code
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="qr">
              <QrTab number={n} starting={link.isPending} onRetry={() => start({ method: 'qr' })} />
            </Tabs.Panel>
            <Tabs.Panel value="pairing_code">
              <PairingTab
                number={n}
                starting={link.isPending && link.variables?.body.method === 'pairing_code'}
                error={pairingFieldError}
                onRequest={(phone) => start({ method: 'pairing_code', phone })}
              />
            </Tabs.Panel>
          </Tabs>
          {n.stateReason && n.state !== 'waiting_for_scan' ? (
            <Text size="xs" c="dimmed" mt="md">
              {n.stateReason}
            </Text>
          ) : null}
        </>
      )}
    </Modal>
  );
}
