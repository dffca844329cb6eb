import { useState } from 'react';
import { Alert, Button, Group, List, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { IconDownload, IconTrash } from '@tabler/icons-react';
import type { LastOwnerDetails } from '../../../contracts/privacy';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { count } from '../../../contracts/count';
import { SettingsSection } from '../settings/SettingsSection';
import { EXPORT_URL, useDeleteAccount, useDeleteUsageData } from './api';

/** Settings → Profile: "Your data" — a copy of the account data (the right of access). */
export function YourDataSection() {
  return (
    <SettingsSection
      title="Your data"
      description="Download a copy of what WaSphere stores about you: profile, workspaces and roles, consent history, signed-in devices and your activity. A ZIP file with JSON and CSV inside."
    >
      <Group>
        <Button component="a" href={EXPORT_URL} download variant="default" leftSection={<IconDownload size={16} />}>
          Download my data
        </Button>
      </Group>
    </SettingsSection>
  );
}

/** Under the analytics switch: delete what optional analytics collected so far. */
export function DeleteUsageDataButton() {
  const remove = useDeleteUsageData();
  return (
    <Group gap="xs" mt="md">
      <Button
        variant="subtle"
        color="red"
        size="compact-sm"
        loading={remove.isPending}
        onClick={() =>
          remove.mutate(undefined, {
            onSuccess: (r) =>
              notifySuccess(
                r.deleted ? `Deleted ${count(r.deleted, 'usage record')} collected about you.` : 'No usage data was stored about you.',
              ),
            onError: (err) => notifyError(err, 'Could not delete your usage data'),
          })
        }
      >
        Also delete my collected usage data
      </Button>
    </Group>
  );
}

/** Settings → Profile: "Delete account" after re-entering the password. */
export function DeleteAccountSection() {
  const [opened, setOpened] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [owned, setOwned] = useState<LastOwnerDetails['workspaces']>([]);
  const remove = useDeleteAccount();
  const close = () => {
    setOpened(false);
    setPassword('');
    setError(null);
    setOwned([]);
  };

  return (
    <SettingsSection
      title="Delete account"
      description="Your profile, sign-ins, consent history and usage data are erased. Entries you made in activity logs stay for your teams, shown as “deleted user”."
    >
      <Group>
        <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={() => setOpened(true)}>
          Delete account
        </Button>
      </Group>
      <Modal opened={opened} onClose={close} title="Delete your account?">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            remove.mutate(password, {
              onError: (err) => {
                if (err instanceof ApiError && err.code === 'last_owner') {
                  setOwned(((err.details as unknown as LastOwnerDetails).workspaces ?? []).slice(0, 20));
                } else if (err instanceof ApiError && err.code === 'wrong_password') setError(err.message);
                else notifyError(err, 'Could not delete your account');
              },
            });
          }}
        >
          <Stack>
            <Text size="sm">This cannot be undone. Enter your password to confirm.</Text>
            {owned.length > 0 ? (
              <Alert color="orange" variant="light" title="You are the only owner of">
                <List size="sm">
                  {owned.map((w) => (
                    <List.Item key={w.id}>{w.name}</List.Item>
                  ))}
                </List>
                <Text size="sm" mt="xs">
                  Make someone else owner in Settings → Members, or delete the workspace first.
                </Text>
              </Alert>
            ) : null}
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={error}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={remove.isPending} disabled={!password}>
                Delete my account
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </SettingsSection>
  );
}
