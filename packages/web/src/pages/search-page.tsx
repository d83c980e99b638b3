import { useState } from 'react';
import type { FormEvent } from 'react';
import { openContextEditor } from '../context-notice';
import { Capabilities, Page } from '../page';
import { describeWorkingContext, useWorkingContext } from '../working-context';

/** Consolidated search across every source; usable only once a case and purpose are stated. */
export function SearchPage() {
  const context = useWorkingContext();
  const [query, setQuery] = useState(() => new URLSearchParams(window.location.search).get('q') ?? '');
  const [submitted, setSubmitted] = useState(false);
  const enabled = context !== null;

  function handleSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!enabled || !query.trim()) return;
    const url = new URL(window.location.href);
    url.searchParams.set('q', query.trim());
    window.history.replaceState(null, '', url);
    setSubmitted(true);
  }

  return (
    <Page
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
            onChange={(event) => {
              setQuery(event.target.value);
              setSubmitted(false);
            }}
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

      {submitted ? (
        <p className="notice notice--info" role="status">
          This build has no search service connected yet, so your query was not sent.
        </p>
      ) : null}

      <Capabilities
        title="How search works"
        items={[
          'Name someone or something: a name, an address, a phone number, an email or an identifier.',
          'Names match across spelling variants, nicknames, word order and other scripts.',
          'You see only the records your role, case and the sources’ sharing rules allow.',
          'Listing everyone, or paging far past the first results, needs a supervisor’s approval.',
        ]}
      />
    </Page>
  );
}
