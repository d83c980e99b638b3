import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import { useResource } from '../use-resource';
import { createTask, listTasks, TASK_STATUSES, updateTask } from './cases-api';
import type { CaseDetail, CaseTask } from './cases-api';
import { labelOf } from './format';

/** The case's tasks: who does what by when; those past due stand out. */
export function TasksTab({ detail }: { detail: CaseDetail }) {
  const load = useCallback((signal: AbortSignal) => listTasks(detail.id, signal), [detail.id]);
  const [tasks, reload] = useResource(load);
  return (
    <div className="case-stack">
      <section className="panel" aria-labelledby="tasks-title">
        <h2 id="tasks-title">Tasks</h2>
        {tasks.status === 'error' ? (
          <p className="notice notice--error" role="alert">
            The tasks could not be loaded. {tasks.error.message}
          </p>
        ) : tasks.data === undefined ? (
          <p role="status">Loading tasks…</p>
        ) : tasks.data.length === 0 ? (
          <p>No task yet.</p>
        ) : (
          <ul className="task-list" role="list">
            {tasks.data.map((task) => (
              <TaskRow key={task.id} caseId={detail.id} task={task} assigneeName={nameOf(detail, task.assignee)} onChanged={reload} />
            ))}
          </ul>
        )}
      </section>
      <NewTask detail={detail} onAdded={reload} />
    </div>
  );
}

/** A team member's display name from their username (tasks name assignees by username). */
function nameOf(detail: CaseDetail, username: string | null): string | null {
  if (username === null) return null;
  return detail.members.find((m) => m.username === username)?.displayName ?? username;
}

function TaskRow({ caseId, task, assigneeName, onChanged }: { caseId: string; task: CaseTask; assigneeName: string | null; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  async function change(status: string): Promise<void> {
    const result = await updateTask(caseId, task.id, { status });
    if (!result.ok) return setError(result.error.message);
    setError(null);
    onChanged();
  }
  const statusId = `task-status-${task.id}`;
  return (
    <li className="task-row" data-overdue={task.overdue ? 'true' : undefined} data-status={task.status}>
      <span className="task-row__title">{task.title}</span>
      <span className="task-row__meta">
        {task.dueDate ? <span>{task.overdue ? <strong className="task-row__late">Overdue · due {task.dueDate}</strong> : `Due ${task.dueDate}`}</span> : <span>No due date</span>}
        <span>{assigneeName ?? 'Unassigned'}</span>
      </span>
      {task.description ? <p className="field__hint">{task.description}</p> : null}
      <span className="task-row__status">
        <label className="visually-hidden" htmlFor={statusId}>
          Status of {task.title}
        </label>
        <select id={statusId} className="select--small" value={task.status} onChange={(e) => void change(e.target.value)}>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {labelOf(s)}
            </option>
          ))}
        </select>
      </span>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function NewTask({ detail, onAdded }: { detail: CaseDetail; onAdded: () => void }) {
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!title.trim()) return setError('Say what needs doing.');
    setBusy(true);
    const result = await createTask(detail.id, { title: title.trim(), ...(assignee ? { assignee } : {}), ...(dueDate ? { dueDate } : {}) });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    setTitle('');
    setDueDate('');
    onAdded();
  }

  return (
    <form className="panel inline-form" aria-labelledby="new-task-title" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="new-task-title" className="inline-form__title">
        Add a task
      </h2>
      <div className="field">
        <label htmlFor="task-title">Task</label>
        <input id="task-title" type="text" autoComplete="off" maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="task-assignee">Assignee</label>
        <select id="task-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="">Unassigned</option>
          {detail.members.map((m) => (
            <option key={m.userId} value={m.username}>
              {m.displayName || m.username}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="task-due">Due date</label>
        <input id="task-due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
      </div>
      <button type="submit" className="button button--primary button--small" disabled={busy}>
        Add task
      </button>
      {error ? (
        <p className="field__error inline-form__error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
