/**
 * Why did the socket close? Baileys ends a connection with a Boom error whose
 * status code is a `DisconnectReason`; we turn that into a class the
 * reconnect policy can act on, with words for the dashboard.
 */
import { DisconnectReason } from 'baileys';
import type { DisconnectClass, DisconnectInfo } from '../provider.js';

/** The parts of a Boom error we read (`@hapi/boom` keeps the code in `output`). */
interface BoomLike {
  message?: unknown;
  isBoom?: unknown;
  output?: { statusCode?: unknown };
}

export function statusCodeOf(error: unknown): number | null {
  if (!error || typeof error !== 'object') return null;
  const code = (error as BoomLike).output?.statusCode;
  return typeof code === 'number' && Number.isFinite(code) ? code : null;
}

const TEXT: Record<DisconnectClass, string> = {
  restart_required: 'WhatsApp asked for a restart (normal right after linking)',
  logged_out: 'Logged out from the phone or unlinked by WhatsApp',
  replaced: 'Another connection for this number took over',
  forbidden: 'WhatsApp refused access to this number',
  bad_session: 'The session is damaged or out of sync',
  qr_timeout: 'The QR code was not scanned in time',
  multidevice_mismatch: 'The phone does not support linked devices',
  transient: 'Connection lost',
  stopped: 'Stopped',
};

// The QR link attempt ends with a 408 too; only its message tells it apart
// from a network timeout.
const QR_TIMEOUT_MESSAGE = 'QR refs attempts ended';

/**
 * Classify the error of `connection.update` `{ connection: 'close', lastDisconnect }`.
 * `undefined` (closed without an error) means we closed it ourselves.
 */
export function classifyDisconnect(error: unknown): DisconnectInfo {
  if (error === undefined || error === null) return { class: 'stopped', code: null, text: TEXT.stopped };
  const code = statusCodeOf(error);
  const message = error instanceof Error ? error.message : '';

  const cls = classOf(code, message);
  const detail = code !== null ? `${TEXT[cls]} (${code}${message ? `: ${message}` : ''})` : `${TEXT[cls]}${message ? ` (${message})` : ''}`;
  return { class: cls, code, text: detail };
}

function classOf(code: number | null, message: string): DisconnectClass {
  switch (code) {
    case DisconnectReason.restartRequired:
      return 'restart_required';
    case DisconnectReason.loggedOut:
      return 'logged_out';
    case DisconnectReason.connectionReplaced:
      return 'replaced';
    case DisconnectReason.forbidden:
      return 'forbidden';
    case DisconnectReason.badSession:
      return 'bad_session';
    case DisconnectReason.multideviceMismatch:
      return 'multidevice_mismatch';
    case DisconnectReason.timedOut: // same value as connectionLost
      return message.includes(QR_TIMEOUT_MESSAGE) ? 'qr_timeout' : 'transient';
    case DisconnectReason.connectionClosed:
    case DisconnectReason.unavailableService:
    default:
      // Unknown codes and plain network errors: retry with backoff.
      return 'transient';
  }
}
