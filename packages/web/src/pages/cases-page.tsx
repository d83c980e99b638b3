import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import { listPurposes } from '../api';
import { CASE_STATUSES, createCase, listCases, listCaseTemplates, listNotifications, markNotificationRead, overdueTasks } from '../cases/cases-api';
import type { CaseListItem, CaseTemplate } from '../cases/cases-api';
import { labelOf, plural, shortDate, shortDateTime } from '../cases/format';
import { casePurposes, Field, FieldError, Loaded, PurposeField, SelectField, SubmitButton, TextField, useAction } from '../cases/form-parts';
import { Link } from '../link';
import { Page } from '../page';
import { casePath, navigate } from '../router';
import { hasRole, useSession } from '../session';
import { useResource } from '../use-resource';
import { useLiveNotifications } from '../live';

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
          <SelectField id="case-status" label="Status" blank="Any status" options={CASE_STATUSES} value={status} onChange={setStatus} />
          <TextField id="case-q" label="Title or number" type="search" className="case-filter__text" value={text} onChange={setText} />
          <SubmitButton className="button">Filter</SubmitButton>
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
        <Loaded
          resource={cases}
          failure="The cases could not be loaded."
          retry={reload}
          loading="Loading cases…"
          empty={<p>{status || q ? 'No case of yours matches this filter.' : 'You are on no case yet. Open one with “New case”.'}</p>}
        >
          {(data) => (
            <ul className="case-list" role="list">
              {data.map((item) => (
                <CaseRow key={item.id} item={item} />
              ))}
            </ul>
          )}
        </Loaded>
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
  const { error, setError, refuse, busy, run } = useAction();
  const firstPurpose = casePurposes(purposes)[0];
  const template: CaseTemplate | undefined = templates.data?.find((t) => t.id === templateId);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!title.trim()) return refuse('Give the case a title.', 'new-case-title');
    const missing = template?.fields.find((f) => f.required && !fields[f.key]?.trim());
    if (missing) return refuse(`The ${template?.name ?? ''} template needs “${missing.label}”.`, `new-case-field-${missing.key}`);
    setError(null);
    const values = Object.fromEntries(Object.entries(fields).filter(([key, value]) => value.trim() && template?.fields.some((f) => f.key === key)));
    await run(
      () =>
        createCase({
          title: title.trim(),
          ...(purpose ? { purpose } : {}),
          ...(template ? { template: template.id, fields: values } : {}),
          ...(summary.trim() ? { summary: summary.trim() } : {}),
        }),
      (created) => onCreated(created.id),
    );
  }

  return (
    <form className="panel case-form" aria-labelledby="new-case-heading" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="new-case-heading">New case</h2>
      <div className="case-form__grid">
        <TextField id="new-case-title" label="Title" className="case-form__wide" maxLength={300} value={title} onChange={setTitle} />
        <PurposeField id="new-case-purpose" purposes={purposes} blank={`Default (${firstPurpose?.label ?? 'first purpose'})`} value={purpose} onChange={setPurpose} />
        <SelectField
          id="new-case-template"
          label="Template"
          blank="None"
          options={(templates.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
          value={templateId}
          disabled={templates.status === 'loading'}
          onChange={setTemplateId}
        >
          {templates.status === 'error' ? <p className="field__hint">Templates could not be loaded: {templates.error.message}</p> : null}
          {template?.description ? <p className="field__hint">{template.description}</p> : null}
        </SelectField>
        {template?.fields.map((f) => (
          <TextField
            key={f.key}
            id={`new-case-field-${f.key}`}
            label={f.label}
            optional={!f.required}
            value={fields[f.key] ?? ''}
            onChange={(value) => setFields((previous) => ({ ...previous, [f.key]: value }))}
          />
        ))}
        {template && template.tasks.length > 0 ? (
          <p className="field__hint case-form__wide">
            Starts with {plural(template.tasks.length, 'task')}: {template.tasks.map((t) => t.title).join('; ')}.
          </p>
        ) : null}
        <Field id="new-case-summary" label="Summary" optional className="case-form__wide">
          <textarea id="new-case-summary" rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </Field>
      </div>
      <FieldError error={error} />
      <div className="case-form__actions">
        <SubmitButton className="button button--primary" busy={busy} busyLabel="Opening…">
          Open case
        </SubmitButton>
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
      <Loaded resource={tasks} failure="Overdue tasks could not be loaded." empty={<p>No task is past its due date.</p>}>
        {(data) => (
          <ul className="task-list" role="list">
            {data.map((task) => (
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
      </Loaded>
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
  useLiveNotifications(reload);
  const { error, run } = useAction();
  const data = notices.data;
  return (
    <section className="panel" aria-labelledby="notices-title" aria-busy={notices.status === 'loading'}>
      <div className="panel__head">
        <h2 id="notices-title">Overlap notices for you</h2>
        {data && data.unread > 0 ? <span className="tag tag--strong">{plural(data.unread, 'unread notice')}</span> : null}
      </div>
      <Loaded
        resource={notices}
        failure="Your notices could not be loaded."
        isEmpty={(d) => d.notifications.length === 0}
        empty={<p>Nothing to tell you: when another case shares a subject with one of yours, you hear of it here.</p>}
      >
        {(loaded) => (
          <ul className="notice-list" role="list">
            {loaded.notifications.map((n) => (
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
                    <button type="button" className="button button--quiet button--small" onClick={() => void run(() => markNotificationRead(n.id), reload)}>
                      Mark read
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <FieldError error={error} />
    </section>
  );
}
