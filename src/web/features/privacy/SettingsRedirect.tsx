import { Navigate, useParams } from 'react-router';
import { useMe } from '../auth/api';

/** `/settings/:tab`: the same tab in the first workspace (links from the legal pages, which know no workspace). */
export default function SettingsRedirect() {
  const { tab } = useParams();
  const { data: me } = useMe();
  const first = me?.workspaces[0];
  if (!first) return <Navigate to="/" replace />;
  return <Navigate to={`/w/${first.id}/settings/${encodeURIComponent(tab ?? 'profile')}`} replace />;
}
