import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { annotateEvidence, downloadEvidence, getEvidence, listEvidence, saveFile, transferEvidence, uploadEvidence } from './cases-api';
import type { EvidenceFile, StoredEvidence } from './cases-api';
import { formatBytes, labelOf, shortDateTime } from './format';
import { Field, FieldError, Loaded, Panel, SubmitButton, TextField, useAction, useRead } from './form-parts';
import { useLiveCase } from '../live';

/** Evidence files: uploaded with their progress, fingerprinted by SHA-256, with custody trail and annotations. */
export function EvidenceTab({ caseId }: { caseId: string }) {
  const [files, reload] = useRead(listEvidence, caseId);
  useLiveCase(caseId, reload);
  return (
    <div className="case-stack">
      <Upload caseId={caseId} onStored={reload} />
      <Panel titleId="evidence-title" title="Evidence files">
        <Loaded resource={files} failure="The evidence list could not be loaded." loading="Loading evidence…" empty={<p>No evidence file yet.</p>}>
          {(data) => (
            <ul className="evidence-list" role="list">
              {data.map((file) => (
                <EvidenceRow key={file.id} file={file} />
              ))}
            </ul>
          )}
        </Loaded>
      </Panel>
    </div>
  );
}

type UploadState =
  | { status: 'idle' }
  | { status: 'sending'; sent: number; total: number }
  | { status: 'stored'; stored: StoredEvidence }
  | { status: 'error'; message: string };

function Upload({ caseId, onStored }: { caseId: string; onStored: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [state, setState] = useState<UploadState>({ status: 'idle' });
  const input = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (file === null) return setState({ status: 'error', message: 'Choose a file to upload.' });
    setState({ status: 'sending', sent: 0, total: file.size });
    const result = await uploadEvidence(caseId, file, description, (sent, total) => setState({ status: 'sending', sent, total }));
    if (!result.ok) return setState({ status: 'error', message: result.error.message });
    setState({ status: 'stored', stored: result.data });
    setFile(null);
    setDescription('');
    if (input.current) input.current.value = '';
    onStored();
  }

  const sending = state.status === 'sending';
  return (
    <form className="panel upload" aria-labelledby="upload-title" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="upload-title">Upload evidence</h2>
      <div className="upload__fields">
        <Field id="evidence-file" label="File">
          <input ref={input} id="evidence-file" type="file" disabled={sending} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <TextField id="evidence-description" label="Description" optional disabled={sending} value={description} onChange={setDescription} />
      </div>
      <p className="field__hint">The file is fingerprinted with SHA-256 on arrival and never changes afterwards; every read is a custody event.</p>
      <div>
        <SubmitButton className="button button--primary" busy={sending} busyLabel="Uploading…">
          Upload
        </SubmitButton>
      </div>
      <div className="upload__status" aria-live="polite">
        {state.status === 'sending' ? (
          <div className="upload__progress">
            <progress max={state.total || 1} value={state.sent} aria-label="Upload progress" />
            <span>
              {formatBytes(state.sent)} of {formatBytes(state.total)} sent
            </span>
          </div>
        ) : state.status === 'stored' ? (
          <p className="notice notice--ok upload__stored">
            <span>
              Stored <strong>{state.stored.fileName}</strong> ({formatBytes(state.stored.size)}). SHA-256{' '}
              <code className="hash" data-testid="stored-sha256">
                {state.stored.sha256}
              </code>
            </span>
          </p>
        ) : null}
      </div>
      {state.status === 'error' ? (
        <p className="notice notice--error" role="alert">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

function EvidenceRow({ file }: { file: EvidenceFile }) {
  const [open, setOpen] = useState(false);
  const { error, run } = useAction();

  return (
    <li className="evidence">
      <div className="evidence__head">
        <span className="evidence__name">{file.fileName}</span>
        <button type="button" className="button button--link" aria-label={`Download ${file.fileName}`} onClick={() => void run(() => downloadEvidence(file.id, file.fileName), saveFile)}>
          Download
        </button>
        <span className="field__hint">
          {file.contentType} · {formatBytes(file.size)}
        </span>
      </div>
      <p className="evidence__hash">
        SHA-256 <code className="hash">{file.sha256}</code>
      </p>
      <p className="field__hint">
        {file.uploadedBy ? `Uploaded by ${file.uploadedBy}` : 'Uploaded'} {shortDateTime(file.uploadedAt)}
        {file.description ? ` · ${file.description}` : ''}
      </p>
      <button type="button" className="button button--small" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        {open ? 'Hide custody and annotations' : `Custody and annotations (${file.custodyCount} · ${file.annotationCount})`}
      </button>
      <FieldError error={error} />
      {open ? <EvidenceDetailView id={file.id} /> : null}
    </li>
  );
}

function EvidenceDetailView({ id }: { id: string }) {
  const [detail, reload] = useRead(getEvidence, id);
  const [note, setNote] = useState('');
  const [recipient, setRecipient] = useState('');
  const [reason, setReason] = useState('');
  const { error, setError, run } = useAction();

  async function annotate(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!note.trim()) return setError('Write the annotation first.');
    await run(
      () => annotateEvidence(id, note.trim()),
      () => {
        setNote('');
        reload();
      },
    );
  }

  async function transfer(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!recipient.trim() || !reason.trim()) return setError('Name the recipient and the reason for the transfer.');
    await run(
      () => transferEvidence(id, recipient.trim(), reason.trim()),
      () => {
        setRecipient('');
        setReason('');
        reload();
      },
    );
  }

  if (detail.data === undefined) {
    return detail.status === 'error' ? (
      <p className="notice notice--error" role="alert">
        {detail.error.message}
      </p>
    ) : (
      <p role="status">Loading…</p>
    );
  }
  return (
    <div className="evidence__detail">
      <h3>Custody</h3>
      <ol className="custody" role="list">
        {detail.data.custody.map((c, i) => (
          <li key={`${c.at}-${i}`}>
            <strong>{labelOf(c.event)}</strong> {c.actor ? `by ${c.actor}` : ''} <time dateTime={c.at}>{shortDateTime(c.at)}</time>
            {c.detail ? <span className="field__hint"> · {c.detail}</span> : null}
          </li>
        ))}
      </ol>
      <h3>Annotations</h3>
      {detail.data.annotations.length === 0 ? (
        <p className="field__hint">No annotation.</p>
      ) : (
        <ul className="plain-list" role="list">
          {detail.data.annotations.map((a) => (
            <li key={a.id}>
              {a.body} <span className="field__hint">— {a.author} {shortDateTime(a.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" aria-label="Annotate the file" onSubmit={(e) => void annotate(e)}>
        <TextField id={`annotation-${id}`} label="Annotation" value={note} onChange={setNote} />
        <SubmitButton className="button button--small">Annotate</SubmitButton>
      </form>
      <form className="inline-form" aria-label="Transfer the file" onSubmit={(e) => void transfer(e)}>
        <TextField id={`transfer-to-${id}`} label="Transfer to" value={recipient} onChange={setRecipient} />
        <TextField id={`transfer-reason-${id}`} label="Reason" value={reason} onChange={setReason} />
        <SubmitButton className="button button--small">Record transfer</SubmitButton>
      </form>
      <FieldError error={error} />
    </div>
  );
}
