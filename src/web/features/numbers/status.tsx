import { useEffect, useState } from 'react';
import { Badge, Group, Loader, Text, Tooltip } from '@mantine/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { NumberDtoT, NumberState } from '../../../contracts/numbers';

interface StateLook {
  label: string;
  color: string;
  /** Work in progress: the badge shows a small spinner. */
  busy?: boolean;
  /** The owner has to do something. */
  needsAction?: boolean;
}

export const STATE_LOOK: Record<NumberState, StateLook> = {
  idle: { label: 'Not linked', color: 'gray', needsAction: true },
  connecting: { label: 'Connecting', color: 'blue', busy: true },
  waiting_for_scan: { label: 'Waiting for scan', color: 'indigo' },
  connected: { label: 'Connected', color: 'brand' },
  reconnecting: { label: 'Reconnecting', color: 'yellow', busy: true },
  logged_out: { label: 'Logged out', color: 'red', needsAction: true },
  unlinked: { label: 'Unlinked', color: 'orange', needsAction: true },
  failed: { label: 'Failed', color: 'red', needsAction: true },
};

/** States from which the owner can (re)link the number. */
export function canRelink(n: Pick<NumberDtoT, 'state' | 'linkedAt'>): boolean {
  if (n.state === 'idle') return n.linkedAt === null;
  return n.state === 'logged_out' || n.state === 'unlinked' || n.state === 'failed';
}

export function StatusBadge({ state, size = 'md' }: { state: NumberState; size?: 'sm' | 'md' | 'lg' }) {
  const look = STATE_LOOK[state];
  return (
    <Badge
      color={look.color}
      variant={state === 'connected' ? 'filled' : 'light'}
      size={size}
      radius="sm"
      data-testid="number-status"
      data-state={state}
      leftSection={look.busy ? <Loader size={10} color={look.color} type="oval" /> : null}
    >
      {look.label}
    </Badge>
  );
}

/** A clock for "… ago" texts that re-renders every `ms`. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}

const fullTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "just now", "4 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

export function Since({ iso, now }: { iso: string; now: number }) {
  return (
    <Tooltip label={fullTime.format(new Date(iso))} withArrow>
      <Text span size="xs" c="dimmed" data-testid="number-since">
        since {ago(iso, now)}
      </Text>
    </Tooltip>
  );
}

/** Badge, "since …" and the reason, as one block. */
export function NumberStatus({ number, now }: { number: NumberDtoT; now: number }) {
  return (
    <div>
      <Group gap={8} wrap="nowrap">
        <StatusBadge state={number.state} />
        <Since iso={number.stateSince} now={now} />
      </Group>
      {number.stateReason ? (
        <Text size="xs" c="dimmed" mt={4} lineClamp={2} data-testid="number-reason">
          {number.stateReason}
        </Text>
      ) : null}
    </div>
  );
}

/** "+44 7700 900123" for "+447700900123"; the raw value when it does not parse. */
export function formatPhone(phone: string | null): string {
  if (!phone) return 'Not linked yet';
  return parsePhoneNumberFromString(phone)?.formatInternational() ?? phone;
}
