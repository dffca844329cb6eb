import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { sendUsageEvents } from './api';

/**
 * The page a path shows, without ids or anything typed: `/w/<id>/inbox/<conversation>` → `inbox`,
 * `/w/<id>/settings/profile` → `settings/profile`, the workspace home → `home`.
 */
export function pageName(pathname: string): string {
  const parts = pathname.split('/').filter(Boolean);
  const rest = parts[0] === 'w' ? parts.slice(2) : parts;
  const words = rest.filter((p) => /^[a-z][a-z-]{0,29}$/.test(p));
  return words.length ? words.slice(0, 2).join('/') : 'home';
}

/**
 * Optional analytics (PRODUCT §10): one page view per route change, sent only while
 * the person's consent is on. The server stores nothing without consent either.
 */
export function UsageTracker({ consent, workspaceId }: { consent: boolean; workspaceId: string }) {
  const { pathname } = useLocation();
  const last = useRef<string | null>(null);
  useEffect(() => {
    if (!consent) return;
    const name = pageName(pathname);
    if (last.current === `${workspaceId}:${name}`) return;
    last.current = `${workspaceId}:${name}`;
    sendUsageEvents({ events: [{ kind: 'page_view', name, workspaceId }] }).catch(() => undefined);
  }, [consent, pathname, workspaceId]);
  return null;
}
