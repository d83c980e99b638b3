import { useState } from 'react';
import type { FormEvent } from 'react';
import { exportCaseFile, saveFile } from './cases-api';
import { formatBytes } from './format';

/** Produces the case file, PDF or HTML, for a named recipient; the disclosure is recorded. */
export function ExportTab({ caseId }: { caseId: string }) {
  const [format, setFormat] = useState<'pdf' | 'html'>('pdf');
  const [recipient, setRecipient] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ text: string; sha256: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!recipient.trim()) {
      setError('Name who receives the case file: the disclosure is recorded against them.');
      document.getElementById('export-recipient')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setDone(null);
    const result = await exportCaseFile(caseId, { format, recipient: recipient.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    saveFile(result.data);
    setDone({ text: `${result.data.fileName} (${formatBytes(result.data.blob.size)}) is downloading, disclosed to ${recipient.trim()}.`, sha256: result.data.sha256 });
  }

  return (
    <form className="panel case-export" aria-labelledby="export-title" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="export-title">Export the case file</h2>
      <p>
        The file holds the summary, subjects with the sources of what is said about them, the timeline, a link chart, notes, tasks, linked cases,
        the evidence list with SHA-256 hashes, and the case’s audit trail. Every page names the recipient.
      </p>
      <fieldset className="case-export__format">
        <legend>Format</legend>
        <label className="check">
          <input type="radio" name="export-format" value="pdf" checked={format === 'pdf'} onChange={() => setFormat('pdf')} /> PDF
        </label>
        <label className="check">
          <input type="radio" name="export-format" value="html" checked={format === 'html'} onChange={() => setFormat('html')} /> HTML
        </label>
      </fieldset>
      <div className="field">
        <label htmlFor="export-recipient">Recipient</label>
        <input
          id="export-recipient"
          type="text"
          autoComplete="off"
          required
          aria-required="true"
          aria-invalid={error && !recipient.trim() ? true : undefined}
          value={recipient}
          onChange={(e) => setRecipient(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="export-reason">
          Reason<span className="field__optional"> (optional)</span>
        </label>
        <input id="export-reason" type="text" autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      {done ? (
        <p className="notice notice--ok" role="status">
          <span>
            {done.text}
            {done.sha256 ? (
              <>
                {' '}
                Its SHA-256, recorded with the disclosure: <code className="hash">{done.sha256}</code>
              </>
            ) : null}
          </span>
        </p>
      ) : null}
      <div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Preparing…' : 'Export case file'}
        </button>
      </div>
    </form>
  );
}
