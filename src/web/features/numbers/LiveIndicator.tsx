import { Badge, Tooltip } from '@mantine/core';
import type { LiveState } from './live';

const LOOK: Record<LiveState, { label: string; color: string; hint: string }> = {
  live: { label: 'Live', color: 'brand', hint: 'Status changes appear here as they happen.' },
  connecting: { label: 'Connecting…', color: 'gray', hint: 'Connecting to live updates.' },
  offline: { label: 'Offline', color: 'orange', hint: 'Live updates are interrupted; reconnecting. What you see may be out of date.' },
};

export function LiveIndicator({ state }: { state: LiveState }) {
  const look = LOOK[state];
  return (
    <Tooltip label={look.hint} withArrow>
      <Badge variant="dot" color={look.color} size="lg" radius="sm" data-testid="live-indicator" data-live={state}>
        {look.label}
      </Badge>
    </Tooltip>
  );
}
