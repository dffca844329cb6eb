import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router';
import type { WorkspaceDtoT } from '../../../contracts/workspaces';
import { notifyError } from '../../api/notify';
import { useCreateWorkspace } from './api';

/**
 * A new workspace owned by the person, opened once created: on the account page of
 * someone without a workspace, and in the workspace switcher's dialog (which passes
 * `onCancel` for its Cancel button and `onCreated` to close itself).
 */
export function CreateWorkspaceForm({ onCreated, onCancel }: { onCreated?: (ws: WorkspaceDtoT) => void; onCancel?: () => void }) {
  const navigate = useNavigate();
  const create = useCreateWorkspace();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '' },
    validate: { name: (v) => (v.trim() ? null : 'Enter a name') },
  });
  const submit = (
    <Button type="submit" loading={create.isPending}>
      Create workspace
    </Button>
  );
  return (
    <form
      onSubmit={form.onSubmit((v) =>
        create.mutate(
          { name: v.name.trim(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
          {
            onSuccess: (ws) => {
              form.reset();
              onCreated?.(ws);
              navigate(`/w/${ws.id}`);
            },
            onError: (e) => notifyError(e, 'Could not create the workspace'),
          },
        ),
      )}
    >
      <Stack>
        <TextInput label="Workspace name" placeholder="e.g. Acme Store" data-autofocus {...form.getInputProps('name')} />
        {onCancel ? (
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            {submit}
          </Group>
        ) : (
          submit
        )}
      </Stack>
    </form>
  );
}
