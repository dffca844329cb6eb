import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Outlet } from 'react-router';
import { FullPageLoader } from './components/States';
import { RequireAuth } from './features/auth/RequireAuth';
import SignInPage from './features/auth/SignInPage';
import { DashboardShell } from './features/shell/DashboardShell';
import HomePage from './pages/HomePage';
import NotFoundPage from './pages/NotFoundPage';
import RootRedirect from './pages/RootRedirect';

// Pages a person rarely opens first are loaded on demand.
const SignUpPage = lazy(() => import('./features/auth/SignUpPage'));
const InvitePage = lazy(() => import('./features/auth/InvitePage'));
const LegalPage = lazy(() => import('./legal/LegalPage'));
const SettingsPage = lazy(() => import('./features/settings/SettingsPage'));
const ActivityPage = lazy(() => import('./features/activity/ActivityPage'));
const ContactsPage = lazy(() => import('./features/contacts/ContactsPage'));
const ContactPage = lazy(() => import('./features/contacts/ContactPage'));
const ContactImportPage = lazy(() => import('./features/contacts/ImportPage'));
const SlaPage = lazy(() => import('./features/sla/SlaPage'));
const InboxPage = lazy(() => import('./features/inbox/InboxPage'));
const NumbersPage = lazy(() => import('./features/numbers/NumbersPage'));
const CampaignsPage = lazy(() => import('./features/campaigns/CampaignsPage'));
const CampaignPage = lazy(() => import('./features/campaigns/CampaignPage'));
const NumberDetailPage = lazy(() => import('./features/numbers/NumberDetailPage'));
const WorkspaceDeletionPage = lazy(() => import('./features/privacy/WorkspaceDeletionPage'));
const SettingsRedirect = lazy(() => import('./features/privacy/SettingsRedirect'));
const AccountPage = lazy(() => import('./features/account/AccountPage'));

const page = (node: ReactNode) => <Suspense fallback={<FullPageLoader />}>{node}</Suspense>;

export const router = createBrowserRouter([
  { path: '/signin', element: <SignInPage /> },
  { path: '/signup', element: page(<SignUpPage />) },
  { path: '/invite/:token', element: page(<InvitePage />) },
  { path: '/legal/:slug', element: page(<LegalPage />) },
  {
    element: (
      <RequireAuth>
        <Outlet />
      </RequireAuth>
    ),
    children: [
      { path: '/', element: <RootRedirect /> },
      { path: '/settings/:tab?', element: page(<SettingsRedirect />) },
      { path: '/account/:tab?', element: page(<AccountPage />) },
      { path: '/workspace-deletions/:deletionId', element: page(<WorkspaceDeletionPage />) },
      {
        path: '/w/:workspaceId',
        element: <DashboardShell />,
        children: [
          { index: true, element: <HomePage /> },
          { path: 'inbox/:conversationId?', element: <InboxPage /> },
          { path: 'activity', element: <ActivityPage /> },
          { path: 'contacts', element: <ContactsPage /> },
          { path: 'contacts/import', element: <ContactImportPage /> },
          { path: 'contacts/:contactId', element: <ContactPage /> },
          { path: 'sla/:tab?', element: <SlaPage /> },
          { path: 'numbers', element: <NumbersPage /> },
          { path: 'campaigns', element: page(<CampaignsPage />) },
          { path: 'campaigns/new', element: page(<CampaignPage />) },
          { path: 'campaigns/:campaignId', element: page(<CampaignPage />) },
          { path: 'numbers/:numberId', element: <NumberDetailPage /> },
          { path: 'settings/:tab?', element: <SettingsPage /> },
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);
