import { useState } from 'react';
import type { FormEvent } from 'react';
import { searchEntities } from '../api';
import type { SearchHit } from '../api';
import { Link } from '../link';
import { entityPath } from '../router';
import { addCaseSubject, changeSubjectCategory, listCaseSubjects, removeCaseSubject, SUBJECT_CATEGORIES } from './cases-api';
import type { CaseSubject } from './cases-api';
import { labelOf, plural } from './format';
import { FieldError, FormNote, Loaded, Panel, RowSelect, SelectField, SubmitButton, TextField, useAction, useRead } from './form-parts';
import type { FormMessage } from './form-parts';
import { useLiveCase } from '../live';

/** The people, companies and things the case is about, and a search to add more. */
export function SubjectsTab({ caseId }: { caseId: string }) {
  const [subjects, reload] = useRead(listCaseSubjects, caseId);
  useLiveCase(caseId, reload);
  return (
    <div className="case-stack">
      <section className="panel" aria-labelledby="subjects-title">
        <div className="panel__head">
          <h2 id="subjects-title">Subjects</h2>
          <Link href={`/graph?case=${encodeURIComponent(caseId)}`} className="button button--small">
            Open on the chart
          </Link>
        </div>
        <Loaded
          resource={subjects}
          failure="The subjects could not be loaded."
          retry={reload}
          loading="Loading subjects…"
          isEmpty={(d) => d.subjects.length === 0 && d.hidden === 0}
          empty={<p>No subject yet. Find one below and add it with its category.</p>}
        >
          {(data) => (
            <>
              {data.subjects.length > 0 ? (
                <ul className="subject-list" role="list">
                  {data.subjects.map((s) => (
                    <SubjectRow key={s.entityId} caseId={caseId} subject={s} onChanged={reload} />
                  ))}
                </ul>
              ) : null}
              {data.hidden > 0 ? (
                <p className="field__hint">{plural(data.hidden, 'more subject')} you may not see under your compartments, this purpose or their sources’ rules.</p>
              ) : null}
            </>
          )}
        </Loaded>
      </section>
      <AddSubject caseId={caseId} existing={subjects.data?.subjects ?? []} onAdded={reload} />
    </div>
  );
}

function SubjectRow({ caseId, subject, onChanged }: { caseId: string; subject: CaseSubject; onChanged: () => void }) {
  const { error, run } = useAction();
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
        <RowSelect
          id={selectId}
          label={`Category of ${subject.caption}`}
          options={SUBJECT_CATEGORIES}
          value={subject.category}
          onChange={(category) => void run(() => changeSubjectCategory(caseId, subject.entityId, category), onChanged)}
        />
        <Link href={`/graph?entity=${encodeURIComponent(subject.entityId)}`} className="button button--small">
          Chart
        </Link>
        <Link href={`/timeline?entity=${encodeURIComponent(subject.entityId)}`} className="button button--small">
          Timeline
        </Link>
        <button type="button" className="button button--quiet button--small" aria-label={`Remove ${subject.caption} from the case`} onClick={() => void run(() => removeCaseSubject(caseId, subject.entityId), onChanged)}>
          Remove
        </button>
      </div>
      <FieldError error={error} />
    </li>
  );
}

function AddSubject({ caseId, existing, onAdded }: { caseId: string; existing: CaseSubject[]; onAdded: () => void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [category, setCategory] = useState<string>('suspect');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<FormMessage | null>(null);
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
    <Panel titleId="add-subject-title" title="Add a subject">
      <form className="inline-form" role="search" aria-label="Find a subject" onSubmit={(e) => void find(e)}>
        <TextField id="subject-query" label="Find a person, company or thing" type="search" placeholder="Name, address, phone, ID" value={query} onChange={setQuery} />
        <SubmitButton className="button button--small" busy={busy}>
          Find
        </SubmitButton>
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
              <SelectField id="subject-category" label="Category" options={SUBJECT_CATEGORIES} value={category} onChange={setCategory} />
              <TextField id="subject-note" label="Note" optional value={note} onChange={setNote} />
              <SubmitButton className="button button--primary button--small" busy={busy}>
                Add subject
              </SubmitButton>
            </div>
          </form>
        )
      ) : null}
      <FormNote message={message} />
    </Panel>
  );
}
