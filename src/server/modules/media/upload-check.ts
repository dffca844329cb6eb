/**
 * Checks an upload against what WhatsApp accepts, on the first bytes of the
 * file itself: a declared type is only the sender's word, and a file that is not
 * what it claims would be refused by WhatsApp or shown broken to the customer.
 */
import {
  ALLOWED_UPLOADS_TEXT,
  declaredUploadType,
  MEDIA_LIMITS,
  tooLargeMessage,
  UPLOAD_TYPES,
  type UploadKind,
} from '../../../contracts/media.js';
import { AppError } from '../../http/errors.js';

/** Bytes needed to recognise every family below. */
export const SNIFF_BYTES = 16;

type Family = 'jpeg' | 'png' | 'webp' | 'isobmff' | 'mpeg_audio' | 'ogg' | 'amr' | 'pdf' | 'ole' | 'zip' | 'text';

/** The family of file each allowed type must be. */
const FAMILY_OF_TYPE: Readonly<Record<string, Family>> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'isobmff',
  'video/3gpp': 'isobmff',
  'audio/mp4': 'isobmff',
  'audio/mpeg': 'mpeg_audio',
  'audio/aac': 'mpeg_audio',
  'audio/ogg': 'ogg',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
  'application/msword': 'ole',
  'application/vnd.ms-excel': 'ole',
  'application/vnd.ms-powerpoint': 'ole',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'zip',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'zip',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'zip',
  'application/zip': 'zip',
  'text/plain': 'text',
  'text/csv': 'text',
};

const startsWith = (head: Buffer, bytes: readonly number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
const ascii = (head: Buffer, text: string, at = 0) => head.subarray(at, at + text.length).toString('latin1') === text;

/** The family the first bytes show, or null when they match none we know. */
export function sniffFamily(head: Buffer): Family | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(head, 'RIFF') && ascii(head, 'WEBP', 8)) return 'webp';
  if (ascii(head, 'ftyp', 4)) return 'isobmff';
  if (ascii(head, 'ID3') || (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0)) return 'mpeg_audio';
  if (ascii(head, 'OggS')) return 'ogg';
  if (ascii(head, '#!AMR')) return 'amr';
  if (ascii(head, '%PDF-')) return 'pdf';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  // Text has no signature: no NUL and no other control bytes than tab, new line and carriage return.
  if (head.every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) return 'text';
  return null;
}

export interface CheckedUpload {
  mimetype: string;
  kind: UploadKind;
  maxBytes: number;
}

function notAllowed(message: string): AppError {
  return new AppError(415, 'media_type_not_allowed', message, { allowed: ALLOWED_UPLOADS_TEXT });
}

/**
 * The type, kind and size limit of an upload, from its declared type (or file
 * extension) confirmed by its first bytes. Throws 415 `media_type_not_allowed`.
 */
export function checkUpload(declared: string | null | undefined, fileName: string | null, head: Buffer): CheckedUpload {
  const mimetype = declaredUploadType(declared, fileName);
  if (!mimetype) {
    throw notAllowed(
      `WhatsApp cannot send this type of file${declared ? ` (${declared.slice(0, 80)})` : ''}. Allowed: ${ALLOWED_UPLOADS_TEXT}.`,
    );
  }
  if (head.length === 0) throw new AppError(400, 'validation_failed', 'The file is empty.', { fields: { file: 'empty' } });
  if (sniffFamily(head) !== FAMILY_OF_TYPE[mimetype]) {
    // The type is one we send, so the list of allowed types would not help: say what is wrong with this file.
    throw notAllowed(`The file's contents do not match its type (${mimetype}): it may be damaged, or renamed from another kind of file.`);
  }
  const kind = UPLOAD_TYPES[mimetype]!;
  return { mimetype, kind, maxBytes: MEDIA_LIMITS[kind] };
}

export function tooLarge(kind: UploadKind): AppError {
  return new AppError(413, 'media_too_large', tooLargeMessage(kind), { kind, maxBytes: MEDIA_LIMITS[kind] });
}
