/**
 * What may be uploaded to send on WhatsApp, shared by the server (which checks
 * the real bytes too) and the web app (which checks before uploading, so a
 * person sees the limit at once instead of after a long upload).
 */
import { Type, type Static } from 'typebox';
import { Id } from './common.js';

export const UPLOAD_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

const MB = 1024 * 1024;

/** WhatsApp's own limits per kind: a larger file would be refused by WhatsApp after the upload. */
export const MEDIA_LIMITS: Readonly<Record<UploadKind, number>> = {
  image: 5 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
  // Animated stickers may be up to 500 KB (static ones should stay under 100 KB).
  sticker: 500 * 1024,
};

/** Allowed content types and the kind each is sent as. WebP is what WhatsApp stickers are made of. */
export const UPLOAD_TYPES: Readonly<Record<string, UploadKind>> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'sticker',
  'video/mp4': 'video',
  'video/3gpp': 'video',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/aac': 'audio',
  'audio/ogg': 'audio',
  'audio/amr': 'audio',
  'application/pdf': 'document',
  'application/msword': 'document',
  'application/vnd.ms-excel': 'document',
  'application/vnd.ms-powerpoint': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'document',
  'application/zip': 'document',
  'text/plain': 'document',
  'text/csv': 'document',
};

/** For files a browser labels vaguely (empty or application/octet-stream): the type their extension names. */
const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  amr: 'audio/amr',
  pdf: 'application/pdf',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  zip: 'application/zip',
  txt: 'text/plain',
  csv: 'text/csv',
};

/** Short names for the error message and the composer's hint. */
export const ALLOWED_UPLOADS_TEXT =
  'JPEG or PNG images, MP4 or 3GP videos, MP3/M4A/AAC/OGG/AMR audio, WebP stickers, PDF, Office, ZIP, TXT or CSV documents';

/**
 * The allowed content type a file claims, from its declared type or, when that is
 * vague, its extension; null when it is not one we send.
 */
export function declaredUploadType(declared: string | null | undefined, fileName: string | null | undefined): string | null {
  const base = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  if (base in UPLOAD_TYPES) return base;
  if (base !== '' && base !== 'application/octet-stream') return null;
  const ext = /\.([a-z0-9]{1,5})$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
  return ext ? (EXTENSION_TYPES[ext] ?? null) : null;
}

/** The kind a stored file is sent as; null when its type is not one we send. */
export function uploadKindOf(mimetype: string | null | undefined): UploadKind | null {
  const base = (mimetype ?? '').split(';')[0]!.trim().toLowerCase();
  return UPLOAD_TYPES[base] ?? null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0).replace(/\.0$/, '')} MB`;
}

/** The sentence shown when a file is too large for its kind. */
export function tooLargeMessage(kind: UploadKind, size?: number): string {
  const names: Record<UploadKind, string> = {
    image: 'Images',
    video: 'Videos',
    audio: 'Audio files',
    document: 'Documents',
    sticker: 'Stickers',
  };
  return `${names[kind]} can be at most ${formatBytes(MEDIA_LIMITS[kind])} on WhatsApp${size !== undefined ? ` (this file is ${formatBytes(size)})` : ''}.`;
}

/** What a campaign may carry: its text becomes the caption, and WhatsApp shows captions only on these. */
export const CAMPAIGN_MEDIA_KINDS: readonly UploadKind[] = ['image', 'video', 'document'];

/** A stored upload, ready to be sent by its id. */
export const UploadedMediaDto = Type.Object({
  id: Id,
  kind: Type.Union([
    Type.Literal('image'),
    Type.Literal('video'),
    Type.Literal('audio'),
    Type.Literal('document'),
    Type.Literal('sticker'),
  ]),
  mimetype: Type.String(),
  fileName: Type.Union([Type.String(), Type.Null()]),
  size: Type.Integer(),
});
export type UploadedMediaDtoT = Static<typeof UploadedMediaDto>;

/**
 * The check a client makes before uploading (the server checks again, on the
 * bytes): the kind the file will be sent as, or the sentence saying why it cannot be.
 */
export function precheckUpload(file: { type: string; name: string; size: number }): { kind: UploadKind } | { error: string } {
  const type = declaredUploadType(file.type, file.name);
  if (!type) return { error: `WhatsApp cannot send this type of file. Allowed: ${ALLOWED_UPLOADS_TEXT}.` };
  const kind = UPLOAD_TYPES[type]!;
  if (file.size === 0) return { error: 'The file is empty.' };
  if (file.size > MEDIA_LIMITS[kind]) return { error: tooLargeMessage(kind, file.size) };
  return { kind };
}
