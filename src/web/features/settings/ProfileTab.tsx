import { useEffect } from 'react';
import { Button, Group, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { MeDtoT } from '../../../contracts/auth';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { useUpdateMe } from '../auth/api';
import { validateEmail, validateName } from '../auth/validation';
import { DeleteAccountSection, DeleteUsageDataButton, YourDataSection } from '../privacy/AccountPrivacy';
import { SettingsSection } from './SettingsSection';

export function ProfileTab({ me }: { me: MeDtoT }) {
  const update = useUpdateMe();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: me.user.name, email: me.user.email },
    validate: { name: validateName, email: validateEmail },
  });

  // Keep the form in step with the saved profile (e.g. after saving).
  useEffect(() => {
    form.setInitialValues({ name: me.user.name, email: me.user.email });
    form.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [me.user.name, me.user.email]);

  return (
    <Stack gap="lg">
      <SettingsSection title="Profile" description="Your name is shown to your teammates in the inbox and the activity log.">
        <form
          onSubmit={form.onSubmit((v) => {
            const body: { name?: string; email?: string } = {};
            if (v.name.trim() !== me.user.name) body.name = v.name.trim();
            if (v.email.trim() !== me.user.email) body.email = v.email.trim();
            if (Object.keys(body).length === 0) return;
            update.mutate(body, {
              onSuccess: () => notifySuccess('Profile saved.'),
              onError: (err) => {
                if (err instanceof ApiError && err.code === 'email_taken') form.setFieldError('email', err.message);
                else if (err instanceof ApiError && err.code === 'validation_failed') form.setErrors(err.fieldErrors);
                else notifyError(err, 'Could not save your profile');
              },
            });
          })}
        >
          <Stack maw={440}>
            <TextInput label="Name" autoComplete="name" {...form.getInputProps('name')} />
            <TextInput
              label="Email"
              type="email"
              autoComplete="email"
              description="You sign in with this address."
              {...form.getInputProps('email')}
            />
            <Group>
              <Button type="submit" loading={update.isPending} disabled={!form.isDirty()}>
                Save profile
              </Button>
            </Group>
          </Stack>
        </form>
      </SettingsSection>

      <SettingsSection title="Privacy" description="Optional analytics help improve WaSphere. What they collect stays on this server.">
        <Switch
          label="Allow optional analytics"
          description={
            me.user.analyticsConsent
              ? 'Allowed. Turn it off to withdraw your consent at once.'
              : 'Off: no analytics cookie is set and no usage events are stored for you.'
          }
          checked={me.user.analyticsConsent}
          disabled={update.isPending}
          onChange={(event) =>
            update.mutate(
              { analyticsConsent: event.currentTarget.checked },
              {
                onSuccess: (next) => notifySuccess(next.user.analyticsConsent ? 'Analytics allowed.' : 'Analytics consent withdrawn.'),
                onError: (err) => notifyError(err, 'Could not change your analytics choice'),
              },
            )
          }
        />
        <DeleteUsageDataButton />
      </SettingsSection>

      <YourDataSection />
      <DeleteAccountSection />
    </Stack>
  );
}
