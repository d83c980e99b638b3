/**
 * The pieces the case screens build their forms and lists from: a labelled field, a select with
 * its options, a submit button that waits, the error or status line under a form, and the
 * error / loading / empty / data states of a list read from the API. Each keeps the markup the
 * screens had (classes, ids, roles), so labels and roles find the same elements.
 */

import { useCallback, useState } from 'react';
import type { InputHTMLAttributes, ReactNode } from 'react';
import type { ApiResult, Purpose } from '../api';
import { useResource } from '../use-resource';
import type { Resource } from '../use-resource';
import { labelOf } from './format';

/** A choice in a select: a code shown by its label, or a code shown as `labelOf` words it. */
export type Option = string | { value: string; label: string };

function optionValue(option: Option): string {
  return typeof option === 'string' ? option : option.value;
}

function optionLabel(option: Option): string {
  return typeof option === 'string' ? labelOf(option) : option.label;
}

/** The marker after the label of a field that may stay empty. */
function Optional() {
  return <span className="field__optional"> (optional)</span>;
}

/**
 * A form field: its label above the control the children give (an input, select or textarea
 * whose id is `id`), then any hints.
 *
 * @example
 * <Field id="note-body" label="Note (Markdown)"><textarea id="note-body" /></Field>
 */
export function Field({ id, label, optional, className, children }: { id: string; label: ReactNode; optional?: boolean; className?: string; children: ReactNode }) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>
        {label}
        {optional ? <Optional /> : null}
      </label>
      {children}
    </div>
  );
}

/** What a text field takes besides the input's own attributes. */
interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'className'> {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  optional?: boolean;
  className?: string;
  children?: ReactNode;
}

/**
 * A labelled input holding text (or a date, a search); browsers offer no autocompletion of
 * earlier entries in case work, where they would be other people's names.
 *
 * @example
 * <TextField id="task-title" label="Task" maxLength={300} value={title} onChange={setTitle} />
 */
export function TextField({ id, label, value, onChange, optional, className, children, type = 'text', ...input }: TextFieldProps) {
  return (
    <Field id={id} label={label} optional={optional} className={className}>
      <input id={id} type={type} autoComplete={type === 'date' ? undefined : 'off'} {...input} value={value} onChange={(e) => onChange(e.target.value)} />
      {children}
    </Field>
  );
}

/** The `<option>`s of a select, with a first blank choice when `blank` names one. */
export function Options({ options, blank }: { options: readonly Option[]; blank?: ReactNode }) {
  return (
    <>
      {blank !== undefined ? <option value="">{blank}</option> : null}
      {options.map((option) => (
        <option key={optionValue(option)} value={optionValue(option)}>
          {optionLabel(option)}
        </option>
      ))}
    </>
  );
}

/** What a select takes. */
interface SelectProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  options: readonly Option[];
  blank?: ReactNode;
  disabled?: boolean;
}

/**
 * A labelled select of `options`, its hints below.
 *
 * @example
 * <SelectField id="task-assignee" label="Assignee" blank="Unassigned" options={members} value={assignee} onChange={setAssignee} />
 */
export function SelectField({ id, label, value, onChange, options, blank, disabled, className, children }: SelectProps & { className?: string; children?: ReactNode }) {
  return (
    <Field id={id} label={label} className={className}>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        <Options options={options} blank={blank} />
      </select>
      {children}
    </Field>
  );
}

/**
 * The purposes a case may be worked under, to choose from once they have loaded.
 *
 * @example
 * <PurposeField id="offer-purpose" purposes={purposes} value={chosen} onChange={setPurposeCode} />
 */
export function PurposeField({ id, purposes, value, onChange, blank }: { id: string; purposes: Resource<Purpose[]>; value: string; onChange: (value: string) => void; blank?: ReactNode }) {
  return (
    <SelectField
      id={id}
      label="Purpose"
      blank={blank}
      options={casePurposes(purposes).map((p) => ({ value: p.code, label: p.label }))}
      value={value}
      disabled={purposes.status !== 'ready'}
      onChange={onChange}
    />
  );
}

/** The loaded purposes that need a case, in the server's order. */
export function casePurposes(purposes: Resource<Purpose[]>): Purpose[] {
  return (purposes.data ?? []).filter((p) => p.caseRequired);
}

/**
 * A small select inside a row (a member's role, a task's status), its label heard but not shown.
 *
 * @example
 * <RowSelect id={`task-status-${task.id}`} label={`Status of ${task.title}`} options={TASK_STATUSES} value={task.status} onChange={change} />
 */
export function RowSelect({ id, label, value, onChange, options }: Omit<SelectProps, 'blank' | 'disabled'>) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="select--small" value={value} onChange={(e) => onChange(e.target.value)}>
        <Options options={options} />
      </select>
    </>
  );
}

/**
 * A form's submit button; while `busy` it is disabled and says `busyLabel` when there is one.
 *
 * @example
 * <SubmitButton className="button button--primary" busy={busy} busyLabel="Saving…">Add note</SubmitButton>
 */
export function SubmitButton({ className, busy, busyLabel, children }: { className: string; busy?: boolean; busyLabel?: string; children: ReactNode }) {
  return (
    <button type="submit" className={className} disabled={busy}>
      {busy && busyLabel !== undefined ? busyLabel : children}
    </button>
  );
}

/** A line saying how a form fared: an error the user must hear now, or a confirmation. */
export type FormMessage = { kind: 'error' | 'ok'; text: string };

/**
 * The error under a form or row, announced as an alert; nothing without one.
 *
 * @example
 * <FieldError error={error} />
 */
export function FieldError({ error, id, className }: { error: string | null; id?: string; className?: string }) {
  return error ? <FormNote message={{ kind: 'error', text: error }} id={id} className={className} /> : null;
}

/**
 * A form's error (an alert) or confirmation (a status line); nothing without one.
 *
 * @example
 * <FormNote message={{ kind: 'ok', text: 'Added.' }} />
 */
export function FormNote({ message, id, className }: { message: FormMessage | null; id?: string; className?: string }) {
  if (message === null) return null;
  const base = message.kind === 'error' ? 'field__error' : 'field__ok';
  return (
    <p className={className ? `${base} ${className}` : base} id={id} role={message.kind === 'error' ? 'alert' : 'status'}>
      {message.text}
    </p>
  );
}

/**
 * A panel of the case screens under its heading; `titleId` names the region after the heading.
 *
 * @example
 * <Panel titleId="notes-title" title="Notes">…</Panel>
 */
export function Panel({ titleId, title, children }: { titleId: string; title: ReactNode; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </section>
  );
}

/** What `Loaded` shows for each state of a read. */
interface LoadedProps<T> {
  resource: Resource<T>;
  /** The sentence that starts the error notice, such as "The notes could not be loaded." */
  failure: string;
  /** Offers "Try again" with the error. */
  retry?: () => void;
  loading?: string;
  /** Whether the answer holds nothing to list, `empty` shown then; by default, whether it is an empty list. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

function isEmptyList(data: unknown): boolean {
  return Array.isArray(data) && data.length === 0;
}

/**
 * One read from the API as a screen shows it: its error (first, even over older data), a loading
 * line, the `empty` text, or the children given the data.
 *
 * @example
 * <Loaded resource={notes} failure="The notes could not be loaded." loading="Loading notes…" empty={<p>No note yet.</p>}>
 *   {(data) => <NoteList notes={data} />}
 * </Loaded>
 */
export function Loaded<T>({ resource, failure, retry, loading = 'Loading…', isEmpty = isEmptyList, empty, children }: LoadedProps<T>) {
  if (resource.status === 'error') {
    return retry ? (
      <div className="notice notice--error" role="alert">
        <div>
          <p>
            {failure} {resource.error.message}
          </p>
          <button type="button" className="button button--small" onClick={retry}>
            Try again
          </button>
        </div>
      </div>
    ) : (
      <p className="notice notice--error" role="alert">
        {failure} {resource.error.message}
      </p>
    );
  }
  if (resource.data === undefined) return <p role="status">{loading}</p>;
  if (isEmpty(resource.data)) return <>{empty}</>;
  return <>{children(resource.data)}</>;
}

/**
 * Reads what `read` answers for one case (or evidence file) and reads it again on `reload`.
 *
 * @example
 * const [notes, reload] = useRead(listCaseNotes, caseId);
 */
export function useRead<T>(read: (id: string, signal: AbortSignal) => Promise<ApiResult<T>>, id: string): [Resource<T>, () => void] {
  const load = useCallback((signal: AbortSignal) => read(id, signal), [read, id]);
  return useResource(load);
}

/** A call to the API as a form or button makes it: its error, whether it is under way, and `run`. */
export interface Action {
  error: string | null;
  setError: (error: string | null) => void;
  /** Refuses what the user entered before any call: shows `text` and puts the cursor in the field to fix. */
  refuse: (text: string, fieldId: string) => void;
  busy: boolean;
  /** Makes the call; on success clears the error and hands `done` the answer, else shows the server's message. */
  run: <T>(call: () => Promise<ApiResult<T>>, done: (data: T) => void) => Promise<void>;
}

/**
 * The state of a form's or a row's calls to the API.
 *
 * @example
 * const action = useAction();
 * void action.run(() => addCaseNote(caseId, body), () => onAdded());
 */
export function useAction(): Action {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run<T>(call: () => Promise<ApiResult<T>>, done: (data: T) => void): Promise<void> {
    setBusy(true);
    const result = await call();
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    done(result.data);
  }
  function refuse(text: string, fieldId: string): void {
    setError(text);
    document.getElementById(fieldId)?.focus();
  }
  return { error, setError, refuse, busy, run };
}
