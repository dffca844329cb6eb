import { useEffect } from 'react';
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { PublicLayout } from '../../components/PublicLayout';
import { FullPageLoader } from '../../components/States';
import { safeNext, useLogin, useMe } from './api';

function loginErrorText(err: unknown): string | null {
  if (!err) return null;
  // The server's message already says how long to wait when sign-in is rate limited.
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Please try again.';
}

export default function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const me = useMe();
  const login = useLogin();
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (v.trim() ? null : 'Enter your email'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });

  useEffect(() => {
    document.title = 'Sign in · WaSphere';
  }, []);

  if (me.isPending) return <FullPageLoader />;
  if (me.data && !login.isSuccess) return <Navigate to={next} replace />;

  const error = loginErrorText(login.error);

  return (
    <PublicLayout
      title="Sign in"
      subtitle="Welcome back. Sign in to your team’s inbox."
      below={
        <Text ta="center" size="sm" c="dimmed">
          New here?{' '}
          <Anchor component={Link} to="/signup" fw={500}>
            Create an account
          </Anchor>
        </Text>
      }
    >
      <form
        noValidate
        onSubmit={form.onSubmit((v) =>
          login.mutate(
            { email: v.email.trim(), password: v.password },
            {
              onSuccess: () => navigate(next, { replace: true }),
              onError: () => form.setFieldValue('password', ''),
            },
          ),
        )}
      >
        <Stack gap="md">
          {error ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {error}
            </Alert>
          ) : null}
          <TextInput label="Email" type="email" autoComplete="username" required {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
          <Button type="submit" loading={login.isPending} fullWidth mt={4}>
            Sign in
          </Button>
          <Text size="xs" c="dimmed" ta="center">
            Forgot your password? Ask your WaSphere administrator to reset it.
          </Text>
        </Stack>
      </form>
    </PublicLayout>
  );
}
