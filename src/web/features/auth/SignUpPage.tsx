import { useEffect } from 'react';
import { Alert, Anchor, Button, Text } from '@mantine/core';
import { IconMailForward } from '@tabler/icons-react';
import { Link, Navigate, useNavigate } from 'react-router';
import { PublicLayout } from '../../components/PublicLayout';
import { FullPageLoader, QueryError } from '../../components/States';
import { useMe, useSignupStatus } from './api';
import { SignupForm } from './SignupForm';

export default function SignUpPage() {
  const me = useMe();
  const status = useSignupStatus();
  const navigate = useNavigate();

  useEffect(() => {
    document.title = 'Create account · WaSphere';
  }, []);

  const signInLink = (
    <Text ta="center" size="sm" c="dimmed">
      Already have an account?{' '}
      <Anchor component={Link} to="/signin" fw={500}>
        Sign in
      </Anchor>
    </Text>
  );

  if (me.isPending || status.isPending) return <FullPageLoader />;
  if (me.data) return <Navigate to="/" replace />;
  if (status.isError) {
    return (
      <PublicLayout title="Create an account" below={signInLink}>
        <QueryError error={status.error} onRetry={() => void status.refetch()} />
      </PublicLayout>
    );
  }

  const { firstRun, openSignup } = status.data;
  if (!firstRun && !openSignup) {
    return (
      <PublicLayout title="Sign-up is by invitation" subtitle="This WaSphere is private to its team." below={signInLink}>
        <Alert color="brand" variant="light" icon={<IconMailForward size={18} />}>
          Ask a workspace owner or admin for an invite link, or for a login they create for you.
        </Alert>
        <Button component={Link} to="/signin" variant="default" fullWidth mt="lg">
          Go to sign in
        </Button>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout
      title={firstRun ? 'Create your WaSphere' : 'Create an account'}
      subtitle={
        firstRun
          ? 'You are the first person here: you will own the first workspace and administer this installation.'
          : 'Create your account to get started.'
      }
      below={signInLink}
      width={460}
    >
      <SignupForm submitLabel={firstRun ? 'Create my WaSphere' : 'Create account'} onDone={() => navigate('/', { replace: true })} />
    </PublicLayout>
  );
}
