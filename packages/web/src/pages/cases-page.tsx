import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import { listPurposes } from '../api';
import { CASE_STATUSES, createCase, listCases, listCaseTemplates, listNotifications, markNotificationRead, overdueTasks } from '../cases/cases-api';
import type { CaseListItem, CaseTemplate, Notification } from '../cases/cases-api';
import { labelOf, plural, shortDate, shortDateTime } from '../cases/format';
import { Link } from '../link';
import { Page } from '../page';
import { casePath, navigate } from '../router';
import { hasRole, useSession } from '../session';
import { useResource } from '../use-resource';

/** The caller's cases with their counts, a form to open a new one, and the tasks past due. */
export function CasesPage() {
  const session = useSession();
  const mayCreate = hasRole(session, 'analyst') || hasRole(session, 'supervisor');
  const [status, setStatus] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const load = useCallback((signal: AbortSignal) => listCases({ status, q }, signal), [status, q]);
  const [cases, reload] = useResource(load);

  function filter(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setQ(text.trim());
  }

  return (
    <Page
      wide
      title="Cases"
      lead="Open a case to work on its subjects, tasks, notes, evidence and timeline, from the first lead to the closed file."
    >
      <div className="case-toolbar">
        <form className="case-filter" role="search" aria-label="Filter cases" onSubmit={filter}>
          <div className="field">
            <label htmlFor="case-status">Status</label>
            <select id="case-status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any status</option>
              {CASE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {labelOf(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field case-filter__text">
            <label htmlFor="case-q">Title or number</label>
            <input id="case-q" type="search" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <button type="submit" className="button">
            Filter
          </button>
        </form>
        {mayCreate ? (
          <button type="button" className="button button--primary" aria-expanded={creating} onClick={() => setCreating((open) => !open)}>
            New case
          </button>
        ) : null}
      </div>

      {creating ? <NewCaseForm onCancel={() => setCreating(false)} onCreated={(id) => navigate(casePath(id))} /> : null}

      <OverlapNotices />

      <section className="panel" aria-labelledby="case-list-title" aria-busy={cases.status === 'loading'}>
        <h2 id="case-list-title">Your cases</h2>
        {cases.status === 'error' ? (
          <div className="notice notice--error" role="alert">
            <div>
              <p>The cases could not be loaded. {cases.error.message}</p>
              <button type="button" className="button button--small" onClick={reload}>
                Try again
              </button>
            </div>
          </div>
        ) : cases.data === undefined ? (
          <p role="status">Loading cases…</p>
        ) : cases.data.length === 0 ? (
          <p>{status || q ? 'No case of yours matches this filter.' : 'You are on no case yet. Open one with “New case”.'}</p>
        ) : (
          <ul className="case-list" role="list">
            {cases.data.map((item) => (
              <CaseRow key={item.id} item={item} />
            ))}
          </ul>
        )}
      </section>

      <OverdueTasks />
    </Page>
  );
}

function CaseRow({ item }: { item: CaseListItem }) {
  return (
    <li className="case-row">
      <div className="case-row__head">
        <Link href={casePath(item.id)} className="case-row__title">
          {item.title}
        </Link>
        <span className="status-tag" data-status={item.status}>
          {labelOf(item.status)}
        </span>
      </div>
      <p className="case-row__meta">
        <code>{item.id}</code>
        {item.ownerName ? <span>Owner {item.ownerName}</span> : null}
        {item.updatedAt ? <span>Updated {shortDate(item.updatedAt)}</span> : null}
      </p>
      <p className="case-row__counts">
        <span>{plural(item.subjectCount, 'subject')}</span>
        <span>{plural(item.openTaskCount, 'open task')}</span>
        <span className={item.overdueTaskCount > 0 ? 'case-row__overdue' : undefined}>{plural(item.overdueTaskCount, 'overdue task')}</span>
      </p>
    </li>
  );
}

function NewCaseForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (id: string) => void }) {
  const [purposes] = useResource(listPurposes);
  const [templates] = useResource(listCaseTemplates);
  const [title, setTitle] = useState('');
  const [purpose, setPurpose] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const casePurposes = (purposes.data ?? []).filter((p) => p.caseRequired);
  const template: CaseTemplate | undefined = templates.data?.find((t) => t.id === templateId);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!title.trim()) {
      setError('Give the case a title.');
      document.getElementById('new-case-title')?.focus();
      return;
    }
    const missing = template?.fields.find((f) => f.required && !fields[f.key]?.trim());
    if (missing) {
      setError(`The ${template?.name ?? ''} template needs “${missing.label}”.`);
      document.getElementById(`new-case-field-${missing.key}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const values = Object.fromEntries(Object.entries(fields).filter(([key, value]) => value.trim() && template?.fields.some((f) => f.key === key)));
    const result = await createCase({
      title: title.trim(),
      ...(purpose ? { purpose } : {}),
      ...(template ? { template: template.id, fields: values } : {}),
      ...(summary.trim() ? { summary: summary.trim() } : {}),
    });
    setBusy(false);
    if (result.ok) onCreated(result.data.id);
    else setError(result.error.message);
  }

  return (
    <form className="panel case-form" aria-labelledby="new-case-heading" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="new-case-heading">New case</h2>
      <div className="case-form__grid">
        <div className="field case-form__wide">
          <label htmlFor="new-case-title">Title</label>
          <input id="new-case-title" type="text" autoComplete="off" maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-case-purpose">Purpose</label>
          <select id="new-case-purpose" value={purpose} disabled={purposes.status !== 'ready'} onChange={(e) => setPurpose(e.target.value)}>
            <option value="">Default ({casePurposes[0]?.label ?? 'first purpose'})</option>
            {casePurposes.map((p) => (
              <option key={p.code} value={p.code}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-case-template">Template</label>
          <select id="new-case-template" value={templateId} disabled={templates.status === 'loading'} onChange={(e) => setTemplateId(e.target.value)}>
            <option value="">None</option>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          {templates.status === 'error' ? <p className="field__hint">Templates could not be loaded: {templates.error.message}</p> : null}
          {template?.description ? <p className="field__hint">{template.description}</p> : null}
        </div>
        {template?.fields.map((f) => (
          <div className="field" key={f.key}>
            <label htmlFor={`new-case-field-${f.key}`}>
              {f.label}
              {f.required ? null : <span className="field__optional"> (optional)</span>}
            </label>
            <input
              id={`new-case-field-${f.key}`}
              type="text"
              autoComplete="off"
              value={fields[f.key] ?? ''}
              onChange={(e) => setFields((previous) => ({ ...previous, [f.key]: e.target.value }))}
            />
          </div>
        ))}
        {template && template.tasks.length > 0 ? (
          <p className="field__hint case-form__wide">
            Starts with {plural(template.tasks.length, 'task')}: {template.tasks.map((t) => t.title).join('; ')}.
          </p>
        ) : null}
        <div className="field case-form__wide">
          <label htmlFor="new-case-summary">
            Summary<span className="field__optional"> (optional)</span>
          </label>
          <textarea id="new-case-summary" rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </div>
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="case-form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Opening…' : 'Open case'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function OverdueTasks() {
  const [mine, setMine] = useState(false);
  const load = useCallback((signal: AbortSignal) => overdueTasks(mine, signal), [mine]);
  const [tasks] = useResource(load);
  return (
    <section className="panel" aria-labelledby="overdue-title">
      <div className="panel__head">
        <h2 id="overdue-title">Overdue tasks</h2>
        <label className="check">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Only mine
        </label>
      </div>
      {tasks.status === 'error' ? (
        <p className="notice notice--error" role="alert">
          Overdue tasks could not be loaded. {tasks.error.message}
        </p>
      ) : tasks.data === undefined ? (
        <p role="status">Loading…</p>
      ) : tasks.data.length === 0 ? (
        <p>No task is past its due date.</p>
      ) : (
        <ul className="task-list" role="list">
          {tasks.data.map((task) => (
            <li key={task.id} className="task-row" data-overdue="true">
              <span className="task-row__title">{task.title}</span>
              <span className="task-row__meta">
                <Link href={casePath(task.caseId, 'tasks')}>{task.caseTitle || task.caseId}</Link>
                <span>
                  Due {task.dueDate}
                  {task.daysOverdue ? ` · ${plural(task.daysOverdue, 'day')} late` : ''}
                </span>
                {task.assignee ? <span>{task.assignee}</span> : <span>Unassigned</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * The caller's notifications: another case found with one of their cases' subjects, or the other
 * side's decision to share. A message names only the caller's own case; its overlaps say whom to
 * contact. Unread ones first catch the eye; each is marked read on its own.
 */
function OverlapNotices() {
  const [notices, reload] = useResource(listNotifications);
  const [error, setError] = useState<string | null>(null);

  async function markRead(notice: Notification): Promise<void> {
    const result = await markNotificationRead(notice.id);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    reload();
  }

  const data = notices.data;
  return (
    <section className="panel" aria-labelledby="notices-title" aria-busy={notices.status === 'loading'}>
      <div className="panel__head">
        <h2 id="notices-title">Overlap notices for you</h2>
        {data && data.unread > 0 ? <span className="tag tag--strong">{plural(data.unread, 'unread notice')}</span> : null}
      </div>
      {notices.status === 'error' ? (
        <p className="notice notice--error" role="alert">
          Your notices could not be loaded. {notices.error.message}
        </p>
      ) : data === undefined ? (
        <p role="status">Loading…</p>
      ) : data.notifications.length === 0 ? (
        <p>Nothing to tell you: when another case shares a subject with one of yours, you hear of it here.</p>
      ) : (
        <ul className="notice-list" role="list">
          {data.notifications.map((n) => (
            <li key={n.id} className="notice-item" data-read={n.read ? 'true' : 'false'}>
              <p className="notice-item__message">
                {n.read ? null : <strong className="notice-item__new">New </strong>}
                {n.message}
              </p>
              <p className="notice-item__meta">
                <time dateTime={n.createdAt}>{shortDateTime(n.createdAt)}</time>
                {n.caseId ? <Link href={casePath(n.caseId)}>Open {n.caseId}</Link> : null}
                {n.read ? (
                  <span>Read</span>
                ) : (
                  <button type="button" className="button button--quiet button--small" onClick={() => void markRead(n)}>
                    Mark read
                  </button>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
