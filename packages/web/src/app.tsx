import { useEffect, useState } from 'react';
import { getMe } from './api';
import { AppLayout } from './app-layout';
import { setChecking, setSignedIn, setSignedOut, setUnreachable, useSession } from './session';
import { SignInPage } from './sign-in-page';
import { CasesPage } from './pages/cases-page';
import { CaseWorkspace } from './cases/case-workspace';
import { TimelinePage } from './cases/timeline-page';
import { EntityPage } from './pages/entity-page';
import { GraphPage } from './pages/graph-page';
import { NotFoundPage } from './pages/not-found-page';
import { OversightPage } from './pages/oversight-page';
import { ReviewPage } from './pages/review-page';
import { SearchPage } from './pages/search-page';
import { SourcesPage } from './pages/sources-page';
import { homePath, matchRoute, navigate, usePathname } from './router';
import type { Route } from './router';

/** The whole app: the sign-in page until a session exists, then the page for the current address in the shell. */
export function App() {
  const session = useSession();
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    void getMe(controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      if (result.ok) setSignedIn(result.data);
      else if (result.error.kind === 'network') setUnreachable(result.error.message);
      else setSignedOut();
    });
    return () => controller.abort();
  }, [attempt]);
  if (session.status === 'checking') {
    return (
      <p className="sign-in__checking" role="status">
        Checking your session…
      </p>
    );
  }
  if (session.status === 'unreachable') {
    return (
      <main className="sign-in" id="main">
        <div className="sign-in__card health" data-health="error" role="alert">
          <p>
            <strong>Cannot reach the casegraph API.</strong> {session.message}
          </p>
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setChecking();
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (session.status === 'signed-out') return <SignInPage message={session.message} />;
  return <SignedInApp />;
}

function SignedInApp() {
  const pathname = usePathname();
  const atRoot = pathname === '/' || pathname === '';

  useEffect(() => {
    if (atRoot) navigate(homePath, { replace: true });
  }, [atRoot]);

  const route = matchRoute(atRoot ? homePath : pathname);
  return (
    <AppLayout current={route.kind === 'section' ? route.section.id : route.kind === 'case' ? 'cases' : undefined}>
      <RoutePage route={route} />
    </AppLayout>
  );
}

function RoutePage({ route }: { route: Route }) {
  if (route.kind === 'not-found') return <NotFoundPage pathname={route.pathname} />;
  // Keyed by id so moving from one profile to another starts from a clean load.
  if (route.kind === 'entity') return <EntityPage key={route.id} id={route.id} />;
  if (route.kind === 'case') return <CaseWorkspace key={route.id} id={route.id} tab={route.tab} />;
  if (route.kind === 'timeline') return <TimelinePage />;
  switch (route.section.id) {
    case 'search':
      return <SearchPage />;
    case 'cases':
      return <CasesPage />;
    case 'graph':
      return <GraphPage />;
    case 'review':
      return <ReviewPage />;
    case 'oversight':
      return <OversightPage />;
    case 'sources':
      return <SourcesPage />;
  }
}
