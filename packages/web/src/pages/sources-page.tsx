import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { cancelImport, getImport, listPurposes, listSources, registerSource, startImport } from '../api';
import type { ImportJob } from '../api';
import { ContextNotice } from '../context-notice';
import { Page } from '../page';
import { hasRole, useSession } from '../session';
import { useResource } from '../use-resource';
import { useWorkingContext } from '../working-context';

/** Sources and their sharing rules; registering one; importing a file through a mapping. */
export function SourcesPage() {
  const session = useSession();
  const load = useCallback((signal: AbortSignal) => listSources(signal), []);
  const [sources, reload] = useResource(load);
  const canImport = hasRole(session, 'administrator') || hasRole(session, 'analyst') || hasRole(session, 'supervisor');
  return (
    <Page title="Sources" lead="Every record comes from a registered source, whose sharing rules travel with its data: legal basis, allowed purposes, markings, retention.">
      <section className="panel" aria-labelledby="sources-title">
        <h2 id="sources-title">Registered sources</h2>
        {sources.status === 'error' ? (
          <p className="field__error" role="alert">
            {sources.error.message}
          </p>
        ) : null}
        {sources.data === undefined ? (
          <p role="status">Loading…</p>
        ) : sources.data.length === 0 ? (
          <p role="status">No source is registered yet.</p>
        ) : (
          <div className="report-scroll">
            <table className="report-table">
              <caption className="visually-hidden">Registered sources</caption>
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Legal basis</th>
                  <th scope="col">Purposes</th>
                  <th scope="col">Markings</th>
                  <th scope="col">Retention</th>
                  <th scope="col">Combine</th>
                </tr>
              </thead>
              <tbody>
                {sources.data.map((s) => (
                  <tr key={s.id}>
                    <td>
                      {s.name} <span className="field__hint">({s.id})</span>
                    </td>
                    <td>{s.legalBasis}</td>
                    <td>{s.purposes.join(', ')}</td>
                    <td>{s.markings.join(', ') || '—'}</td>
                    <td>{s.retentionDays === null ? 'none' : `${s.retentionDays} days`}</td>
                    <td>{s.mayCombine ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {hasRole(session, 'administrator') ? <RegisterSource onRegistered={reload} /> : null}
      {canImport ? <ImportFile sources={sources.data?.map((s) => s.id) ?? []} /> : null}
    </Page>
  );
}

function RegisterSource({ onRegistered }: { onRegistered: () => void }) {
  const loadPurposes = useCallback((signal: AbortSignal) => listPurposes(signal), []);
  const [purposes] = useResource(loadPurposes);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [markings, setMarkings] = useState('');
  const [retention, setRetention] = useState('');
  const [mayCombine, setMayCombine] = useState(true);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (chosen.length === 0) {
      setMessage({ ok: false, text: 'Choose at least one purpose the data may be used for.' });
      return;
    }
    const result = await registerSource({
      id: id.trim(),
      name: name.trim(),
      legalBasis: legalBasis.trim(),
      purposes: chosen,
      markings: markings.split(',').map((m) => m.trim()).filter(Boolean),
      ...(retention.trim() ? { retentionDays: Number(retention) } : {}),
      mayCombine,
    });
    if (result.ok) {
      setMessage({ ok: true, text: `Registered ${result.data.id}.` });
      onRegistered();
    } else {
      setMessage({ ok: false, text: result.error.message });
    }
  }
  return (
    <section className="panel" aria-labelledby="register-title">
      <h2 id="register-title">Register a source</h2>
      <form onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="source-id">Id</label>
          <input id="source-id" value={id} onChange={(e) => setId(e.target.value)} required pattern="[a-z0-9][a-z0-9_\-]*" />
        </div>
        <div className="field">
          <label htmlFor="source-name">Name</label>
          <input id="source-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="source-legal-basis">Legal basis</label>
          <input id="source-legal-basis" value={legalBasis} onChange={(e) => setLegalBasis(e.target.value)} required />
        </div>
        <fieldset className="field">
          <legend>Allowed purposes</legend>
          {(purposes.data ?? []).map((p) => (
            <label key={p.code} className="sign-in__accept">
              <input type="checkbox" checked={chosen.includes(p.code)} onChange={(e) => setChosen(e.target.checked ? [...chosen, p.code] : chosen.filter((c) => c !== p.code))} />
              {p.label}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="source-markings">Markings (comma-separated)</label>
          <input id="source-markings" value={markings} onChange={(e) => setMarkings(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="source-retention">Retention (days)</label>
          <input id="source-retention" inputMode="numeric" value={retention} onChange={(e) => setRetention(e.target.value.replace(/\D/g, ''))} />
        </div>
        <label className="sign-in__accept">
          <input type="checkbox" checked={mayCombine} onChange={(e) => setMayCombine(e.target.checked)} />
          May be combined with other sources
        </label>
        <button type="submit" className="button button--primary">
          Register
        </button>
        {message ? (
          <p className={message.ok ? 'notice notice--ok' : 'field__error'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </p>
        ) : null}
      </form>
    </section>
  );
}

function ImportFile({ sources }: { sources: string[] }) {
  const context = useWorkingContext();
  const [source, setSource] = useState('');
  const [mapping, setMapping] = useState<File | null>(null);
  const [data, setData] = useState<File | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (jobId === null) return;
    let stopped = false;
    const poll = async () => {
      const result = await getImport(jobId);
      if (stopped) return;
      if (result.ok) {
        setJob(result.data);
        if (result.data.status === 'running') window.setTimeout(() => void poll(), 500);
      } else {
        setError(result.error.message);
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [jobId]);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setError(null);
    const chosen = source || sources[0];
    if (!chosen || !mapping || !data) {
      setError('Choose a source, a mapping file and a data file.');
      return;
    }
    setJob(null);
    const result = await startImport(chosen, mapping, data);
    if (result.ok) setJobId(result.data.id);
    else setError(result.error.message);
  }

  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">Import a file</h2>
      {context === null ? <ContextNotice reason="An import is a collection of personal data: it is recorded with the case and purpose you state." /> : null}
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="import-source">Source</label>
          <select id="import-source" value={source || sources[0] || ''} onChange={(e) => setSource(e.target.value)}>
            {sources.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="import-mapping">Mapping (YAML)</label>
          <input id="import-mapping" type="file" accept=".yml,.yaml" onChange={(e) => setMapping(e.target.files?.[0] ?? null)} />
        </div>
        <div className="field">
          <label htmlFor="import-data">Data (CSV, JSON, JSON lines)</label>
          <input id="import-data" type="file" accept=".csv,.json,.jsonl,.ndjson" onChange={(e) => setData(e.target.files?.[0] ?? null)} />
        </div>
        <button type="submit" className="button button--primary" disabled={context === null}>
          Start import
        </button>
      </form>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      {job ? (
        <div className="import-job" data-testid="import-job" data-status={job.status} role="status">
          <p>
            <strong>{job.status === 'running' ? 'Importing…' : `Import ${job.status}`}</strong> {job.rows.toLocaleString('en')} rows
            {job.status === 'running' && job.fractionDone !== null ? ` (${Math.round(job.fractionDone * 100)}% of the file)` : ''}
            {job.rowsPerSecond !== null ? `, ${job.rowsPerSecond.toLocaleString('en')} rows/s` : ''}
            {job.failedRows ? `, ${job.failedRows.toLocaleString('en')} failed` : ''}
          </p>
          {job.status === 'running' && job.fractionDone !== null ? <progress max={1} value={job.fractionDone} aria-label="Share of the file imported" /> : null}
          {job.status === 'running' ? (
            <button type="button" className="button button--small" onClick={() => void cancelImport(job.id)}>
              Cancel
            </button>
          ) : null}
          {job.failures.length > 0 ? (
            <ul>
              {job.failures.slice(0, 20).map((f) => (
                <li key={`${f.row}-${f.reason}`}>
                  Row {f.row}
                  {f.column ? `, column ${f.column}` : ''}: {f.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
