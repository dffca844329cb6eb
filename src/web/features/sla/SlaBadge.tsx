import { useEffect, useState } from 'react';
import { Badge, Tooltip } from '@mantine/core';
import { IconAlarm, IconAlertTriangle, IconClockHour3 } from '@tabler/icons-react';
import type { ConversationSlaT } from '../../../contracts/sla';
import { formatDuration, TARGET_LABELS } from './api';

/** Re-renders every `ms` so countdowns move. */
export function useTicker(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

const LOOK = {
  on_track: { color: 'gray', icon: IconClockHour3, word: 'left' },
  at_risk: { color: 'orange', icon: IconAlertTriangle, word: 'left' },
  breached: { color: 'red', icon: IconAlarm, word: 'over' },
} as const;

/**
 * The SLA clock of a conversation: state from the server, countdown to the
 * deadline. The state is the server's (its clock decides); the countdown is
 * only a hint between refreshes.
 */
export function SlaBadge({ sla, size = 'sm' }: { sla: ConversationSlaT | null | undefined; size?: 'xs' | 'sm' | 'md' }) {
  const now = useTicker();
  if (!sla) return null;
  const look = LOOK[sla.state];
  const due = Date.parse(sla.dueAt);
  const left = sla.state === 'breached' ? now - due : due - now;
  const text =
    sla.state === 'breached'
      ? left >= 60_000
        ? `Breached · ${formatDuration(left)} ${look.word}`
        : 'Breached'
      : left > 0
        ? `${formatDuration(left)} ${look.word}`
        : sla.state === 'at_risk'
          ? 'At risk'
          : 'Due now';
  const label = `${TARGET_LABELS[sla.target] ?? sla.target} due ${new Date(due).toLocaleString()}`;
  return (
    <Tooltip label={label} withArrow openDelay={300}>
      <Badge
        size={size}
        color={look.color}
        variant={sla.state === 'on_track' ? 'light' : 'filled'}
        leftSection={<look.icon size={12} />}
        data-sla-state={sla.state}
        style={{ textTransform: 'none', flexShrink: 0 }}
      >
        {sla.state === 'at_risk' && left > 0 ? `At risk · ${text}` : text}
      </Badge>
    </Tooltip>
  );
}
