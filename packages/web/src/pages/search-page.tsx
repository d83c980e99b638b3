import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { searchEntities } from '../api';
import type { FacetValue, SearchHit, SearchMatch, SearchResults } from '../api';
import { openContextEditor } from '../context-notice';
import { recallSearch, rememberSearch, workingContextKey } from '../last-search';
import { Link } from '../link';
import { Capabilities, Page } from '../page';
import { entityPath, navigate } from '../router';
import { addressQuery, describeHow, hasFilter, propertyLabel, readPart, SEARCH_SYNTAX, toggleFilter } from '../search-query';
import type { FilterField } from '../search-query';
import { useSourceNames } from '../use-source-names';
import { describeWorkingContext, useWorkingContext } from '../working-context';

/** Where a search stands; each state but idle remembers the query and the context it ran under. */
type SearchState =
  | { status: 'idle' }
  | { status: 'loading'; query: string; contextKey: string; previous: SearchResults | null }
  | { status: 'ready'; query: string; contextKey: string; page: SearchResults }
  | { status: 'error'; query: string; contextKey: string; message: string };

type MoreState = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string };

function urlQuery(): string {
  return (new URLSearchParams(window.location.search).get('q') ?? '').trim();
}

/** Consolidated search across every source; usable only once a case and purpose are stated. */
export function SearchPage() {
  const context = useWorkingContext();
  const contextKey = context ? workingContextKey(context) : null;
  const [initialQuery] = useState(urlQuery);
  const [query, setQuery] = useState(initialQuery);
  const [search, setSearch] = useState<SearchState>(() => {
    const restored = recallSearch(initialQuery, contextKey);
    return restored ? { status: 'ready', ...restored } : { status: 'idle' };
  });
  const [more, setMore] = useState<MoreState>({ status: 'idle' });
  const [focusHit, setFocusHit] = useState<number | null>(null);
  const controller = useRef<AbortController | null>(null);
  // A query in the address (reload, shared link) runs once a working context allows it.
  const pending = useRef(initialQuery !== '' && search.status === 'idle');
  const enabled = context !== null;

  const run = useCallback(
    async (text: string): Promise<void> => {
      const q = text.trim();
      if (contextKey === null || q === '') return;
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      setQuery(q);
      navigate(`/search?${new URLSearchParams({ q }).toString()}`, { replace: true });
      setMore({ status: 'idle' });
      setSearch((previous) => ({
        status: 'loading',
        query: q,
        contextKey,
        previous: previous.status === 'ready' && previous.contextKey === contextKey ? previous.page : null,
      }));
      const result = await searchEntities(q, { signal: current.signal });
      if (current.signal.aborted) return;
      if (result.ok) {
        setSearch({ status: 'ready', query: q, contextKey, page: result.data });
        rememberSearch({ query: q, contextKey, page: result.data });
      } else {
        setSearch({ status: 'error', query: q, contextKey, message: result.error.message });
      }
    },
    [contextKey],
  );

  useEffect(() => {
    if (contextKey === null || !pending.current) return;
    pending.current = false;
    void run(initialQuery);
  }, [contextKey, initialQuery, run]);

  useEffect(() => () => controller.current?.abort(), []);

  // Keyboard and screen-reader users land on the first of the results a "More results" click added.
  useEffect(() => {
    if (focusHit !== null) document.getElementById(hitLinkId(focusHit))?.focus();
  }, [focusHit]);

  async function loadMore(): Promise<void> {
    if (search.status !== 'ready' || search.page.next === null) return;
    const shown = search;
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setMore({ status: 'loading' });
    const result = await searchEntities(shown.query, { cursor: shown.page.next, signal: current.signal });
    if (current.signal.aborted) return;
    if (!result.ok) {
      setMore({ status: 'error', message: result.error.message });
      return;
    }
    const seen = new Set(shown.page.results.map((hit) => hit.id));
    const page: SearchResults = { ...result.data, results: [...shown.page.results, ...result.data.results.filter((hit) => !seen.has(hit.id))] };
    setSearch({ ...shown, page });
    rememberSearch({ query: shown.query, contextKey: shown.contextKey, page });
    setMore({ status: 'idle' });
    setFocusHit(shown.page.results.length < page.results.length ? shown.page.results.length : null);
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!enabled || !query.trim()) return;
    void run(query);
  }

  function applyFilter(field: FilterField, value: string): void {
    if (search.status === 'idle') return;
    void run(toggleFilter(search.query, field, value));
  }

  // Results found under another case or purpose are not shown under this one.
  const stale = search.status !== 'idle' && search.contextKey !== contextKey;
  const shown = stale ? null : search.status === 'ready' ? search.page : search.status === 'loading' ? search.previous : null;
  const shownQuery = search.status === 'idle' ? '' : search.query;

  return (
    <Page
      wide
      title="Search"
      lead="Look up a person, company, address, vehicle, phone number, account or identifier across every registered source at once. Results are grouped by entity, and each one says why it matched."
    >
      <form className="search-form" role="search" onSubmit={handleSubmit}>
        <label htmlFor="search-query" className="search-form__label">
          Search all sources
        </label>
        <div className="search-form__row">
          <input
            id="search-query"
            name="q"
            type="search"
            autoComplete="off"
            spellCheck={false}
            placeholder="Name, address, phone, email, ID"
            value={query}
            disabled={!enabled}
            aria-describedby="search-hint"
            onChange={(event) => setQuery(event.target.value)}
          />
          <button type="submit" className="button button--primary" disabled={!enabled}>
            Search
          </button>
        </div>
        {context ? (
          <p id="search-hint" className="search-form__hint">
            Searching for <strong>{describeWorkingContext(context)}</strong>. The search and its terms are recorded in
            the audit log.
          </p>
        ) : (
          <div id="search-hint" className="search-form__hint search-form__hint--blocked">
            <p>
              <strong>Set a working context to search.</strong> Every search is tied to a case and a stated purpose,
              and recorded in the audit log, so the search box stays locked until you name both.
            </p>
            <button type="button" className="button button--small" onClick={openContextEditor}>
              Set working context
            </button>
          </div>
        )}
      </form>

      <div className="search-tools">
        <SyntaxHelp />
        <AddressSearch enabled={enabled} onSearch={(text) => void run(text)} />
      </div>

      <p className="search-status" role="status">
        {stale || search.status === 'idle' ? '' : search.status === 'loading' ? 'Searching…' : search.status === 'ready' ? resultSummary(search.page, search.query) : ''}
      </p>

      {stale && context ? (
        <div className="notice notice--info">
          <div>
            <p>The working context changed, so the results found under the previous one are hidden.</p>
            <button type="button" className="button button--small" onClick={() => void run(shownQuery)}>
              Search again under this context
            </button>
          </div>
        </div>
      ) : null}

      {!stale && search.status === 'error' ? (
        <p className="notice notice--error" role="alert">
          {search.message}
        </p>
      ) : null}

      {shown ? (
        <Results
          page={shown}
          query={shownQuery}
          busy={search.status === 'loading'}
          more={more}
          onMore={() => void loadMore()}
          onFilter={applyFilter}
        />
      ) : null}

      {search.status === 'idle' ? (
        <Capabilities
          title="How search works"
          items={[
            'Name someone or something: a name, an address, a phone number, an email or an identifier.',
            'Names match across spelling variants, nicknames, word order and other scripts.',
            'You see only the records your role, case and the sources’ sharing rules allow.',
            'Listing everyone, or paging far past the first results, needs a supervisor’s approval.',
          ]}
        />
      ) : null}
    </Page>
  );
}

function resultSummary(page: SearchResults, query: string): string {
  const count = page.total === 1 ? '1 result' : `${page.total.toLocaleString('en')} results`;
  // A query with its own quotes (address:"…") reads better without more around it.
  return query.includes('"') ? `${count} for ${query}` : `${count} for “${query}”.`;
}

function hitLinkId(index: number): string {
  return `hit-${index}-link`;
}

function SyntaxHelp() {
  return (
    <details className="disclosure">
      <summary>Search syntax</summary>
      <div className="disclosure__body">
        <p className="field__hint">
          Combine free text with fields; quote a value that holds spaces. Every part must match; filters only narrow a search.
        </p>
        <dl className="syntax-list">
          {SEARCH_SYNTAX.map((entry) => (
            <div key={entry.syntax} className="syntax-list__entry">
              <dt>
                <code>{entry.example}</code>
              </dt>
              <dd>{entry.meaning}</dd>
            </div>
          ))}
        </dl>
      </div>
    </details>
  );
}

function AddressSearch({ enabled, onSearch }: { enabled: boolean; onSearch: (query: string) => void }) {
  const [street, setStreet] = useState('');
  const [town, setTown] = useState('');
  const [postcode, setPostcode] = useState('');
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const text = addressQuery({ street, town, postcode });
    if (text === '') {
      setError('Give a street, a town or a postcode.');
      return;
    }
    setError(null);
    onSearch(text);
  }

  return (
    <details className="disclosure">
      <summary>Address search</summary>
      <form className="disclosure__body address-search" aria-label="Address search" noValidate onSubmit={submit}>
        <div className="field address-search__street">
          <label htmlFor="address-street">Street and number</label>
          <input id="address-street" type="text" autoComplete="off" placeholder="Flat 3, 12 Harbour Street" value={street} disabled={!enabled} onChange={(e) => setStreet(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="address-town">Town</label>
          <input id="address-town" type="text" autoComplete="off" value={town} disabled={!enabled} onChange={(e) => setTown(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="address-postcode">Postcode</label>
          <input id="address-postcode" type="text" autoComplete="off" value={postcode} disabled={!enabled} onChange={(e) => setPostcode(e.target.value)} />
        </div>
        <div className="address-search__actions">
          <button type="submit" className="button button--primary" disabled={!enabled}>
            Search address
          </button>
          <p className="field__hint">Runs <code>address:&quot;…&quot;</code>: the same unit ranks first, then the same building, then the street.</p>
        </div>
        {error ? (
          <p className="field__error address-search__error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </details>
  );
}

interface ResultsProps {
  page: SearchResults;
  query: string;
  busy: boolean;
  more: MoreState;
  onMore: () => void;
  onFilter: (field: FilterField, value: string) => void;
}

function Results({ page, query, busy, more, onMore, onFilter }: ResultsProps) {
  const names = useSourceNames();
  return (
    <div className="search-results" aria-busy={busy}>
      <Facets page={page} query={query} names={names} onFilter={onFilter} />
      <section className="results" aria-labelledby="results-title">
        <div className="results__header">
          <h2 id="results-title">Results</h2>
          {page.results.length < page.total ? (
            <p className="results__count">
              Showing {page.results.length.toLocaleString('en')} of {page.total.toLocaleString('en')}
            </p>
          ) : null}
        </div>
        {page.truncated ? (
          <p className="notice notice--info" role="note">
            More values matched than could be compared, so these are the strongest of them and the total may be short. Add a field, a
            source or born: to narrow the search.
          </p>
        ) : null}
        {page.moreNeedApproval ? (
          <p className="notice notice--info" role="note">
            More results follow, but a search names someone or something rather than listing everyone: paging further needs a
            supervisor’s approval for this case (a bulk-results unlock). Narrowing the search usually works better.
          </p>
        ) : null}
        {page.results.length === 0 ? (
          <p className="panel">Nothing matches that you may see under this case and purpose.</p>
        ) : (
          // Safari drops list semantics from unstyled lists; the role keeps "list, 3 items" for screen readers.
          <ol className="hits" role="list">
            {page.results.map((hit, index) => (
              <HitItem key={hit.id} hit={hit} index={index} names={names} />
            ))}
          </ol>
        )}
        {more.status === 'error' ? (
          <p className="notice notice--error" role="alert">
            {more.message}
          </p>
        ) : null}
        {page.next !== null ? (
          <button type="button" className="button results__more" disabled={more.status === 'loading' || busy} onClick={onMore}>
            {more.status === 'loading' ? 'Loading…' : 'More results'}
          </button>
        ) : null}
      </section>
    </div>
  );
}

function sourceLabel(names: ReadonlyMap<string, string>, id: string): string {
  return names.get(id) ?? id;
}

function Facets({ page, query, names, onFilter }: { page: SearchResults; query: string; names: ReadonlyMap<string, string>; onFilter: (field: FilterField, value: string) => void }) {
  const { schema, source, country } = page.facets;
  return (
    <aside className="facets" aria-labelledby="facets-title">
      <h2 id="facets-title">Refine</h2>
      <FacetGroup id="facet-schema" title="Type" values={schema} label={(v) => v} active={(v) => hasFilter(query, 'schema', v)} onPick={(v) => onFilter('schema', v)} />
      <FacetGroup id="facet-source" title="Source" values={source} label={(v) => sourceLabel(names, v)} active={(v) => hasFilter(query, 'source', v)} onPick={(v) => onFilter('source', v)} />
      <FacetGroup id="facet-country" title="Country" values={country} label={(v) => v.toUpperCase()} note="Counts only: the search syntax has no country filter." />
    </aside>
  );
}

interface FacetGroupProps {
  id: string;
  title: string;
  values: FacetValue[];
  label: (value: string) => string;
  active?: (value: string) => boolean;
  /** Absent for facets the query syntax cannot filter by: they are shown as counts only. */
  onPick?: (value: string) => void;
  note?: string;
}

function FacetGroup({ id, title, values, label, active, onPick, note }: FacetGroupProps) {
  if (values.length === 0) return null;
  return (
    <section className="facet-group" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      <ul className="facet-list" role="list">
        {values.map((facet) => {
          const count = (
            <span className="facet__count">
              <span className="visually-hidden">: </span>
              {facet.count.toLocaleString('en')}
            </span>
          );
          return (
            <li key={facet.value}>
              {onPick ? (
                <button type="button" className="facet" aria-pressed={active?.(facet.value) ?? false} title={facet.value} onClick={() => onPick(facet.value)}>
                  <span className="facet__label">{label(facet.value)}</span>
                  {count}
                </button>
              ) : (
                <span className="facet facet--static">
                  <span className="facet__label">{label(facet.value)}</span>
                  {count}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {note ? <p className="field__hint">{note}</p> : null}
    </section>
  );
}

function HitItem({ hit, index, names }: { hit: SearchHit; index: number; names: ReadonlyMap<string, string> }) {
  const titleId = `hit-${index}-title`;
  const whyId = `hit-${index}-why`;
  const manyParts = new Set(hit.matches.map((m) => m.part)).size > 1;
  return (
    <li className="hit">
      <article aria-labelledby={titleId}>
        <div className="hit__header">
          <h3 id={titleId} className="hit__title">
            <Link id={hitLinkId(index)} href={entityPath(hit.id)}>
              {hit.caption}
            </Link>
          </h3>
          <span className="hit__score" title="How well the record meets the query, from 0 to 1: the mean of each part's best match">
            Score {hit.score.toFixed(2)}
          </span>
        </div>
        <p className="hit__meta">
          <span className="tag">{hit.schema}</span>
          <span>
            <span className="visually-hidden">Sources: </span>
            {hit.sources.map((s) => sourceLabel(names, s)).join(', ')}
          </span>
        </p>
        {hit.matches.length > 0 ? (
          <>
            <h4 id={whyId} className="hit__why-title">
              Why it matched
            </h4>
            <ul className="why" role="list" aria-labelledby={whyId}>
              {hit.matches.map((match, index) => (
                <MatchItem key={`${index}|${match.part}|${match.property}|${match.source}`} match={match} showPart={manyParts} names={names} />
              ))}
            </ul>
          </>
        ) : null}
      </article>
    </li>
  );
}

function MatchItem({ match, showPart, names }: { match: SearchMatch; showPart: boolean; names: ReadonlyMap<string, string> }) {
  const part = readPart(match.part);
  return (
    <li className="why__item">
      <p className="why__line">
        <span className="why__how" data-how={match.how}>
          {describeHow(match.how)}
        </span>
        <span className="visually-hidden">: </span>
        <span className="why__property">{propertyLabel(match.property)}</span> <q className="why__value">{match.value}</q>
        <span className="why__source">
          <span className="visually-hidden">, </span>in {sourceLabel(names, match.source)}
        </span>
        {showPart ? (
          <span className="why__part">
            <span className="visually-hidden">, </span>for {part.field === 'free' ? 'the words' : part.field} <q>{part.value}</q>
          </span>
        ) : null}
        <span className="visually-hidden">.</span>
      </p>
      {match.detail ? <p className="why__detail">{match.detail}</p> : null}
    </li>
  );
}
