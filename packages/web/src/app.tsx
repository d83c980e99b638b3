import { useEffect } from 'react';
import { AppLayout } from './app-layout';
import { CasesPage } from './pages/cases-page';
import { GraphPage } from './pages/graph-page';
import { NotFoundPage } from './pages/not-found-page';
import { OversightPage } from './pages/oversight-page';
import { ReviewPage } from './pages/review-page';
import { SearchPage } from './pages/search-page';
import { homePath, matchRoute, navigate, usePathname } from './router';
import type { Route } from './router';

/** The whole app: picks the page for the current address and wraps it in the shell. */
export function App() {
  const pathname = usePathname();
  const atRoot = pathname === '/' || pathname === '';

  useEffect(() => {
    if (atRoot) navigate(homePath, { replace: true });
  }, [atRoot]);

  const route = matchRoute(atRoot ? homePath : pathname);
  return (
    <AppLayout current={route.kind === 'section' ? route.section.id : undefined}>
      <RoutePage route={route} />
    </AppLayout>
  );
}

function RoutePage({ route }: { route: Route }) {
  if (route.kind === 'not-found') return <NotFoundPage pathname={route.pathname} />;
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
  }
}
