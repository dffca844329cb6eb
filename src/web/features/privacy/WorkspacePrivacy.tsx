import { useEffect, useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import type { WorkspaceDtoT } from '../../../contracts/workspaces';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { SettingsSection } from '../settings/SettingsSection';
import { canManage, useUpdateWorkspace } from '../workspace/api';
import { useDeleteWorkspace } from './api';

/** Settings → Workspace: optional message retention, off by default. */
export function MessageRetentionSection({ ws }: { ws: WorkspaceDtoT }) {
  const editable = canManage(ws.role);
  const update = useUpdateWorkspace(ws.id);
  const [on, setOn] = useState(ws.messageRetentionDays !== null);
  const [days, setDays] = useState<number | string>(ws.messageRetentionDays ?? 365);
  useEffect(() => {
    setOn(ws.messageRetentionDays !== null);
    setDays(ws.messageRetentionDays ?? 365);
  }, [ws.messageRetentionDays]);
  const n = Number(days);
  const valid = !on || (Number.isInteger(n) && n >= 1 && n <= 3650);
  const next = on ? n : null;
  const dirty = next !== ws.messageRetentionDays;

  return (
    <SettingsSection
      title="Message retention"
      description="Off by default: messages are kept until you delete them. When on, messages older than the period are deleted every hour with their media files and search entries; conversations, contacts and notes stay."
    >
      <Stack maw={480}>
        <Switch
          label="Delete old messages automatically"
          checked={on}
          disabled={!editable}
          onChange={(e) => setOn(e.currentTarget.checked)}
        />
        {on ? (
          <NumberInput
            label="Keep messages for (days)"
            description="From 1 to 3650 days."
            min={1}
            max={3650}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            readOnly={!editable}
            maw={260}
            value={days}
            onChange={setDays}
            error={valid ? null : 'A whole number of days from 1 to 3650'}
          />
        ) : null}
        {editable ? (
          <Group>
            <Button
              disabled={!dirty || !valid}
              loading={update.isPending}
              onClick={() =>
                update.mutate(
                  { messageRetentionDays: next },
                  {
                    onSuccess: (w) =>
                      notifySuccess(
                        w.messageRetentionDays
                          ? `Messages older than ${w.messageRetentionDays} days will be deleted.`
                          : 'Messages are kept.',
                      ),
                    onError: (err) => notifyError(err, 'Could not save message retention'),
                  },
                )
              }
            >
              Save retention
            </Button>
          </Group>
        ) : null}
      </Stack>
    </SettingsSection>
  );
}

/** Settings → Workspace: the danger zone (owners). Erasure runs in the background; its progress has a page of its own. */
export function DeleteWorkspaceSection({ ws }: { ws: WorkspaceDtoT }) {
  const [opened, setOpened] = useState(false);
  const [typed, setTyped] = useState('');
  const remove = useDeleteWorkspace(ws.id);
  const navigate = useNavigate();
  if (ws.role !== 'owner') return null;
  const close = () => {
    setOpened(false);
    setTyped('');
  };
  return (
    <SettingsSection
      title="Danger zone"
      description="Deleting the workspace erases its numbers and their WhatsApp sessions, every conversation, message, media file, contact, campaign, SLA record and its activity log. It cannot be undone."
    >
      <Group>
        <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={() => setOpened(true)}>
          Delete workspace
        </Button>
      </Group>
      <Modal opened={opened} onClose={close} title={`Delete “${ws.name}”?`}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            remove.mutate(typed, {
              onSuccess: (deletion) => navigate(`/workspace-deletions/${deletion.id}`, { replace: true }),
              onError: (err) => {
                if (!(err instanceof ApiError && err.code === 'validation_failed')) notifyError(err, 'Could not delete the workspace');
              },
            });
          }}
        >
          <Stack>
            <Alert color="red" variant="light">
              Everyone loses access at once. The data is then erased in the background; large workspaces take a while.
            </Alert>
            <TextInput
              label={`Type ${ws.name} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              error={remove.error instanceof ApiError && remove.error.code === 'validation_failed' ? remove.error.message : null}
              autoComplete="off"
              data-autofocus
            />
            <Text size="xs" c="dimmed">
              Only owners can delete a workspace.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={remove.isPending} disabled={typed.trim() !== ws.name}>
                Delete workspace
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </SettingsSection>
  );
}
