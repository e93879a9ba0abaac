import { Navigate, Route, Routes } from 'react-router-dom';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { homeOf } from './menu';
import { CasePage } from './pages/case/CasePage';
import { CallbacksPage } from './pages/clerk/CallbacksPage';
import { IntakePage } from './pages/clerk/IntakePage';
import { TriageQueuePage } from './pages/dispatcher/TriageQueuePage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { LookupPage } from './pages/public/LookupPage';
import { OverviewPage } from './pages/public/OverviewPage';
import { PublicLayout } from './pages/public/PublicLayout';
import { RecentCasesPage } from './pages/public/RecentCasesPage';
import { ScorecardsPage } from './pages/public/ScorecardsPage';
import { SearchPage } from './pages/SearchPage';
import { AlertsPage } from './pages/supervisor/AlertsPage';
import { ApprovalsPage } from './pages/supervisor/ApprovalsPage';
import { KpiPage } from './pages/supervisor/KpiPage';
import { OverduePage } from './pages/supervisor/OverduePage';
import { UnitCasesPage } from './pages/liaison/UnitCasesPage';
import { useSession } from './session';

function RoleHome() {
  const { me } = useSession();
  return <Navigate to={me ? homeOf(me.role) : '/console/login'} replace />;
}

/** Every page of the console (/console/...) and of the public board (/public/...), by pathname. */
export function App() {
  return (
    <Routes>
      <Route path="/console/login" element={<LoginPage />} />
      <Route path="/console" element={<ConsoleLayout />}>
        <Route index element={<RoleHome />} />
        <Route path="intake" element={<IntakePage />} />
        <Route path="callbacks" element={<CallbacksPage />} />
        <Route path="search" element={<SearchPage />} />
        <Route path="triage" element={<TriageQueuePage />} />
        <Route path="unit-cases" element={<UnitCasesPage />} />
        <Route path="alerts" element={<AlertsPage />} />
        <Route path="overdue" element={<OverduePage />} />
        <Route path="approvals" element={<ApprovalsPage />} />
        <Route path="kpis" element={<KpiPage />} />
        <Route path="cases/:id" element={<CasePage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
      <Route path="/public" element={<PublicLayout />}>
        <Route index element={<OverviewPage />} />
        <Route path="scorecards" element={<ScorecardsPage />} />
        <Route path="cases" element={<RecentCasesPage />} />
        <Route path="lookup" element={<LookupPage />} />
        <Route path="*" element={<Navigate to="/public" replace />} />
      </Route>
      <Route path="*" element={<Navigate to="/console" replace />} />
    </Routes>
  );
}
