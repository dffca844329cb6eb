import { Navigate, useParams } from 'react-router';
import { useMe } from '../auth/api';

/**
 * `/settings/:tab`: the same tab in the first workspace (links from the legal pages, which know
 * no workspace), or the account page for someone in none.
 */
export default function SettingsRedirect() {
  const { tab } = useParams();
  const { data: me } = useMe();
  const first = me?.workspaces[0];
  const name = encodeURIComponent(tab ?? 'profile');
  return <Navigate to={first ? `/w/${first.id}/settings/${name}` : `/account/${name}`} replace />;
}
