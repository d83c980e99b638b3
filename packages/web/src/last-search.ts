import type { SearchResults } from './api';
import type { WorkingContext } from './working-context';

/** The results last shown on the search page, with the query and context they were found under. */
export interface LastSearch {
  query: string;
  contextKey: string;
  page: SearchResults;
}

// In memory only: coming back from a profile restores the list without a second audited search,
// while a reload (or a shared link) runs the search again under whoever opens it.
let last: LastSearch | null = null;

/** One string standing for a working context, to tell whether results belong to the current one. */
export function workingContextKey(context: WorkingContext): string {
  return JSON.stringify([context.caseId, context.purposeCode, context.justification]);
}

/** Keeps the results just shown. */
export function rememberSearch(search: LastSearch): void {
  last = search;
}

/** The results last shown for this query under this context, if any. */
export function recallSearch(query: string, contextKey: string | null): LastSearch | null {
  return last !== null && last.query === query && last.contextKey === contextKey ? last : null;
}

/** The search page address of the last search, to return to from a profile. */
export function lastSearchPath(): string {
  return last === null ? '/search' : `/search?${new URLSearchParams({ q: last.query }).toString()}`;
}
