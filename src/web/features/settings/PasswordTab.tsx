import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { useChangePassword } from '../auth/api';
import { MIN_PASSWORD, validateNewPassword } from '../auth/validation';
import { SettingsSection } from './SettingsSection';

export function PasswordTab() {
  const change = useChangePassword();
  const form = useForm({
    mode: 'controlled',
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: {
      currentPassword: (v) => (v ? null : 'Enter your current password'),
      newPassword: validateNewPassword,
      confirm: (v, values) => (v === values.newPassword ? null : 'The two new passwords differ'),
    },
  });

  return (
    <SettingsSection
      title="Change password"
      description="Changing your password signs you out on your other devices; this one stays signed in."
    >
      <form
        onSubmit={form.onSubmit((v) =>
          change.mutate(
            { currentPassword: v.currentPassword, newPassword: v.newPassword },
            {
              onSuccess: () => {
                form.reset();
                notifySuccess('Password changed.');
              },
              onError: (err) => {
                if (err instanceof ApiError && err.code === 'wrong_password') form.setFieldError('currentPassword', err.message);
                else if (err instanceof ApiError && err.code === 'validation_failed') form.setErrors(err.fieldErrors);
                else notifyError(err, 'Could not change your password');
              },
            },
          ),
        )}
      >
        <Stack maw={440}>
          <PasswordInput label="Current password" autoComplete="current-password" {...form.getInputProps('currentPassword')} />
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            description={`At least ${MIN_PASSWORD} characters.`}
            {...form.getInputProps('newPassword')}
          />
          <PasswordInput label="Confirm new password" autoComplete="new-password" {...form.getInputProps('confirm')} />
          <Group>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </SettingsSection>
  );
}
