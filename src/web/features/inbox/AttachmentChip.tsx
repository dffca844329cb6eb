import { useEffect, useState } from 'react';
import { Box, CloseButton, Group, Paper, Progress, Text } from '@mantine/core';
import { IconFileText, IconHeadphones, IconMovie, IconPhoto } from '@tabler/icons-react';
import { formatBytes, precheckUpload, type UploadKind } from '../../../contracts/media';

/** A file chosen to go with the reply: checked at once, uploaded on send. */
export interface Attachment {
  file: File;
  kind: UploadKind | null;
  error: string | null;
  /** Something to know that does not stop the send (other files left out). */
  notice: string | null;
}

export function attachmentOf(file: File): Attachment {
  const checked = precheckUpload(file);
  return 'error' in checked
    ? { file, kind: null, error: checked.error, notice: null }
    : { file, kind: checked.kind, error: null, notice: null };
}

const KIND_ICON = { image: IconPhoto, sticker: IconPhoto, video: IconMovie, audio: IconHeadphones, document: IconFileText } as const;

/** A local preview of an image about to be sent, so the agent sees which picture goes (a pasted one has no telling name). */
function usePreviewUrl(attachment: Attachment): string | null {
  const [url, setUrl] = useState<string | null>(null);
  const previewable = !attachment.error && (attachment.kind === 'image' || attachment.kind === 'sticker');
  useEffect(() => {
    if (!previewable) return setUrl(null);
    const made = URL.createObjectURL(attachment.file);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [attachment.file, previewable]);
  return url;
}

/** The staged file above the composer box: preview or icon, name, size and kind, why it cannot go, upload progress. */
export function AttachmentChip(props: { attachment: Attachment; warning: string | null; progress: number | null; onRemove: () => void }) {
  const { attachment, warning, progress } = props;
  const preview = usePreviewUrl(attachment);
  const Icon = attachment.kind ? KIND_ICON[attachment.kind] : IconFileText;
  return (
    <Paper withBorder px={8} py={6} radius="sm" data-testid="attachment-chip" bg={attachment.error ? 'red.0' : 'gray.0'}>
      <Group gap={8} wrap="nowrap">
        {preview ? (
          <img
            src={preview}
            alt=""
            data-testid="attachment-preview"
            style={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 4, flexShrink: 0, background: 'var(--mantine-color-gray-2)' }}
          />
        ) : (
          <Icon size={22} stroke={1.5} color={attachment.error ? 'var(--mantine-color-red-7)' : undefined} style={{ flexShrink: 0 }} />
        )}
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Text size="sm" truncate="end">
            {attachment.file.name || 'Pasted image'}
          </Text>
          <Text size="xs" c="dimmed">
            {formatBytes(attachment.file.size)}
            {attachment.kind ? ` · ${attachment.kind}` : ''}
          </Text>
        </Box>
        <CloseButton size="sm" onClick={props.onRemove} disabled={progress !== null} aria-label="Remove attachment" />
      </Group>
      {attachment.error ? (
        <Text size="xs" c="red.8" mt={4} role="alert">
          {attachment.error}
        </Text>
      ) : warning ? (
        <Text size="xs" c="orange.8" mt={4} role="alert">
          {warning}
        </Text>
      ) : null}
      {progress !== null ? <Progress value={progress * 100} size="sm" mt={6} aria-label="Upload progress" /> : null}
    </Paper>
  );
}
