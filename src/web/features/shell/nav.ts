import type { ComponentType } from 'react';
import {
  IconAddressBook,
  IconAlarm,
  IconBrandWhatsapp,
  IconHistory,
  IconHome,
  IconInbox,
  IconSettings,
  IconSpeakerphone,
} from '@tabler/icons-react';

export interface NavItem {
  /** Path under /w/:workspaceId ('' is the workspace home). */
  path: string;
  label: string;
  icon: ComponentType<{ size?: number | string; stroke?: number }>;
}

/**
 * The left navigation. Only pages that exist are listed; a new feature adds one line
 * here (Inbox, Contacts, Campaigns, Numbers …) next to its route in router.tsx.
 */
export const NAV_ITEMS: NavItem[] = [
  { path: '', label: 'Home', icon: IconHome },
  { path: 'inbox', label: 'Inbox', icon: IconInbox },
  { path: 'contacts', label: 'Contacts', icon: IconAddressBook },
  { path: 'numbers', label: 'Numbers', icon: IconBrandWhatsapp },
  { path: 'campaigns', label: 'Campaigns', icon: IconSpeakerphone },
  { path: 'sla', label: 'SLA', icon: IconAlarm },
  { path: 'activity', label: 'Activity', icon: IconHistory },
  { path: 'settings', label: 'Settings', icon: IconSettings },
];
