import { useState } from 'react';
import type { FormEvent, MouseEvent } from 'react';
import { navigate } from '../router';
import { addCaseNote, listCaseNotes } from './cases-api';
import { shortDateTime } from './format';
import { Field, FieldError, Loaded, Panel, SubmitButton, useAction, useRead } from './form-parts';
import { renderNote } from './markdown';
import { useLiveCase } from '../live';

/** Rendered Markdown; a click on an entity reference opens its profile inside the app. */
export function MarkdownView({ body, className }: { body: string; className?: string }) {
  function onClick(event: MouseEvent<HTMLDivElement>): void {
    const anchor = (event.target as HTMLElement).closest('a');
    if (anchor === null || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (anchor.dataset.statement !== undefined) {
      event.preventDefault();
      return;
    }
    if (anchor.dataset.entity !== undefined) {
      event.preventDefault();
      navigate(anchor.getAttribute('href') ?? '/');
    }
  }
  // renderNote escapes every bit of markup the note holds (markdown-it with html off), so this is only its own output.
  return <div className={className ?? 'markdown'} onClick={onClick} dangerouslySetInnerHTML={{ __html: renderNote(body) }} />;
}

/** The team's notes, newest last; a note is never edited, a correction is a new note. */
export function NotesTab({ caseId }: { caseId: string }) {
  const [notes, reload] = useRead(listCaseNotes, caseId);
  useLiveCase(caseId, reload);
  return (
    <div className="case-stack">
      <Panel titleId="notes-title" title="Notes">
        <Loaded resource={notes} failure="The notes could not be loaded." loading="Loading notes…" empty={<p>No note yet.</p>}>
          {(data) => (
            <ol className="note-list" role="list">
              {data.map((note) => (
                <li key={note.id} className="note">
                  <p className="note__meta">
                    {note.authorName || 'Someone'} · <time dateTime={note.createdAt}>{shortDateTime(note.createdAt)}</time>
                  </p>
                  <MarkdownView body={note.body} />
                </li>
              ))}
            </ol>
          )}
        </Loaded>
      </Panel>
      <NoteEditor caseId={caseId} onAdded={reload} />
    </div>
  );
}

function NoteEditor({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const [body, setBody] = useState('');
  const [preview, setPreview] = useState(false);
  const { error, setError, busy, run } = useAction();

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!body.trim()) return setError('Write the note first.');
    await run(
      () => addCaseNote(caseId, body),
      () => {
        setBody('');
        setPreview(false);
        onAdded();
      },
    );
  }

  return (
    <form className="panel note-editor" aria-labelledby="note-editor-title" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="note-editor-title">Write a note</h2>
      <div className="button-row" role="group" aria-label="Editor mode">
        <button type="button" className="button button--small" aria-pressed={!preview} onClick={() => setPreview(false)}>
          Write
        </button>
        <button type="button" className="button button--small" aria-pressed={preview} onClick={() => setPreview(true)}>
          Preview
        </button>
      </div>
      {preview ? (
        <div className="note-preview" role="region" aria-label="Preview">
          {body.trim() ? <MarkdownView body={body} /> : <p className="field__hint">Nothing to preview.</p>}
        </div>
      ) : (
        <Field id="note-body" label="Note (Markdown)">
          <textarea id="note-body" rows={6} maxLength={100_000} value={body} aria-describedby="note-hint" onChange={(e) => setBody(e.target.value)} />
          <p className="field__hint" id="note-hint">
            Refer to a record with <code>[its name](entity:ID)</code>; the reference becomes a link to its profile.
          </p>
        </Field>
      )}
      <FieldError error={error} />
      <div>
        <SubmitButton className="button button--primary" busy={busy} busyLabel="Saving…">
          Add note
        </SubmitButton>
      </div>
    </form>
  );
}
