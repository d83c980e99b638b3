import type { ReactNode } from 'react';
import { ContextBar } from './context-bar';
import { HealthStatus, ServerDownBadge, useServerHealth } from './health-status';
import { BrandMark } from './icons';
import { Link } from './link';
import { PrimaryNav } from './primary-nav';
import { UserMenu } from './user-menu';
import { homePath } from './router';
import type { SectionId } from './router';

/** The shell around every page: header with navigation, working-context bar, content, server status. */
export function AppLayout({ current, children }: { current: SectionId | undefined; children: ReactNode }) {
  const [health, recheckHealth] = useServerHealth();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="app-top">
        <header className="app-header">
          <div className="app-header__inner">
            <Link href={homePath} className="brand" aria-label="casegraph home">
              <BrandMark />
              <span className="brand__name">casegraph</span>
            </Link>
            <PrimaryNav current={current} />
            <ServerDownBadge health={health} />
            <UserMenu />
          </div>
        </header>
        <ContextBar />
      </div>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer">
        <div className="app-footer__inner">
          <HealthStatus health={health} recheck={recheckHealth} />
          <p className="app-footer__note">Every search and view is recorded with its case and purpose.</p>
        </div>
      </footer>
    </div>
  );
}
