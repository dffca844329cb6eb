import type { NumberDtoT, NumberState } from '../../../contracts/numbers.js';
import { iso } from '../../lib/clock.js';
import type { NumberRow } from './repo.js';

/** The API's view of a number: never key material, and the QR only while a link is in progress. */
export function presentNumber(row: NumberRow, link: { qr: string | null; pairingCode: string | null } | null): NumberDtoT {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone ? `+${row.phone}` : null,
    state: row.state as NumberState,
    stateReason: row.state_reason,
    stateSince: iso(row.state_since),
    linkedAt: row.linked_at === null ? null : iso(row.linked_at),
    limits: {
      minDelaySeconds: Math.round(row.min_delay_ms / 1000),
      maxDelaySeconds: Math.round(row.max_delay_ms / 1000),
      dailyCap: row.daily_cap,
      warmup: row.warmup === 1,
    },
    link: row.state === 'waiting_for_scan' || row.state === 'connecting' ? link : null,
    createdAt: iso(row.created_at),
  };
}
