import { Box, Button, Stack, Text, TextInput, Title, Paper } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Navigate, useNavigate } from 'react-router';
import { notifyError } from '../api/notify';
import { LegalFooter } from '../components/LegalFooter';
import { Logo } from '../components/Logo';
import { useMe } from '../features/auth/api';
import { useCreateWorkspace } from '../features/workspace/api';

/** `/`: to the first workspace's home, or — for someone in none — a way to create one. */
export default function RootRedirect() {
  const { data: me } = useMe();
  const navigate = useNavigate();
  const create = useCreateWorkspace();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '' },
    validate: { name: (v) => (v.trim() ? null : 'Enter a name') },
  });
  const first = me?.workspaces[0];
  if (first) return <Navigate to={`/w/${first.id}`} replace />;

  return (
    <Box mih="100vh" bg="gray.0" py={64} px="md">
      <Stack maw={440} mx="auto" gap="lg">
        <Logo size={34} />
        <Paper withBorder p="xl" radius="lg">
          <Title order={1} fz={22} mb={4}>
            You are not in a workspace
          </Title>
          <Text size="sm" c="dimmed" mb="lg">
            Ask a teammate for an invite link, or create a workspace for your own store.
          </Text>
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
        </Paper>
        <LegalFooter />
      </Stack>
    </Box>
  );
}
