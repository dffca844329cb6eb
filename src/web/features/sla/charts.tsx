import { Box, Group, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';

export interface Series {
  name: string;
  color: string;
  values: Array<number | null>;
}

/**
 * A small SVG chart: bars for the first series, lines for the rest, one shared
 * y axis. Enough for a dashboard; no chart package needed.
 */
export function BarLineChart({
  labels,
  bars,
  lines = [],
  height = 220,
  format = (v: number) => String(Math.round(v)),
  unit = 1,
  ariaLabel,
}: {
  labels: string[];
  bars?: Series;
  lines?: Series[];
  height?: number;
  format?: (v: number) => string;
  /** Ticks fall on whole multiples of this (60_000 for minutes). */
  unit?: number;
  ariaLabel: string;
}) {
  // Drawn at the container's real width, so text keeps its size on narrow cards.
  const { ref, width: measured } = useElementSize();
  const width = Math.max(280, Math.round(measured || 720));
  const pad = { top: 12, right: 12, bottom: 28, left: 56 };
  const all = [...(bars?.values ?? []), ...lines.flatMap((l) => l.values)].filter((v): v is number => v !== null);
  const tick = niceStep(Math.max(unit, ...all) / 4 / unit) * unit;
  const max = tick * 4;
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const step = labels.length > 0 ? plotW / labels.length : plotW;
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  const x = (i: number) => pad.left + step * i + step / 2;
  const ticks = [0, 1, 2, 3, 4].map((i) => i * tick);
  const every = Math.ceil(labels.length / Math.max(2, Math.floor(plotW / 56)));
  return (
    <Box ref={ref}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={ariaLabel} style={{ display: 'block' }}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} stroke="var(--mantine-color-gray-2)" />
            <text x={pad.left - 8} y={y(t) + 4} textAnchor="end" fontSize="11" fill="var(--mantine-color-dimmed)">
              {format(t)}
            </text>
          </g>
        ))}
        {bars
          ? bars.values.map((v, i) =>
              v === null || v === 0 ? null : (
                <rect
                  key={i}
                  x={x(i) - Math.min(22, step * 0.6) / 2}
                  y={y(v)}
                  width={Math.min(22, step * 0.6)}
                  height={pad.top + plotH - y(v)}
                  rx={3}
                  fill={bars.color}
                >
                  <title>{`${labels[i]}: ${format(v)} ${bars.name}`}</title>
                </rect>
              ),
            )
          : null}
        {lines.map((line) => {
          const points = line.values.map((v, i) => (v === null ? null : ([x(i), y(v)] as const)));
          const segments: string[] = [];
          let current = '';
          for (const p of points) {
            if (p === null) {
              if (current) segments.push(current);
              current = '';
            } else current += `${current ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`;
          }
          if (current) segments.push(current);
          return (
            <g key={line.name}>
              {segments.map((d) => (
                <path key={d} d={d} fill="none" stroke={line.color} strokeWidth={2.2} strokeLinejoin="round" />
              ))}
              {points.map((p, i) =>
                p ? (
                  <circle key={i} cx={p[0]} cy={p[1]} r={3.2} fill="white" stroke={line.color} strokeWidth={2}>
                    <title>{`${labels[i]}: ${format(line.values[i]!)} ${line.name}`}</title>
                  </circle>
                ) : null,
              )}
            </g>
          );
        })}
        {labels.map((l, i) =>
          i % every === 0 ? (
            <text key={l + i} x={x(i)} y={height - 8} textAnchor="middle" fontSize="11" fill="var(--mantine-color-dimmed)">
              {l}
            </text>
          ) : null,
        )}
      </svg>
      <Group gap="md" mt={4} justify="center">
        {[...(bars ? [bars] : []), ...lines].map((s) => (
          <Group key={s.name} gap={6}>
            <Box w={10} h={10} style={{ borderRadius: 3, background: s.color }} />
            <Text size="xs" c="dimmed">
              {s.name}
            </Text>
          </Group>
        ))}
      </Group>
    </Box>
  );
}

/** The smallest of 1, 2, 5 × 10^k that is at least `v` (and at least 1). */
function niceStep(v: number): number {
  if (v <= 1) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * exp >= v) return m * exp;
  return 10 * exp;
}

/** Axis labels for durations: "15 min", "2 h". */
export function minutesLabel(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m >= 120 && m % 60 === 0) return `${m / 60} h`;
  return `${m} min`;
}
