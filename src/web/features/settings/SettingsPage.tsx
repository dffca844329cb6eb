import { useEffect } from 'react';
import { Tabs } from '@mantine/core';
import { IconBuildingStore, IconLink, IconLock, IconServer, IconUser, IconUsers } from '@tabler/icons-react';
import { Navigate, useParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { useMe } from '../auth/api';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import { canManage } from '../workspace/api';
import { InstanceTab } from './InstanceTab';
import { SectionTabs } from './SectionTabs';
import { InvitesTab } from './InvitesTab';
import { MembersTab } from './MembersTab';
import { PasswordTab } from './PasswordTab';
import { ProfileTab } from './ProfileTab';
import { WorkspaceTab } from './WorkspaceTab';

export default function SettingsPage() {
  const { tab } = useParams();
  const ws = useCurrentWorkspace();
  const { data: me } = useMe();

  useEffect(() => {
    document.title = `Settings · ${ws.name} · WaSphere`;
  }, [ws.name]);

  if (!me) return null;
  const manager = canManage(ws.role);
  const tabs = [
    { value: 'profile', label: 'Profile', icon: IconUser },
    { value: 'password', label: 'Password', icon: IconLock },
    { value: 'workspace', label: 'Workspace', icon: IconBuildingStore },
    { value: 'members', label: 'Members', icon: IconUsers },
    ...(manager ? [{ value: 'invites', label: 'Invites', icon: IconLink }] : []),
    ...(me.user.isInstanceAdmin ? [{ value: 'instance', label: 'Instance', icon: IconServer }] : []),
  ];
  const base = `/w/${ws.id}/settings`;
  if (!tab) return <Navigate to={`${base}/profile`} replace />;
  if (!tabs.some((t) => t.value === tab)) return <Navigate to={`${base}/profile`} replace />;

  return (
    <>
      <PageHeader title="Settings" description={`Your account, and the ${ws.name} workspace.`} />
      <SectionTabs tab={tab} tabs={tabs} basePath={base}>
        <Tabs.Panel value="profile">
          <ProfileTab me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="password">
          <PasswordTab />
        </Tabs.Panel>
        <Tabs.Panel value="workspace">
          <WorkspaceTab workspaceId={ws.id} />
        </Tabs.Panel>
        <Tabs.Panel value="members">
          <MembersTab workspace={ws} currentUserId={me.user.id} />
        </Tabs.Panel>
        {manager ? (
          <Tabs.Panel value="invites">
            <InvitesTab workspaceId={ws.id} />
          </Tabs.Panel>
        ) : null}
        {me.user.isInstanceAdmin ? (
          <Tabs.Panel value="instance">
            <InstanceTab />
          </Tabs.Panel>
        ) : null}
      </SectionTabs>
    </>
  );
}
