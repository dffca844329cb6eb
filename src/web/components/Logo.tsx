import { Group, Text } from '@mantine/core';

export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--mantine-color-brand-8)" />
      <path d="M16 7a9 9 0 0 0-7.8 13.5L7 25l4.6-1.2A9 9 0 1 0 16 7z" fill="#fff" />
      <circle cx="12.5" cy="16" r="1.3" fill="var(--mantine-color-brand-8)" />
      <circle cx="16" cy="16" r="1.3" fill="var(--mantine-color-brand-8)" />
      <circle cx="19.5" cy="16" r="1.3" fill="var(--mantine-color-brand-8)" />
    </svg>
  );
}

export function Logo({ size = 28 }: { size?: number }) {
  return (
    <Group gap={8} wrap="nowrap">
      <LogoMark size={size} />
      <Text fw={700} fz={size > 30 ? 'xl' : 'lg'} c="dark.7" style={{ letterSpacing: '-0.01em' }}>
        WaSphere
      </Text>
    </Group>
  );
}
