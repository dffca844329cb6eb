import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Modal, Select, Stack, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { notifyError } from '../../api/notify';
import { inboxKeys, useCannedReplies, useLabels } from './api';

const COLORS = ['gray', 'red', 'pink', 'grape', 'violet', 'indigo', 'blue', 'cyan', 'teal', 'green', 'lime', 'yellow', 'orange'];

/** Labels and canned replies, for owners and admins. */
export function ManageModal({ workspaceId, opened, onClose }: { workspaceId: string; opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const labels = useLabels(workspaceId);
  const canned = useCannedReplies(workspaceId);
  const [name, setName] = useState('');
  const [color, setColor] = useState<string>('blue');
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const base = `/workspaces/${encodeURIComponent(workspaceId)}`;

  const change = useMutation({
    mutationFn: (v: { path: string; method: 'POST' | 'DELETE'; body?: unknown }) =>
      api<unknown>(`${base}${v.path}`, { method: v.method, body: v.body }),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: inboxKeys.labels(workspaceId) }),
        qc.invalidateQueries({ queryKey: inboxKeys.canned(workspaceId) }),
      ]),
    onError: (err) => notifyError(err),
  });

  return (
    <Modal opened={opened} onClose={onClose} title="Labels & canned replies" size="lg">
      <Tabs defaultValue="labels">
        <Tabs.List mb="md">
          <Tabs.Tab value="labels">Labels</Tabs.Tab>
          <Tabs.Tab value="canned">Canned replies</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="labels">
          <Stack gap="sm">
            <Group align="flex-end" gap="xs">
              <TextInput
                label="New label"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                maxLength={40}
                style={{ flex: 1 }}
              />
              <Select label="Colour" data={COLORS} value={color} onChange={(v) => setColor(v ?? 'blue')} w={120} allowDeselect={false} />
              <Button
                disabled={!name.trim()}
                loading={change.isPending}
                onClick={() =>
                  change.mutate({ path: '/labels', method: 'POST', body: { name: name.trim(), color } }, { onSuccess: () => setName('') })
                }
              >
                Add
              </Button>
            </Group>
            {(labels.data ?? []).map((l) => (
              <Group key={l.id} justify="space-between">
                <Badge variant="light" color={l.color} tt="none" size="lg">
                  {l.name}
                </Badge>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Delete label ${l.name}`}
                  onClick={() => change.mutate({ path: `/labels/${l.id}`, method: 'DELETE' })}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="canned">
          <Stack gap="sm">
            <TextInput
              label="Shortcut"
              description="Agents type / and this word in the composer"
              leftSection={<Text size="sm">/</Text>}
              value={shortcut}
              onChange={(e) => setShortcut(e.currentTarget.value.replace(/[^A-Za-z0-9_-]/g, ''))}
              maxLength={32}
            />
            <Textarea label="Text" value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} maxLength={4096} />
            <Group justify="flex-end">
              <Button
                disabled={!shortcut || !text.trim()}
                loading={change.isPending}
                onClick={() =>
                  change.mutate(
                    { path: '/canned-replies', method: 'POST', body: { shortcut, text } },
                    {
                      onSuccess: () => {
                        setShortcut('');
                        setText('');
                      },
                    },
                  )
                }
              >
                Add reply
              </Button>
            </Group>
            {(canned.data ?? []).map((c) => (
              <Group key={c.id} justify="space-between" wrap="nowrap" align="flex-start">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text size="sm" fw={600}>
                    /{c.shortcut}
                  </Text>
                  <Text size="sm" c="dimmed" lineClamp={2}>
                    {c.text}
                  </Text>
                </Stack>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Delete /${c.shortcut}`}
                  onClick={() => change.mutate({ path: `/canned-replies/${c.id}`, method: 'DELETE' })}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Modal>
  );
}
