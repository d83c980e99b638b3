import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import { getAuditStatus, getReviewQueue, getSubjectLookups, getUserActivity, signOffAnomaly } from '../api';
import type { AccessRecord, Anomaly, ApiResult } from '../api';
import { ContextNotice, openContextEditor } from '../context-notice';
import { Page } from '../page';
import { hasRole, useSession } from '../session';
import { useResource } from '../use-resource';
import { useWorkingContext } from '../working-context';
import { useLiveReviewQueue } from '../live';

/** Accountability reports for auditors, privacy officers and inspectors. */
export function OversightPage() {
  const session = useSession();
  const context = useWorkingContext();
  const isOversight = hasRole(session, 'oversight');
  const underOversight = context?.purposeCode === 'oversight';
  return (
    <Page title="Oversight" lead="For auditors, privacy officers and inspectors: who looked at what, when, for which case and under which purpose.">
      {hasRole(session, 'oversight') || hasRole(session, 'administrator') ? <AuditStatusPanel /> : null}
      {!isOversight ? (
        <p className="notice notice--info" role="status">
          Oversight reports are for the oversight role. Your roles: {session.status === 'signed-in' ? session.me.roles.join(', ') : 'none'}.
        </p>
      ) : !underOversight ? (
        <div className="notice notice--warning" role="status">
          <div>
            <p>
              <strong>Choose the Oversight purpose to run reports.</strong> Reports are themselves audited: state the oversight purpose
              and what review the report is for in the working-context bar.
            </p>
            <button type="button" className="button button--primary button--small" onClick={openContextEditor}>
              Set working context
            </button>
          </div>
        </div>
      ) : (
        <>
          <ContextNotice reason="" />
          <SubjectLookups />
          <UserActivity />
          <ReviewQueue />
        </>
      )}
    </Page>
  );
}

function AuditStatusPanel() {
  const [scope, setScope] = useState<'head' | 'full'>('head');
  const load = useCallback((signal: AbortSignal) => getAuditStatus(signal, scope), [scope]);
  const [status, recheck] = useResource(load);
  // Asking for the scope already shown asks again; another scope loads by itself.
  const ask = (next: 'head' | 'full') => (next === scope ? recheck() : setScope(next));
  return (
    <section className="panel" aria-labelledby="audit-status-title">
      <h2 id="audit-status-title">Audit log</h2>
      {status.status === 'loading' ? <p role="status">{scope === 'full' ? 'Recomputing the audit tree from every event…' : 'Checking the audit log…'}</p> : null}
      {status.status === 'error' ? (
        <p className="field__error" role="alert">
          {status.error.message}
        </p>
      ) : null}
      {status.status === 'ready' ? (
        <div className="audit-status" data-verified={String(status.data.verified)} data-scope={status.data.scope} data-testid="audit-status">
          <p>
            <strong>{status.data.verified ? 'Verified.' : 'Verification failed.'}</strong> {status.data.summary}
          </p>
          {status.data.verified ? null : (
            <ul>
              {status.data.problems.slice(0, 10).map((p) => (
                <li key={p.message}>{p.message}</li>
              ))}
            </ul>
          )}
          <p className="field__hint">
            {status.data.events.toLocaleString('en')} events, root {status.data.root}; checked {new Date(status.data.checkedAt).toLocaleString('en-GB')}
            {status.data.lastFullVerification
              ? `; last full verification ${new Date(status.data.lastFullVerification.at).toLocaleString('en-GB')} (${status.data.lastFullVerification.verified ? 'verified' : 'failed'})`
              : '; no full verification since the server started'}
          </p>
        </div>
      ) : null}
      <button type="button" className="button button--small" onClick={() => ask('head')}>
        Check again
      </button>{' '}
      <button type="button" className="button button--small" onClick={() => ask('full')}>
        Verify every event
      </button>
    </section>
  );
}

function RecordsTable({ records, caption }: { records: AccessRecord[]; caption: string }) {
  if (records.length === 0) return <p role="status">No records.</p>;
  return (
    <div className="report-scroll">
      <table className="report-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Case</th>
            <th scope="col">Purpose</th>
            <th scope="col">Justification</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.seq}>
              <td>{r.at.replace('T', ' ').slice(0, 19)}</td>
              <td>{r.username ?? r.actorId}</td>
              <td>
                {r.action} {r.outcome === 'success' ? '' : `(${r.outcome})`}
                {r.terms ? <div className="field__hint">terms: {r.terms}</div> : null}
              </td>
              <td>{r.caseId ?? '—'}</td>
              <td>{r.purpose ?? '—'}</td>
              <td>{r.justification ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReportForm({ id, label, hint, run, caption }: { id: string; label: string; hint: string; run: (value: string) => Promise<ApiResult<AccessRecord[]>>; caption: string }) {
  const [value, setValue] = useState('');
  const [result, setResult] = useState<ApiResult<AccessRecord[]> | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!value.trim()) return;
    setBusy(true);
    setResult(await run(value.trim()));
    setBusy(false);
  }
  return (
    <>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <input id={id} value={value} onChange={(event) => setValue(event.target.value)} spellCheck={false} autoComplete="off" />
          <p className="field__hint">{hint}</p>
        </div>
        <button type="submit" className="button button--primary" disabled={busy || !value.trim()}>
          {busy ? 'Running…' : 'Run report'}
        </button>
      </form>
      {result === null ? null : result.ok ? (
        <RecordsTable records={result.data} caption={caption} />
      ) : (
        <p className="field__error" role="alert">
          {result.error.message}
        </p>
      )}
    </>
  );
}

function SubjectLookups() {
  return (
    <section className="panel" aria-labelledby="lookups-title">
      <h2 id="lookups-title">Who looked up a subject</h2>
      <ReportForm id="lookup-subject" label="Subject (entity id)" hint="Every view of the subject, and every refused attempt, with case, purpose and justification." run={getSubjectLookups} caption="Lookups of the subject" />
    </section>
  );
}

function UserActivity() {
  return (
    <section className="panel" aria-labelledby="activity-title">
      <h2 id="activity-title">User activity</h2>
      <ReportForm id="activity-user" label="Username" hint="Everything one user did: sign-ins, searches, views, changes, refusals." run={getUserActivity} caption="Activity of the user" />
    </section>
  );
}

function ReviewQueue() {
  const load = useCallback((signal: AbortSignal) => getReviewQueue(signal), []);
  const [queue, reload] = useResource(load);
  useLiveReviewQueue(reload);
  return (
    <section className="panel" aria-labelledby="queue-title">
      <h2 id="queue-title">Review queue</h2>
      <p className="field__hint">Hours in which someone read far more than usual, or read in bulk outside working hours.</p>
      {queue.status === 'loading' && queue.data === undefined ? <p role="status">Loading…</p> : null}
      {queue.status === 'error' ? (
        <p className="field__error" role="alert">
          {queue.error.message}
        </p>
      ) : null}
      {queue.data !== undefined ? (
        queue.data.length === 0 ? (
          <p role="status">Nothing to review.</p>
        ) : (
          <ul className="review-queue">
            {queue.data.map((item) => (
              <ReviewItem key={item.id} item={item} onSignedOff={reload} />
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}

/** What each kind of anomaly is called in the queue. */
const ANOMALY_LABELS: Record<string, string> = {
  'volume-spike': 'Volume spike',
  'after-hours-bulk': 'After-hours bulk reads',
  'outside-case': 'Reads outside the case',
};

function ReviewItem({ item, onSignedOff }: { item: Anomaly; onSignedOff: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (note.trim().length < 5) {
      setError('Say what the review found, in a few words.');
      return;
    }
    const result = await signOffAnomaly(item.id, note.trim());
    if (result.ok) onSignedOff();
    else setError(result.error.message);
  }
  return (
    <li className="review-queue__item">
      <p>
        <strong>{ANOMALY_LABELS[item.kind] ?? item.kind}</strong> by {item.username ?? item.actorId},{' '}
        {item.hour.replace('T', ' ').slice(0, 16)} UTC: {item.detail}
      </p>
      {item.signedOff ? (
        <p className="field__hint">
          Signed off {item.signedOff.at.replace('T', ' ').slice(0, 16)}: {item.signedOff.note}
        </p>
      ) : (
        <form className="inline-form" onSubmit={(event) => void submit(event)}>
          <div className="field">
            <label htmlFor={`note-${item.id}`}>Review note</label>
            <input id={`note-${item.id}`} value={note} onChange={(event) => setNote(event.target.value)} />
          </div>
          <button type="submit" className="button">
            Sign off
          </button>
          {error ? (
            <p className="field__error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      )}
    </li>
  );
}
