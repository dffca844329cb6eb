import { useEffect } from 'react';
import { Alert, Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconUsersGroup } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import type { MeDtoT } from '../../../contracts/auth';
import { ApiError } from '../../api/client';
import { PublicLayout } from '../../components/PublicLayout';
import { FullPageLoader } from '../../components/States';
import { ROLE_LABELS } from '../workspace/api';
import { useAcceptInvite, useInvitePreview, useLogout, useMe } from './api';
import { SignupForm } from './SignupForm';

/** The workspace the invite led to: the one that is new in `after`, or the one with the invite's name. */
function joinedWorkspaceId(after: MeDtoT, before: MeDtoT | null | undefined, workspaceName: string): string | undefined {
  const known = new Set((before?.workspaces ?? []).map((w) => w.id));
  return (
    after.workspaces.find((w) => !known.has(w.id))?.id ??
    after.workspaces.find((w) => w.name === workspaceName)?.id ??
    after.workspaces[0]?.id
  );
}

export default function InvitePage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const preview = useInvitePreview(token);
  const accept = useAcceptInvite(token);
  const logout = useLogout(false, `/invite/${encodeURIComponent(token)}`);

  useEffect(() => {
    document.title = 'Join a workspace · WaSphere';
  }, []);

  if (me.isPending || preview.isPending) return <FullPageLoader />;

  if (preview.isError) {
    const gone = preview.error instanceof ApiError && (preview.error.status === 404 || preview.error.code === 'invite_invalid');
    return (
      <PublicLayout title="This invite can’t be used" subtitle="It may have expired, been revoked or already been used.">
        <Alert color="orange" variant="light" icon={<IconAlertCircle size={18} />}>
          {gone ? 'Ask the person who invited you for a new link.' : preview.error.message}
        </Alert>
        <Button component={Link} to="/signin" variant="default" fullWidth mt="lg">
          Go to sign in
        </Button>
      </PublicLayout>
    );
  }

  const invite = preview.data;
  const goTo = (after: MeDtoT) => {
    const id = joinedWorkspaceId(after, me.data, invite.workspaceName);
    navigate(id ? `/w/${id}` : '/', { replace: true });
  };
  const expires = new Date(invite.expiresAt).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

  const summary = (
    <Group gap="sm" wrap="nowrap" align="flex-start" mb="lg">
      <IconUsersGroup size={22} color="var(--mantine-color-brand-8)" style={{ flexShrink: 0, marginTop: 2 }} />
      <Stack gap={2}>
        <Text size="sm">
          You are invited to join <b>{invite.workspaceName}</b> as{' '}
          <Badge variant="light" size="sm">
            {ROLE_LABELS[invite.role]}
          </Badge>
        </Text>
        <Text size="xs" c="dimmed">
          The invite expires on {expires}.
        </Text>
      </Stack>
    </Group>
  );

  if (me.data) {
    const mismatch = invite.email && invite.email.toLowerCase() !== me.data.user.email.toLowerCase();
    return (
      <PublicLayout title={`Join ${invite.workspaceName}`} subtitle={`Signed in as ${me.data.user.email}`}>
        {summary}
        <Stack gap="md">
          {mismatch ? (
            <Alert color="orange" variant="light" icon={<IconAlertCircle size={18} />}>
              This invite was made for {invite.email}. Sign out and sign up with that address, or ask for a new invite.
            </Alert>
          ) : null}
          {accept.error ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {accept.error.message}
            </Alert>
          ) : null}
          <Button onClick={() => accept.mutate(undefined, { onSuccess: goTo })} loading={accept.isPending} fullWidth>
            Join {invite.workspaceName}
          </Button>
          <Button variant="subtle" color="gray" onClick={() => logout.mutate()} loading={logout.isPending} fullWidth>
            Not you? Sign out
          </Button>
        </Stack>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout
      title={`Join ${invite.workspaceName}`}
      subtitle="Create your account to accept the invite."
      width={460}
      below={
        <Text ta="center" size="sm" c="dimmed">
          Already have an account?{' '}
          <Anchor component={Link} to={`/signin?next=${encodeURIComponent(`/invite/${token}`)}`} fw={500}>
            Sign in to accept
          </Anchor>
        </Text>
      }
    >
      {summary}
      <SignupForm inviteToken={token} lockedEmail={invite.email} submitLabel="Create account and join" onDone={goTo} />
    </PublicLayout>
  );
}
