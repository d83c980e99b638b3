import { useEffect } from 'react';
import { getHealth } from './api';
import type { Health } from './api';
import { useResource } from './use-resource';
import type { Resource } from './use-resource';

const recheckEveryMs = 30_000;

/** The server's health, checked on load, every 30 seconds while the tab is visible, and on request. */
export function useServerHealth(): [Resource<Health>, () => void] {
  const [health, recheck] = useResource(getHealth);
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') recheck();
    }, recheckEveryMs);
    return () => window.clearInterval(timer);
  }, [recheck]);
  return [health, recheck];
}

function storeName(health: Health): string {
  return health.store === 'pglite' ? 'embedded database (PGlite)' : 'PostgreSQL';
}

/** Whether the server is unreachable or cannot reach its database. */
export function isServerDown(health: Resource<Health>): boolean {
  return health.status === 'error' || health.data?.status === 'degraded';
}

/** The footer's status line: version and store when up, a plain error with a retry when not. */
export function HealthStatus({ health, recheck }: { health: Resource<Health>; recheck: () => void }) {
  if (health.status === 'error' || health.data?.status === 'degraded') {
    const reason =
      health.status === 'error' ? (
        <>
          <strong>Cannot reach the casegraph API.</strong> {health.error.message}
        </>
      ) : (
        <strong>The server cannot reach its database.</strong>
      );
    return (
      <div className="health health--error" id="server-status" data-health="error" role="alert">
        <span className="health__dot" aria-hidden="true" />
        <span>
          {reason} Searches and case work are unavailable until it answers.
        </span>
        <button type="button" className="button button--small" onClick={recheck}>
          Try again
        </button>
      </div>
    );
  }

  if (health.data) {
    return (
      <div className="health health--ok" id="server-status" data-health="ok" role="status">
        <span className="health__dot" aria-hidden="true" />
        <span>
          <strong>API connected</strong>
          <span className="health__detail">
            {' '}
            · casegraph {health.data.version} · {storeName(health.data)}
          </span>
        </span>
      </div>
    );
  }

  return (
    <div className="health health--loading" id="server-status" data-health="loading" role="status">
      <span className="health__dot" aria-hidden="true" />
      <span>Checking the API…</span>
    </div>
  );
}

/** A badge in the header when the server is down, so the footer's message cannot go unnoticed. */
export function ServerDownBadge({ health }: { health: Resource<Health> }) {
  if (!isServerDown(health)) return null;
  return (
    <a className="server-down" href="#server-status">
      <span className="health__dot" aria-hidden="true" />
      Server unavailable
    </a>
  );
}
