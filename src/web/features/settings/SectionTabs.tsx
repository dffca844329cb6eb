import type { ReactNode } from 'react';
import { Tabs } from '@mantine/core';
import type { Icon } from '@tabler/icons-react';
import { useNavigate } from 'react-router';

export interface SectionTab {
  value: string;
  label: string;
  icon: Icon;
}

/**
 * The tab strip of a settings page whose tabs are addresses (`basePath/<tab>`), so a tab can be
 * linked to and survives a reload. The panels are the children (`Tabs.Panel value=…`).
 */
export function SectionTabs({ tab, tabs, basePath, children }: { tab: string; tabs: SectionTab[]; basePath: string; children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <Tabs value={tab} onChange={(v) => v && navigate(`${basePath}/${v}`)} keepMounted={false} variant="outline" radius="md">
      <Tabs.List mb="lg" style={{ flexWrap: 'wrap' }}>
        {tabs.map((t) => (
          <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} />}>
            {t.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {children}
    </Tabs>
  );
}
