import { Stack, Switch, Text } from '@mantine/core';
import { notifyError, notifySuccess } from '../../api/notify';
import { FullPageLoader, QueryError } from '../../components/States';
import { useInstanceSettings, useUpdateInstanceSettings } from '../workspace/api';
import { UsageSection } from '../privacy/UsageSection';
import { SettingsSection } from './SettingsSection';

export function InstanceTab() {
  return (
    <Stack gap="lg">
      <InstallationSection />
      <UsageSection />
    </Stack>
  );
}

function InstallationSection() {
  const settings = useInstanceSettings(true);
  const update = useUpdateInstanceSettings();

  return (
    <SettingsSection title="Installation" description="Settings for this whole WaSphere installation, across all workspaces.">
      {settings.isPending ? (
        <FullPageLoader />
      ) : settings.isError ? (
        <QueryError error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <Stack gap="xs">
          <Switch
            label="Open sign-up"
            description="Let anyone who can reach this server create an account. When off, people join only through an invite link or a login an admin creates."
            checked={settings.data.openSignup}
            disabled={update.isPending}
            onChange={(e) =>
              update.mutate(
                { openSignup: e.currentTarget.checked },
                {
                  onSuccess: (s) => notifySuccess(s.openSignup ? 'Sign-up is now open.' : 'Sign-up is now by invitation only.'),
                  onError: (err) => notifyError(err, 'Could not change the setting'),
                },
              )
            }
          />
          <Text size="xs" c="dimmed" mt="sm">
            Only instance administrators see this tab.
          </Text>
        </Stack>
      )}
    </SettingsSection>
  );
}
