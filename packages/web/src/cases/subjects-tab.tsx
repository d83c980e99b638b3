import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import { searchEntities } from '../api';
import type { SearchHit } from '../api';
import { Link } from '../link';
import { entityPath } from '../router';
import { useResource } from '../use-resource';
import { addCaseSubject, changeSubjectCategory, listCaseSubjects, removeCaseSubject, SUBJECT_CATEGORIES } from './cases-api';
import type { CaseSubject } from './cases-api';
import { labelOf, plural } from './format';

/** The people, companies and things the case is about, and a search to add more. */
export function SubjectsTab({ caseId }: { caseId: string }) {
  const load = useCallback((signal: AbortSignal) => listCaseSubjects(caseId, signal), [caseId]);
  const [subjects, reload] = useResource(load);
  return (
    <div className="case-stack">
      <section className="panel" aria-labelledby="subjects-title">
        <div className="panel__head">
          <h2 id="subjects-title">Subjects</h2>
          <Link href={`/graph?case=${encodeURIComponent(caseId)}`} className="button button--small">
            Open on the chart
          </Link>
        </div>
        {subjects.status === 'error' ? (
          <div className="notice notice--error" role="alert">
            <div>
              <p>The subjects could not be loaded. {subjects.error.message}</p>
              <button type="button" className="button button--small" onClick={reload}>
                Try again
              </button>
            </div>
          </div>
        ) : subjects.data === undefined ? (
          <p role="status">Loading subjects…</p>
        ) : subjects.data.subjects.length === 0 && subjects.data.hidden === 0 ? (
          <p>No subject yet. Find one below and add it with its category.</p>
        ) : (
          <>
            {subjects.data.subjects.length > 0 ? (
              <ul className="subject-list" role="list">
                {subjects.data.subjects.map((s) => (
                  <SubjectRow key={s.entityId} caseId={caseId} subject={s} onChanged={reload} />
                ))}
              </ul>
            ) : null}
            {subjects.data.hidden > 0 ? (
              <p className="field__hint">
                {plural(subjects.data.hidden, 'more subject')} you may not see under your compartments, this purpose or their sources’ rules.
              </p>
            ) : null}
          </>
        )}
      </section>
      <AddSubject caseId={caseId} existing={subjects.data?.subjects ?? []} onAdded={reload} />
    </div>
  );
}

function SubjectRow({ caseId, subject, onChanged }: { caseId: string; subject: CaseSubject; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);

  async function change(category: string): Promise<void> {
    const result = await changeSubjectCategory(caseId, subject.entityId, category);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    onChanged();
  }

  async function remove(): Promise<void> {
    const result = await removeCaseSubject(caseId, subject.entityId);
    if (!result.ok) return setError(result.error.message);
    onChanged();
  }

  const selectId = `subject-category-${subject.entityId}`;
  return (
    <li className="subject-row">
      <div className="subject-row__main">
        <Link href={entityPath(subject.entityId)} className="subject-row__name">
          {subject.caption}
        </Link>
        <span className="field__hint">{subject.schema}</span>
        <span className="tag" data-category={subject.category}>
          {labelOf(subject.category)}
        </span>
      </div>
      {subject.note ? <p className="field__hint">{subject.note}</p> : null}
      <div className="subject-row__actions">
        <label className="visually-hidden" htmlFor={selectId}>
          Category of {subject.caption}
        </label>
        <select id={selectId} className="select--small" value={subject.category} onChange={(e) => void change(e.target.value)}>
          {SUBJECT_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {labelOf(c)}
            </option>
          ))}
        </select>
        <Link href={`/graph?entity=${encodeURIComponent(subject.entityId)}`} className="button button--small">
          Chart
        </Link>
        <Link href={`/timeline?entity=${encodeURIComponent(subject.entityId)}`} className="button button--small">
          Timeline
        </Link>
        <button type="button" className="button button--quiet button--small" aria-label={`Remove ${subject.caption} from the case`} onClick={() => void remove()}>
          Remove
        </button>
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function AddSubject({ caseId, existing, onAdded }: { caseId: string; existing: CaseSubject[]; onAdded: () => void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [category, setCategory] = useState<string>('suspect');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function find(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!query.trim()) return;
    setBusy(true);
    const result = await searchEntities(query.trim());
    setBusy(false);
    if (!result.ok) {
      setHits(null);
      setMessage({ kind: 'error', text: result.error.message });
      return;
    }
    setMessage(null);
    setHits(result.data.results);
    setChosen(result.data.results[0]?.id ?? '');
  }

  async function add(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const hit = hits?.find((h) => h.id === chosen);
    if (hit === undefined) return setMessage({ kind: 'error', text: 'Choose one of the results first.' });
    setBusy(true);
    const result = await addCaseSubject(caseId, { entityId: hit.id, category, ...(note.trim() ? { note: note.trim() } : {}) });
    setBusy(false);
    if (!result.ok) return setMessage({ kind: 'error', text: result.error.message });
    const { overlaps } = result.data;
    const also = overlaps > 0 ? ' Another case also has this subject: its owners are told, and the Overview shows whom to contact.' : '';
    setMessage({ kind: 'ok', text: `${result.data.subject.caption} added as ${category}.${also}` });
    setHits(null);
    setNote('');
    onAdded();
  }

  const known = new Set(existing.map((s) => s.entityId));
  return (
    <section className="panel" aria-labelledby="add-subject-title">
      <h2 id="add-subject-title">Add a subject</h2>
      <form className="inline-form" role="search" aria-label="Find a subject" onSubmit={(e) => void find(e)}>
        <div className="field">
          <label htmlFor="subject-query">Find a person, company or thing</label>
          <input id="subject-query" type="search" autoComplete="off" placeholder="Name, address, phone, ID" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <button type="submit" className="button button--small" disabled={busy}>
          Find
        </button>
      </form>
      {hits !== null ? (
        hits.length === 0 ? (
          <p>Nothing matches that you may see under this case and purpose.</p>
        ) : (
          <form className="subject-pick" aria-label="Choose the subject to add" onSubmit={(e) => void add(e)}>
            <fieldset>
              <legend>Results</legend>
              <ul className="plain-list" role="list">
                {hits.map((hit) => (
                  <li key={hit.id}>
                    <label className="check">
                      <input type="radio" name="subject-hit" value={hit.id} checked={chosen === hit.id} onChange={() => setChosen(hit.id)} />
                      <span>
                        <strong>{hit.caption}</strong> <span className="field__hint">{hit.schema}</span>
                        {known.has(hit.id) ? <span className="field__hint"> · already a subject</span> : null}
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <div className="inline-form">
              <div className="field">
                <label htmlFor="subject-category">Category</label>
                <select id="subject-category" value={category} onChange={(e) => setCategory(e.target.value)}>
                  {SUBJECT_CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {labelOf(c)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="subject-note">
                  Note<span className="field__optional"> (optional)</span>
                </label>
                <input id="subject-note" type="text" autoComplete="off" value={note} onChange={(e) => setNote(e.target.value)} />
              </div>
              <button type="submit" className="button button--primary button--small" disabled={busy}>
                Add subject
              </button>
            </div>
          </form>
        )
      ) : null}
      {message ? (
        <p className={message.kind === 'error' ? 'field__error' : 'field__ok'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
