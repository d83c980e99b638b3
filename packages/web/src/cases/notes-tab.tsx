import { useCallback, useState } from 'react';
import type { FormEvent, MouseEvent } from 'react';
import { navigate } from '../router';
import { useResource } from '../use-resource';
import { addCaseNote, listCaseNotes } from './cases-api';
import { shortDateTime } from './format';
import { renderNote } from './markdown';

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
  const load = useCallback((signal: AbortSignal) => listCaseNotes(caseId, signal), [caseId]);
  const [notes, reload] = useResource(load);
  return (
    <div className="case-stack">
      <section className="panel" aria-labelledby="notes-title">
        <h2 id="notes-title">Notes</h2>
        {notes.status === 'error' ? (
          <p className="notice notice--error" role="alert">
            The notes could not be loaded. {notes.error.message}
          </p>
        ) : notes.data === undefined ? (
          <p role="status">Loading notes…</p>
        ) : notes.data.length === 0 ? (
          <p>No note yet.</p>
        ) : (
          <ol className="note-list" role="list">
            {notes.data.map((note) => (
              <li key={note.id} className="note">
                <p className="note__meta">
                  {note.authorName || 'Someone'} · <time dateTime={note.createdAt}>{shortDateTime(note.createdAt)}</time>
                </p>
                <MarkdownView body={note.body} />
              </li>
            ))}
          </ol>
        )}
      </section>
      <NoteEditor caseId={caseId} onAdded={reload} />
    </div>
  );
}

function NoteEditor({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const [body, setBody] = useState('');
  const [preview, setPreview] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!body.trim()) return setError('Write the note first.');
    setBusy(true);
    const result = await addCaseNote(caseId, body);
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    setBody('');
    setPreview(false);
    onAdded();
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
        <div className="field">
          <label htmlFor="note-body">Note (Markdown)</label>
          <textarea id="note-body" rows={6} maxLength={100_000} value={body} aria-describedby="note-hint" onChange={(e) => setBody(e.target.value)} />
          <p className="field__hint" id="note-hint">
            Refer to a record with <code>[its name](entity:ID)</code>; the reference becomes a link to its profile.
          </p>
        </div>
      )}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      <div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Add note'}
        </button>
      </div>
    </form>
  );
}
