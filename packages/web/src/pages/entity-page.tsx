import { useCallback } from 'react';
import { getEntity } from '../api';
import type { EntityProfile } from '../api';
import { ContextNotice } from '../context-notice';
import { captionOf, orderedProperties } from '../entity-summary';
import { lastSearchPath, workingContextKey } from '../last-search';
import { Link } from '../link';
import { Page } from '../page';
import { propertyLabel } from '../search-query';
import { useResource } from '../use-resource';
import { useSourceNames } from '../use-source-names';
import { useWorkingContext } from '../working-context';

const contextReason = 'Opening a record is a consultation of personal data: it is recorded with the case and purpose you state in the bar above.';

/** One entity's profile: its type, its sources, and every value with where and when it was seen. */
export function EntityPage({ id }: { id: string }) {
  const context = useWorkingContext();
  if (context === null) {
    return (
      <Page title="Record" lead={<>The record <code>{id}</code>, once you state why you open it.</>}>
        <BackToSearch />
        <ContextNotice reason={contextReason} />
      </Page>
    );
  }
  // A new context is a new, separately audited look at the record: load it afresh.
  return <EntityProfileView key={workingContextKey(context)} id={id} />;
}

function BackToSearch() {
  return (
    <p className="back-link">
      <Link href={lastSearchPath()}>← Back to search</Link>
    </p>
  );
}

function EntityProfileView({ id }: { id: string }) {
  const load = useCallback((signal: AbortSignal) => getEntity(id, signal), [id]);
  const [entity] = useResource(load);

  if (entity.status === 'loading') {
    return (
      <Page title="Record" lead={<>Loading <code>{id}</code>…</>}>
        <BackToSearch />
        <p role="status">Loading…</p>
      </Page>
    );
  }
  if (entity.status === 'error') {
    const missing = entity.error.status === 404;
    return (
      <Page title={missing ? 'Record not found' : 'Record'} lead={<>The record <code>{id}</code>.</>}>
        <BackToSearch />
        <p className={missing ? 'notice notice--warning' : 'notice notice--error'} role="alert">
          {missing ? 'This record was not found or is not visible to you under this case and purpose.' : entity.error.message}
        </p>
      </Page>
    );
  }
  return <Profile entity={entity.data} />;
}

function SeenAt({ at }: { at: string }) {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <>{at}</>;
  const full = `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
  return (
    <time dateTime={at} title={full}>
      {date.toISOString().slice(0, 10)}
    </time>
  );
}

function Profile({ entity }: { entity: EntityProfile }) {
  const names = useSourceNames();
  const caption = captionOf(entity);
  const rows = orderedProperties(entity).flatMap(([property, values]) => values.map((value) => ({ property, value })));
  return (
    <Page wide title={caption} lead={<>A {entity.schema} record, assembled from the values you may see under this case and purpose.</>}>
      <BackToSearch />
      <ContextNotice reason={contextReason} />
      <p className="profile-links">
        <Link href={`/timeline?entity=${encodeURIComponent(entity.id)}`}>Timeline</Link>
      </p>
      <section className="panel" aria-labelledby="profile-summary-title">
        <h2 id="profile-summary-title">Record</h2>
        <dl className="profile-summary">
          <div>
            <dt>Type</dt>
            <dd>{entity.schema}</dd>
          </div>
          <div>
            <dt>Id</dt>
            <dd>
              <code>{entity.id}</code>
            </dd>
          </div>
          {entity.records !== undefined && entity.records.length > 1 ? (
            <div>
              <dt>Records</dt>
              <dd>
                {entity.records.length} records found to describe the same {entity.schema === 'Person' ? 'person' : 'entity'}:{' '}
                {entity.records.map((record, i) => (
                  <span key={record}>
                    {i > 0 ? ', ' : ''}
                    <code>{record}</code>
                  </span>
                ))}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Sources</dt>
            <dd>
              <ul className="profile-summary__sources">
                {entity.sources.map((source) => (
                  <li key={source}>
                    {names.get(source) ?? source} {names.has(source) ? <span className="field__hint">({source})</span> : null}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        </dl>
      </section>
      <section className="panel" aria-labelledby="profile-values-title">
        <h2 id="profile-values-title">Values</h2>
        {rows.length === 0 ? (
          <p>No value of this record is visible to you.</p>
        ) : (
          // Explicit roles keep the table a table for screen readers when phones restyle it as cards.
          <table className="report-table values-table" role="table">
            <caption className="visually-hidden">Values of {caption}, with their source and when they were seen</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">Property</th>
                <th scope="col" role="columnheader">Value</th>
                <th scope="col" role="columnheader">Source</th>
                <th scope="col" role="columnheader">Origin</th>
                <th scope="col" role="columnheader">First seen</th>
                <th scope="col" role="columnheader">Last seen</th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {rows.map(({ property, value }) => (
                <tr key={value.statementId} role="row">
                  <th scope="row" role="rowheader" className="values-table__property">
                    {propertyLabel(property)}
                  </th>
                  <td role="cell" data-label="Value" className="values-table__value">
                    {value.value}
                  </td>
                  <td role="cell" data-label="Source">
                    <span title={names.get(value.source)}>{value.source}</span>
                  </td>
                  <td role="cell" data-label="Origin">
                    <code>{value.origin}</code>
                  </td>
                  <td role="cell" data-label="First seen">
                    <SeenAt at={value.firstSeen} />
                  </td>
                  <td role="cell" data-label="Last seen">
                    <SeenAt at={value.lastSeen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Page>
  );
}
