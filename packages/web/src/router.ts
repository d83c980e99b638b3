import { useSyncExternalStore } from 'react';

/** The sections of the app, in navigation order. */
export const sections = [
  { id: 'search', path: '/search', label: 'Search' },
  { id: 'cases', path: '/cases', label: 'Cases' },
  { id: 'graph', path: '/graph', label: 'Graph' },
  { id: 'review', path: '/review', label: 'Review' },
  { id: 'oversight', path: '/oversight', label: 'Oversight' },
  { id: 'sources', path: '/sources', label: 'Sources' },
] as const;

export type Section = (typeof sections)[number];
export type SectionId = Section['id'];

/** Where the app lands when the address names no section. */
export const homePath = '/search';

/** The tabs of a case workspace, in order; the first is shown at `/cases/:id`. */
export const caseTabs = ['overview', 'subjects', 'tasks', 'notes', 'evidence', 'timeline', 'export'] as const;
export type CaseTab = (typeof caseTabs)[number];

/** What a pathname points at: a section, an entity's profile, a case, a timeline, or nothing we know. */
export type Route =
  | { kind: 'section'; section: Section }
  | { kind: 'entity'; id: string }
  | { kind: 'case'; id: string; tab: CaseTab }
  | { kind: 'timeline' }
  | { kind: 'not-found'; pathname: string };

/** The address of a case workspace, at one of its tabs. */
export function casePath(id: string, tab: CaseTab = 'overview'): string {
  const base = `/cases/${encodeURIComponent(id)}`;
  return tab === 'overview' ? base : `${base}/${tab}`;
}

/** The case in `/cases/:id` or `/cases/:id/:tab`; null when the path names no case, or an unknown tab. */
function matchCase(pathname: string): { id: string; tab: CaseTab } | null {
  const match = /^\/cases\/([^/]+)(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!match?.[1]) return null;
  const tab = (match[2] ?? 'overview') as CaseTab;
  if (!caseTabs.includes(tab)) return null;
  try {
    return { id: decodeURIComponent(match[1]), tab };
  } catch {
    return null;
  }
}

/** The address of an entity's profile. */
export function entityPath(id: string): string {
  return `/entities/${encodeURIComponent(id)}`;
}

/** The entity id in `/entities/:id`, or null when the path is not a profile or its id is malformed. */
function matchEntity(pathname: string): string | null {
  const match = /^\/entities\/([^/]+)\/?$/.exec(pathname);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** Finds the section a pathname belongs to, or the entity profile, case workspace or timeline it names. */
export function matchRoute(pathname: string): Route {
  const entityId = matchEntity(pathname);
  if (entityId !== null) return { kind: 'entity', id: entityId };
  const opened = matchCase(pathname);
  if (opened !== null) return { kind: 'case', ...opened };
  if (pathname === '/timeline' || pathname === '/timeline/') return { kind: 'timeline' };
  const section = sections.find((s) => pathname === s.path || pathname.startsWith(`${s.path}/`));
  return section ? { kind: 'section', section } : { kind: 'not-found', pathname };
}

const listeners = new Set<() => void>();
let navigations = 0;

function notify(): void {
  for (const listener of listeners) listener();
}

function onPopState(): void {
  navigations += 1;
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) window.addEventListener('popstate', onPopState);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', onPopState);
  };
}

/** Moves to a path inside the app without reloading the page; `replace` rewrites the address silently. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const current = `${window.location.pathname}${window.location.search}`;
  if (path === current) return;
  if (options.replace) {
    window.history.replaceState(null, '', path);
  } else {
    window.history.pushState(null, '', path);
    navigations += 1;
  }
  notify();
}

/** How many user navigations (links, back, forward) happened since load; 0 means the page was just opened. */
export function navigationCount(): number {
  return navigations;
}

/** The current pathname, re-rendering on every navigation (links, back and forward). */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}
