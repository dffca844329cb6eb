import { memo } from 'react';
import { ActionIcon, Anchor, Badge, Box, Button, Group, Paper, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle, IconArrowBackUp, IconClock, IconFileText, IconMapPin, IconUser } from '@tabler/icons-react';
import type { InboxMessageDtoT, NoteDtoT } from '../../../contracts/inbox';
import { clock, fileSize, Linkified, vcardPhones } from './format';

interface BubbleProps {
  message: InboxMessageDtoT;
  onReply: (m: InboxMessageDtoT) => void;
  onRetry: (m: InboxMessageDtoT) => void;
  onOpenImage: (url: string, caption: string | null) => void;
  highlighted: boolean;
  retrying: boolean;
}

function Ticks({ m }: { m: InboxMessageDtoT }) {
  if (m.direction === 'in') return null;
  switch (m.status) {
    case 'queued':
    case 'sending':
      return (
        <Tooltip label={m.status === 'queued' ? 'Queued: sent once the number is connected' : 'Sending'}>
          <IconClock size={13} aria-label={m.status} data-status={m.status} />
        </Tooltip>
      );
    case 'sent':
      return (
        <Text span size="xs" c="dimmed" aria-label="sent" data-status="sent">
          ✓
        </Text>
      );
    case 'delivered':
      return (
        <Text span size="xs" c="dimmed" aria-label="delivered" data-status="delivered">
          ✓✓
        </Text>
      );
    case 'read':
    case 'played':
      return (
        <Text span size="xs" c="blue.6" fw={700} aria-label="read" data-status="read">
          ✓✓
        </Text>
      );
    case 'failed':
      return <IconAlertTriangle size={13} color="var(--mantine-color-red-7)" aria-label="failed" data-status="failed" />;
    default:
      return null;
  }
}

function MediaContent({ m, onOpenImage }: { m: InboxMessageDtoT; onOpenImage: BubbleProps['onOpenImage'] }) {
  const media = m.media;
  if (!media) return null;
  if (media.state !== 'stored') {
    return (
      <Text size="sm" c="dimmed" fs="italic">
        {media.state === 'pending' ? `Downloading ${m.kind}…` : `This ${m.kind} could not be downloaded.`}
      </Text>
    );
  }
  switch (m.kind) {
    case 'image':
    case 'sticker':
      return (
        <UnstyledButton onClick={() => onOpenImage(media.url, m.text)} aria-label={m.kind === 'sticker' ? 'Open sticker' : 'Open image'}>
          <img
            src={media.url}
            alt={m.kind === 'sticker' ? 'Sticker' : (m.text ?? 'Image')}
            loading="lazy"
            style={{
              display: 'block',
              maxWidth: m.kind === 'sticker' ? 140 : 280,
              maxHeight: m.kind === 'sticker' ? 140 : 320,
              borderRadius: 8,
              background: m.kind === 'sticker' ? 'transparent' : 'var(--mantine-color-gray-1)',
            }}
          />
        </UnstyledButton>
      );
    case 'video':
      return <video src={media.url} controls preload="metadata" style={{ display: 'block', maxWidth: 300, borderRadius: 8 }} />;
    case 'audio':
    case 'voice':
      return (
        <audio
          src={media.url}
          controls
          preload="none"
          style={{ maxWidth: 280 }}
          aria-label={m.kind === 'voice' ? 'Voice message' : 'Audio'}
        />
      );
    default:
      return (
        <Anchor href={media.url} download={media.fileName ?? true} underline="never">
          <Group gap={8} wrap="nowrap">
            <IconFileText size={26} stroke={1.5} />
            <Stack gap={0}>
              <Text size="sm" fw={500} lineClamp={2} style={{ wordBreak: 'break-all' }}>
                {media.fileName ?? 'Document'}
              </Text>
              <Text size="xs" c="dimmed">
                {[fileSize(media.size), media.mimetype].filter(Boolean).join(' · ')}
              </Text>
            </Stack>
          </Group>
        </Anchor>
      );
  }
}

function PayloadContent({ m }: { m: InboxMessageDtoT }) {
  const { location, contacts } = m.payload;
  if (location) {
    return (
      <Group gap={8} wrap="nowrap" align="flex-start">
        <IconMapPin size={22} stroke={1.5} />
        <Stack gap={0}>
          <Text size="sm" fw={500}>
            {location.name ?? (location.live ? 'Live location' : 'Location')}
          </Text>
          {location.address ? <Text size="xs">{location.address}</Text> : null}
          <Text size="xs" c="dimmed" ff="monospace">
            {location.lat.toFixed(5)}, {location.lng.toFixed(5)}
          </Text>
        </Stack>
      </Group>
    );
  }
  if (contacts.length > 0) {
    return (
      <Stack gap={6}>
        {contacts.map((c, i) => (
          <Group key={i} gap={8} wrap="nowrap" align="flex-start">
            <IconUser size={20} stroke={1.5} />
            <Stack gap={0}>
              <Text size="sm" fw={500}>
                {c.displayName ?? 'Contact'}
              </Text>
              {vcardPhones(c.vcard).map((p) => (
                <Text key={p} size="xs" c="dimmed">
                  {p}
                </Text>
              ))}
            </Stack>
          </Group>
        ))}
      </Stack>
    );
  }
  return null;
}

export const MessageBubble = memo(function MessageBubble({
  message: m,
  onReply,
  onRetry,
  onOpenImage,
  highlighted,
  retrying,
}: BubbleProps) {
  const out = m.direction === 'out';
  const revoked = m.revokedAt !== null;
  const canReply = !revoked && (m.direction === 'in' || !['queued', 'sending', 'failed'].includes(m.status));
  return (
    <Group
      justify={out ? 'flex-end' : 'flex-start'}
      wrap="nowrap"
      gap={4}
      className="inbox-message"
      data-message-id={m.id}
      data-direction={m.direction}
    >
      {out && canReply ? <ReplyButton onClick={() => onReply(m)} /> : null}
      <Paper
        px="sm"
        py={6}
        maw="min(78%, 520px)"
        shadow="xs"
        withBorder={highlighted}
        bg={out ? '#dcf4e5' : 'white'}
        style={{
          borderColor: highlighted ? 'var(--mantine-color-yellow-6)' : undefined,
          borderWidth: highlighted ? 2 : undefined,
          borderRadius: out ? '12px 12px 4px 12px' : '12px 12px 12px 4px',
        }}
      >
        <Stack gap={4}>
          {m.sender && out ? (
            <Text size="xs" c="brand.8" fw={600}>
              {m.sender.name}
            </Text>
          ) : null}
          {m.isForwarded ? (
            <Text size="xs" c="dimmed" fs="italic">
              Forwarded
            </Text>
          ) : null}
          {m.quoted ? (
            <Box
              px={8}
              py={4}
              style={{ borderLeft: '3px solid var(--mantine-color-brand-5)', background: 'rgba(0,0,0,0.04)', borderRadius: 4 }}
            >
              <Text size="xs" c="dimmed" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
                {m.quoted.text ?? 'Quoted message'}
              </Text>
            </Box>
          ) : null}
          {revoked ? (
            <Text size="sm" c="dimmed" fs="italic" data-testid="message-deleted">
              🚫 This message was deleted
            </Text>
          ) : (
            <>
              <MediaContent m={m} onOpenImage={onOpenImage} />
              <PayloadContent m={m} />
              {m.text ? (
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} className="message-text">
                  <Linkified text={m.text} />
                </Text>
              ) : m.kind === 'unsupported' ? (
                <Text size="sm" c="dimmed" fs="italic">
                  This kind of message cannot be shown here; open WhatsApp on the phone to see it.
                </Text>
              ) : null}
            </>
          )}
          {m.reactions.length > 0 ? (
            <Group gap={4}>
              {m.reactions.map((r) => (
                <Badge
                  key={r.actor}
                  variant="default"
                  size="sm"
                  radius="xl"
                  title={r.actor === 'us' ? 'Our reaction' : 'Customer reaction'}
                >
                  {r.emoji}
                </Badge>
              ))}
            </Group>
          ) : null}
          <Group gap={6} justify="flex-end" wrap="nowrap">
            {m.editedAt && !revoked ? (
              <Text size="xs" c="dimmed" fs="italic">
                edited
              </Text>
            ) : null}
            <Text size="xs" c="dimmed">
              {clock(m.sentAt)}
            </Text>
            <Ticks m={m} />
          </Group>
          {m.status === 'failed' ? (
            <Group gap={8} justify="flex-end" wrap="nowrap">
              <Text size="xs" c="red.7" role="alert">
                Not sent: {m.error ?? 'unknown reason'}
              </Text>
              <Button size="compact-xs" color="red" variant="light" loading={retrying} onClick={() => onRetry(m)}>
                Retry
              </Button>
            </Group>
          ) : null}
        </Stack>
      </Paper>
      {!out && canReply ? <ReplyButton onClick={() => onReply(m)} /> : null}
    </Group>
  );
});

function ReplyButton({ onClick }: { onClick: () => void }) {
  return (
    <Tooltip label="Reply" openDelay={300}>
      <ActionIcon variant="subtle" color="gray" size="sm" onClick={onClick} aria-label="Reply" className="inbox-reply-button">
        <IconArrowBackUp size={15} />
      </ActionIcon>
    </Tooltip>
  );
}

export function NoteCard({ note }: { note: NoteDtoT }) {
  return (
    <Group justify="center" data-testid="note">
      <Paper px="sm" py={6} maw="min(86%, 560px)" bg="yellow.0" withBorder style={{ borderColor: 'var(--mantine-color-yellow-4)' }}>
        <Text size="xs" c="yellow.9" fw={600}>
          Private note · {note.author?.name ?? 'someone'} · {clock(note.createdAt)}
        </Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          <Linkified text={note.text} />
        </Text>
      </Paper>
    </Group>
  );
}
