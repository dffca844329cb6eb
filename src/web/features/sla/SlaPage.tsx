import { useEffect } from 'react';
import { Tabs } from '@mantine/core';
import { IconAdjustments, IconBellRinging, IconChartBar } from '@tabler/icons-react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import { canManage } from '../workspace/api';
import { AlertsTab } from './AlertsTab';
import { PolicyTab } from './PolicyTab';
import { ReportsTab } from './ReportsTab';

/** SLA: reports for everyone; the policy for everyone to see and managers to change; alert channels for managers. */
export default function SlaPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const ws = useCurrentWorkspace();
  const manager = canManage(ws.role);

  useEffect(() => {
    document.title = `SLA · ${ws.name} · WaSphere`;
  }, [ws.name]);

  const tabs = [
    { value: 'reports', label: 'Reports', icon: IconChartBar },
    { value: 'policy', label: 'Policy', icon: IconAdjustments },
    ...(manager ? [{ value: 'alerts', label: 'Alert channels', icon: IconBellRinging }] : []),
  ];
  const base = `/w/${ws.id}/sla`;
  if (!tab || !tabs.some((t) => t.value === tab)) return <Navigate to={`${base}/reports`} replace />;

  return (
    <>
      <PageHeader title="SLA" description="How fast customers get answers, against the targets your team has set." />
      <Tabs value={tab} onChange={(v) => v && navigate(`${base}/${v}`)} keepMounted={false} variant="outline" radius="md">
        <Tabs.List mb="lg">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} />}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="reports">
          <ReportsTab workspaceId={ws.id} />
        </Tabs.Panel>
        <Tabs.Panel value="policy">
          <PolicyTab workspaceId={ws.id} canEdit={manager} />
        </Tabs.Panel>
        {manager ? (
          <Tabs.Panel value="alerts">
            <AlertsTab workspaceId={ws.id} />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </>
  );
}
