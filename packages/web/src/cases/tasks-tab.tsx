import { useState } from 'react';
import type { FormEvent } from 'react';
import { createTask, listTasks, TASK_STATUSES, updateTask } from './cases-api';
import type { CaseDetail, CaseTask } from './cases-api';
import { FieldError, Loaded, Panel, RowSelect, SelectField, SubmitButton, TextField, useAction, useRead } from './form-parts';
import { useLiveCase } from '../live';

/** The case's tasks: who does what by when; those past due stand out. */
export function TasksTab({ detail }: { detail: CaseDetail }) {
  const [tasks, reload] = useRead(listTasks, detail.id);
  useLiveCase(detail.id, reload);
  return (
    <div className="case-stack">
      <Panel titleId="tasks-title" title="Tasks">
        <Loaded resource={tasks} failure="The tasks could not be loaded." loading="Loading tasks…" empty={<p>No task yet.</p>}>
          {(data) => (
            <ul className="task-list" role="list">
              {data.map((task) => (
                <TaskRow key={task.id} caseId={detail.id} task={task} assigneeName={nameOf(detail, task.assignee)} onChanged={reload} />
              ))}
            </ul>
          )}
        </Loaded>
      </Panel>
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
  const { error, run } = useAction();
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
        <RowSelect
          id={statusId}
          label={`Status of ${task.title}`}
          options={TASK_STATUSES}
          value={task.status}
          onChange={(status) => void run(() => updateTask(caseId, task.id, { status }), onChanged)}
        />
      </span>
      <FieldError error={error} />
    </li>
  );
}

function NewTask({ detail, onAdded }: { detail: CaseDetail; onAdded: () => void }) {
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState('');
  const [dueDate, setDueDate] = useState('');
  const { error, setError, busy, run } = useAction();

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!title.trim()) return setError('Say what needs doing.');
    await run(
      () => createTask(detail.id, { title: title.trim(), ...(assignee ? { assignee } : {}), ...(dueDate ? { dueDate } : {}) }),
      () => {
        setTitle('');
        setDueDate('');
        onAdded();
      },
    );
  }

  return (
    <form className="panel inline-form" aria-labelledby="new-task-title" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="new-task-title" className="inline-form__title">
        Add a task
      </h2>
      <TextField id="task-title" label="Task" maxLength={300} value={title} onChange={setTitle} />
      <SelectField
        id="task-assignee"
        label="Assignee"
        blank="Unassigned"
        options={detail.members.map((m) => ({ value: m.username, label: m.displayName || m.username }))}
        value={assignee}
        onChange={setAssignee}
      />
      <TextField id="task-due" label="Due date" type="date" value={dueDate} onChange={setDueDate} />
      <SubmitButton className="button button--primary button--small" busy={busy}>
        Add task
      </SubmitButton>
      <FieldError error={error} className="inline-form__error" />
    </form>
  );
}
