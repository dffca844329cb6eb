import { useEffect, useMemo, useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import {
  ActionIcon,
  Box,
  Button,
  Center,
  CloseButton,
  FileButton,
  Group,
  Paper,
  ScrollArea,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  UnstyledButton,
} from '@mantine/core';
import { IconNote, IconPaperclip, IconSend } from '@tabler/icons-react';
import type { CannedReplyDtoT, InboxMessageDtoT } from '../../../contracts/inbox';
import { ALLOWED_UPLOADS_TEXT } from '../../../contracts/media';
import { ApiError } from '../../api/client';
import { notifyError } from '../../api/notify';
import { uploadMedia } from '../../api/upload';
import { useAddNote, useCannedReplies, useSendReply } from './api';
import { AttachmentChip, attachmentOf, type Attachment } from './AttachmentChip';
import { useTypingSignal } from './typing';

type Mode = 'reply' | 'note';

/** Upload answers that are about the file itself (400 empty, 413 too large, 415 type), not the connection. */
const REFUSED_FILE = new Set([400, 413, 415]);

const draftKey = (ws: string, conversationId: string, mode: Mode) => `wasphere.draft.${ws}.${conversationId}.${mode}`;

function readDraft(key: string): string {
  try {
    return window.localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

function writeDraft(key: string, text: string): void {
  try {
    if (text) window.localStorage.setItem(key, text);
    else window.localStorage.removeItem(key);
  } catch {
    // Storage full or disabled: the draft lives only in the page.
  }
}

/** Canned replies matching what follows `/` at the start of the text. */
function cannedMatches(text: string, all: readonly CannedReplyDtoT[]): CannedReplyDtoT[] | null {
  const m = /^\/(\S*)$/.exec(text);
  if (!m) return null;
  const q = (m[1] ?? '').toLowerCase();
  return all.filter((c) => c.shortcut.toLowerCase().includes(q) || c.text.toLowerCase().includes(q)).slice(0, 8);
}

export function Composer(props: {
  workspaceId: string;
  conversationId: string;
  quoted: InboxMessageDtoT | null;
  onClearQuote: () => void;
  optedOut: boolean;
}) {
  const { workspaceId, conversationId, quoted, onClearQuote } = props;
  const [mode, setMode] = useState<Mode>('reply');
  const key = draftKey(workspaceId, conversationId, mode);
  const [text, setText] = useState(() => readDraft(key));
  const [active, setActive] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const canned = useCannedReplies(workspaceId);
  const send = useSendReply(workspaceId, conversationId);
  const addNote = useAddNote(workspaceId, conversationId);
  const [attachment, setAttachment] = useState<Attachment | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);

  // A file belongs to the conversation it was attached in.
  useEffect(() => {
    setAttachment(null);
  }, [conversationId]);

  /** Stages the first of the files; WhatsApp sends one file per message, so the chip says when others were left. */
  const attach = (files: readonly File[]) => {
    const [file] = files;
    if (!file) return;
    setMode('reply');
    const left = files.length - 1;
    setAttachment({
      ...attachmentOf(file),
      notice:
        left === 0
          ? null
          : left === 1
            ? 'WhatsApp sends one file per message: the other file was not attached. Send it in its own message.'
            : `WhatsApp sends one file per message: ${left} other files were not attached. Send each in its own message.`,
    });
    requestAnimationFrame(() => area.current?.focus());
  };
  const onDrop = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(false);
    attach(Array.from(e.dataTransfer.files));
  };
  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(true);
  };
  // Moving over a child of the composer fires a leave too: only leaving the composer ends the highlight.
  const onDragLeave = (e: DragEvent) => {
    if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDragging(false);
  };
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(e.clipboardData.files);
    if (files.length === 0 || mode === 'note') return;
    e.preventDefault();
    attach(files);
  };
  // WhatsApp shows no caption on audio or stickers.
  const captionless = attachment?.kind === 'audio' || attachment?.kind === 'sticker';
  const typing = useTypingSignal(workspaceId, conversationId, mode);

  // Another conversation or mode: its own draft.
  useEffect(() => {
    setText(readDraft(key));
  }, [key]);

  useEffect(() => {
    const t = setTimeout(() => writeDraft(key, text), 200);
    return () => clearTimeout(t);
  }, [key, text]);

  useEffect(() => {
    if (quoted) {
      setMode('reply');
      area.current?.focus();
    }
  }, [quoted]);

  const matches = useMemo(() => (mode === 'reply' ? cannedMatches(text, canned.data ?? []) : null), [mode, text, canned.data]);
  const pickerOpen = matches !== null;

  const choose = (c: CannedReplyDtoT) => {
    setText(c.text);
    setActive(0);
    requestAnimationFrame(() => area.current?.focus());
  };

  const submit = async () => {
    const value = text.trim();
    const file = mode === 'reply' ? attachment : null;
    if (file?.error || (file && captionless && value)) return;
    if (!value && !file) return;
    typing.stopped();
    try {
      if (mode === 'note') {
        await addNote.mutateAsync(value);
      } else {
        let mediaId: string | undefined;
        if (file) {
          setProgress(0);
          try {
            mediaId = (await uploadMedia(workspaceId, file.file, setProgress)).id;
          } catch (err) {
            // The server read the file and refused it (its bytes are not what it claims, or it is
            // too large): the reason belongs on the file, like the browser's own check.
            if (err instanceof ApiError && REFUSED_FILE.has(err.status)) {
              setAttachment({ ...file, error: err.message });
              return;
            }
            throw err;
          }
        }
        await send.mutateAsync({
          ...(value ? { text: value } : {}),
          ...(mediaId ? { mediaId } : {}),
          ...(quoted ? { quotedMessageId: quoted.id } : {}),
        });
        onClearQuote();
        setAttachment(null);
      }
      setText('');
      writeDraft(key, '');
    } catch (err) {
      notifyError(err, mode === 'note' ? 'The note was not saved' : 'The message was not queued');
    } finally {
      setProgress(null);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (pickerOpen && matches.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const c = matches[Math.min(active, matches.length - 1)];
        if (c) choose(c);
        return;
      }
    }
    if (e.key === 'Escape' && pickerOpen) {
      setText('');
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  const note = mode === 'note';
  const hint = note ? 'Private: only your team sees notes' : 'Enter to send · Shift+Enter for a new line · / for canned replies';
  const busy = send.isPending || addNote.isPending || progress !== null;
  const blocked = !note && attachment !== null && (attachment.error !== null || (captionless && text.trim() !== ''));
  const canSend = !blocked && (text.trim() !== '' || (!note && attachment !== null));

  return (
    <Box
      p="sm"
      style={{
        borderTop: '1px solid var(--mantine-color-gray-3)',
        position: 'relative',
        outline: dragging ? '2px dashed var(--mantine-color-brand-5)' : undefined,
        outlineOffset: -4,
      }}
      bg={note ? 'yellow.0' : dragging ? 'brand.0' : 'white'}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      data-testid="composer"
      data-dragging={dragging || undefined}
    >
      {dragging ? (
        // Says what letting go does; it must not catch the drag events itself.
        <Center pos="absolute" inset={0} style={{ pointerEvents: 'none', zIndex: 4 }} bg="rgba(255, 255, 255, 0.85)">
          <Group gap={6}>
            <IconPaperclip size={18} color="var(--mantine-color-brand-7)" />
            <Text size="sm" fw={600} c="brand.8">
              Drop the file to attach it to your reply
            </Text>
          </Group>
        </Center>
      ) : null}
      {pickerOpen ? (
        <Paper
          shadow="md"
          withBorder
          pos="absolute"
          left={12}
          right={12}
          bottom="100%"
          mb={4}
          style={{ zIndex: 5 }}
          role="listbox"
          aria-label="Canned replies"
        >
          {matches.length === 0 ? (
            <Text size="sm" c="dimmed" p="sm">
              {(canned.data ?? []).length === 0
                ? 'No canned replies yet. An admin adds them under Labels & replies.'
                : 'No canned reply matches.'}
            </Text>
          ) : (
            <ScrollArea.Autosize mah={260}>
              {matches.map((c, i) => (
                <UnstyledButton
                  key={c.id}
                  role="option"
                  aria-selected={i === active}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => choose(c)}
                  onMouseEnter={() => setActive(i)}
                  w="100%"
                  px="sm"
                  py={6}
                  bg={i === active ? 'gray.1' : undefined}
                >
                  <Text size="sm" fw={600}>
                    /{c.shortcut}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={1}>
                    {c.text}
                  </Text>
                </UnstyledButton>
              ))}
            </ScrollArea.Autosize>
          )}
        </Paper>
      ) : null}
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={(v) => setMode(v as Mode)}
            data={[
              { value: 'reply', label: 'Reply' },
              { value: 'note', label: 'Note' },
            ]}
            aria-label="Composer mode"
          />
          {/* One line that shortens with the column (the full hint stays in its tooltip) instead of pushing the box down. */}
          <Text size="xs" c="dimmed" truncate="end" title={hint} ta="right" style={{ flex: '1 1 0', minWidth: 0 }}>
            {hint}
          </Text>
        </Group>
        {quoted && !note ? (
          <Group
            gap={6}
            wrap="nowrap"
            px={8}
            py={4}
            style={{ borderLeft: '3px solid var(--mantine-color-brand-5)', background: 'var(--mantine-color-gray-0)' }}
            data-testid="quote-preview"
          >
            <Text size="xs" c="dimmed" lineClamp={2} style={{ flex: 1 }}>
              Replying to: {quoted.text ?? `a ${quoted.kind}`}
            </Text>
            <CloseButton size="sm" onClick={onClearQuote} aria-label="Cancel quote" />
          </Group>
        ) : null}
        {props.optedOut && !note ? (
          <Text size="xs" c="orange.8">
            This customer opted out of messages. Reply only to what they asked.
          </Text>
        ) : null}
        {attachment && !note ? (
          <AttachmentChip
            attachment={attachment}
            warning={
              captionless && text.trim()
                ? `WhatsApp shows no caption on ${attachment.kind === 'audio' ? 'audio' : 'stickers'}: send the text as its own message.`
                : attachment.notice
            }
            progress={progress}
            onRemove={() => setAttachment(null)}
          />
        ) : null}
        <Group gap="xs" align="flex-end" wrap="nowrap">
          {note ? null : (
            <FileButton onChange={(file) => attach(file ? [file] : [])} disabled={progress !== null}>
              {(fileProps) => (
                <ActionIcon
                  {...fileProps}
                  size={36}
                  variant="subtle"
                  color="gray"
                  aria-label="Attach a file"
                  title={`Attach a file (or drop or paste it). ${ALLOWED_UPLOADS_TEXT}`}
                >
                  <IconPaperclip size={18} />
                </ActionIcon>
              )}
            </FileButton>
          )}
          <Textarea
            ref={area}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setActive(0);
              typing.changed(e.currentTarget.value);
            }}
            onBlur={typing.stopped}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
            placeholder={note ? 'Write a private note for your team…' : attachment ? 'Add a caption…' : 'Type a reply…'}
            aria-label={note ? 'Note' : 'Message'}
            autosize
            minRows={1}
            maxRows={8}
            maxLength={note ? 10000 : 4096}
            style={{ flex: 1 }}
            styles={note ? { input: { background: 'var(--mantine-color-yellow-1)' } } : undefined}
          />
          {note ? (
            <Button leftSection={<IconNote size={16} />} color="yellow.8" onClick={() => void submit()} loading={busy} disabled={!canSend}>
              Add note
            </Button>
          ) : (
            <ActionIcon size={36} radius="xl" onClick={() => void submit()} loading={busy} disabled={!canSend} aria-label="Send">
              <IconSend size={18} />
            </ActionIcon>
          )}
        </Group>
      </Stack>
    </Box>
  );
}
