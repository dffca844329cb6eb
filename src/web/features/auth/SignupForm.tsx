import { Alert, Anchor, Button, Checkbox, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { MeDtoT } from '../../../contracts/auth';
import { ApiError } from '../../api/client';
import { legalPath } from '../../legal/links';
import { useSignup } from './api';
import { MIN_PASSWORD, validateEmail, validateName, validateNewPassword } from './validation';

interface Props {
  inviteToken?: string;
  /** From the invite: the address it was made for. */
  lockedEmail?: string | null;
  submitLabel: string;
  onDone: (me: MeDtoT) => void;
}

export function SignupForm({ inviteToken, lockedEmail, submitLabel, onDone }: Props) {
  const signup = useSignup();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', email: lockedEmail ?? '', password: '', analyticsConsent: false },
    validate: { name: validateName, email: validateEmail, password: validateNewPassword },
  });

  const generalError =
    signup.error instanceof ApiError && signup.error.code !== 'validation_failed' && signup.error.code !== 'email_taken'
      ? signup.error.message
      : signup.error && !(signup.error instanceof ApiError)
        ? 'Something went wrong. Please try again.'
        : null;

  const submit = form.onSubmit((v) => {
    signup.mutate(
      {
        name: v.name.trim(),
        email: v.email.trim(),
        password: v.password,
        analyticsConsent: v.analyticsConsent,
        ...(inviteToken ? { inviteToken } : {}),
      },
      {
        onSuccess: onDone,
        onError: (err) => {
          if (err instanceof ApiError) {
            if (err.code === 'email_taken') form.setFieldError('email', err.message);
            else if (err.code === 'validation_failed') {
              const f = err.fieldErrors;
              form.setErrors({ ...f });
            }
          }
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {generalError ? (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {generalError}
          </Alert>
        ) : null}
        <TextInput label="Your name" autoComplete="name" required {...form.getInputProps('name')} />
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          required
          readOnly={Boolean(lockedEmail)}
          description={lockedEmail ? 'This invite was made for this address.' : undefined}
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label="Password"
          autoComplete="new-password"
          required
          description={`At least ${MIN_PASSWORD} characters — a short phrase works well.`}
          {...form.getInputProps('password')}
        />
        <Checkbox
          label="Allow optional analytics cookies (helps improve WaSphere; you can withdraw any time in Settings)"
          {...form.getInputProps('analyticsConsent', { type: 'checkbox' })}
        />
        <Button type="submit" loading={signup.isPending} fullWidth mt={4}>
          {submitLabel}
        </Button>
        <Text size="xs" c="dimmed">
          By creating an account you agree to the{' '}
          <Anchor component={Link} to={legalPath('terms')} size="xs">
            Terms
          </Anchor>
          . Read how your data is handled in the{' '}
          <Anchor component={Link} to={legalPath('privacy')} size="xs">
            Privacy Policy
          </Anchor>
          .
        </Text>
      </Stack>
    </form>
  );
}
