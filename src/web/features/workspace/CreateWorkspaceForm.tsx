import { Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router';
import { notifyError } from '../../api/notify';
import { useCreateWorkspace } from './api';

/** A new workspace owned by the person, opened once created. */
export function CreateWorkspaceForm() {
  const navigate = useNavigate();
  const create = useCreateWorkspace();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '' },
    validate: { name: (v) => (v.trim() ? null : 'Enter a name') },
  });
  return (
    <form
      onSubmit={form.onSubmit((v) =>
        create.mutate(
          { name: v.name.trim(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
          { onSuccess: (ws) => navigate(`/w/${ws.id}`), onError: (e) => notifyError(e, 'Could not create the workspace') },
        ),
      )}
    >
      <Stack>
        <TextInput label="Workspace name" placeholder="e.g. Acme Store" {...form.getInputProps('name')} />
        <Button type="submit" loading={create.isPending}>
          Create workspace
        </Button>
      </Stack>
    </form>
  );
}
