import { useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useWorkspaceEvents } from '../numbers/live';
import { campaignKeys } from './api';

/**
 * Keeps campaign queries fresh from `campaign.*` events. Progress events come
 * once per recipient, so refetches are batched to at most one a second.
 */
export function useLiveCampaigns(workspaceId: string, campaignId: string | null) {
  const qc = useQueryClient();
  const timer = useRef<number | undefined>(undefined);
  const refresh = () => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      void qc.invalidateQueries({ queryKey: campaignKeys.all(workspaceId) });
    }, 1000);
  };
  return useWorkspaceEvents(workspaceId, {
    onEvent: (event) => {
      if (event.type !== 'campaign.progress' && event.type !== 'campaign.paused') return;
      if (campaignId === null || event.payload.campaignId === campaignId) refresh();
    },
    onReady: (reconnected) => {
      if (reconnected) refresh();
    },
  });
}
