import { Navigate } from 'react-router';
import { useMe } from '../features/auth/api';

/** `/`: to the first workspace's home, or — for someone in none — to their account page. */
export default function RootRedirect() {
  const { data: me } = useMe();
  const first = me?.workspaces[0];
  return <Navigate to={first ? `/w/${first.id}` : '/account'} replace />;
}
