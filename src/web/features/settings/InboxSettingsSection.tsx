import { Stack, Switch, Text } from '@mantine/core';
import type { UpdateWorkspaceBodyT, WorkspaceDtoT } from '../../../contracts/workspaces';
import { notifyError, notifySuccess } from '../../api/notify';
import { canManage, useUpdateWorkspace } from '../workspace/api';
import { SettingsSection } from './SettingsSection';

/** Settings → Workspace: what customers see on WhatsApp while the team works. Each switch saves at once. */
export function InboxSettingsSection({ ws }: { ws: WorkspaceDtoT }) {
  const editable = canManage(ws.role);
  const update = useUpdateWorkspace(ws.id);
  const save = (body: UpdateWorkspaceBodyT) =>
    update.mutate(body, {
      onSuccess: () => notifySuccess('Inbox settings saved.'),
      onError: (err) => notifyError(err, 'Could not save the inbox settings'),
    });

  return (
    <SettingsSection title="Inbox" description="What customers see on WhatsApp while your team answers them.">
      <Stack maw={560} gap="md">
        <Switch
          label="Mark customer messages as read on WhatsApp when replying"
          description="When a teammate sends a reply, the customer's unread messages in that conversation get blue ticks."
          checked={ws.markReadOnReply}
          disabled={!editable || update.isPending}
          onChange={(e) => save({ markReadOnReply: e.currentTarget.checked })}
        />
        <Switch
          label="Show customers “typing…” while a teammate writes a reply"
          description="Private notes never show it."
          checked={ws.typingToCustomer}
          disabled={!editable || update.isPending}
          onChange={(e) => save({ typingToCustomer: e.currentTarget.checked })}
        />
        {!editable ? (
          <Text size="xs" c="dimmed">
            Only owners and admins can change these.
          </Text>
        ) : null}
      </Stack>
    </SettingsSection>
  );
}
