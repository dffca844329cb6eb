import { useEffect } from 'react';
import { Box, Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useParams } from 'react-router';
import { LegalFooter } from '../../components/LegalFooter';
import { Logo } from '../../components/Logo';
import { QueryError } from '../../components/States';
import { useRefreshMe, useWorkspaceDeletion } from './api';

const STEPS: Record<string, string> = {
  numbers: 'Logging out numbers and erasing their WhatsApp keys',
  messages: 'Deleting messages',
  media: 'Deleting media files',
  rows: 'Deleting contacts, campaigns, labels, notes, SLA records and the activity log',
  workspace: 'Finishing',
  done: 'Done',
};

/** `/workspace-deletions/:id`: progress of a workspace deletion, outside the deleted workspace. */
export default function WorkspaceDeletionPage() {
  const { deletionId } = useParams();
  const deletion = useWorkspaceDeletion(deletionId ?? null);
  const refreshMe = useRefreshMe();
  const d = deletion.data;
  useEffect(() => {
    document.title = 'Deleting workspace · WaSphere';
  }, []);
  useEffect(() => {
    if (d?.state === 'done') void refreshMe();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d?.state]);

  return (
    <Box mih="100vh" bg="gray.0" py={64} px="md">
      <Stack maw={520} mx="auto" gap="lg">
        <Logo size={34} />
        <Paper withBorder p="xl" radius="lg">
          {deletion.isError ? (
            <QueryError error={deletion.error} onRetry={() => void deletion.refetch()} />
          ) : (
            <Stack gap="md">
              <Group gap="xs">
                {d?.state === 'done' ? <IconCircleCheck color="var(--mantine-color-brand-6)" /> : null}
                <Title order={1} fz={22}>
                  {d?.state === 'done' ? 'Workspace deleted' : 'Deleting workspace…'}
                </Title>
              </Group>
              <Text size="sm" c="dimmed">
                {d?.state === 'done'
                  ? 'Its messages, media files, contacts and everything else it held have been erased from this server.'
                  : 'Nobody can open the workspace any more. Its data is being erased; you can leave this page, the deletion continues.'}
              </Text>
              <Progress value={d?.percent ?? 0} size="lg" radius="xl" aria-label="Deletion progress" animated={d?.state !== 'done'} />
              <Text size="sm" data-testid="deletion-status">
                {d ? `${STEPS[d.step] ?? d.step} · ${d.percent}%` : 'Starting…'}
              </Text>
              {d ? (
                <Text size="xs" c="dimmed">
                  Numbers {d.numbers.done}/{d.numbers.total} · messages {d.messages.deleted}/{d.messages.total} · media {d.media.deleted}/
                  {d.media.total}
                  {d.state === 'failed' ? ' · interrupted, it will resume automatically' : ''}
                </Text>
              ) : null}
              <Group>
                <Button component="a" href="/" variant={d?.state === 'done' ? 'filled' : 'default'}>
                  Continue
                </Button>
              </Group>
            </Stack>
          )}
        </Paper>
        <LegalFooter />
      </Stack>
    </Box>
  );
}
