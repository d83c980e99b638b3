import { useState } from 'react';
import type { FormEvent } from 'react';
import { exportCaseFile, saveFile } from './cases-api';
import { formatBytes } from './format';
import { FieldError, SubmitButton, TextField, useAction } from './form-parts';

/** Produces the case file, PDF or HTML, for a named recipient; the disclosure is recorded. */
export function ExportTab({ caseId }: { caseId: string }) {
  const [format, setFormat] = useState<'pdf' | 'html'>('pdf');
  const [recipient, setRecipient] = useState('');
  const [reason, setReason] = useState('');
  const { error, setError, refuse, busy, run } = useAction();
  const [done, setDone] = useState<{ text: string; sha256: string | null } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!recipient.trim()) return refuse('Name who receives the case file: the disclosure is recorded against them.', 'export-recipient');
    setError(null);
    setDone(null);
    await run(
      () => exportCaseFile(caseId, { format, recipient: recipient.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) }),
      (file) => {
        saveFile(file);
        setDone({ text: `${file.fileName} (${formatBytes(file.blob.size)}) is downloading, disclosed to ${recipient.trim()}.`, sha256: file.sha256 });
      },
    );
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
      <TextField
        id="export-recipient"
        label="Recipient"
        required
        aria-required="true"
        aria-invalid={error && !recipient.trim() ? true : undefined}
        value={recipient}
        onChange={setRecipient}
      />
      <TextField id="export-reason" label="Reason" optional value={reason} onChange={setReason} />
      <FieldError error={error} />
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
        <SubmitButton className="button button--primary" busy={busy} busyLabel="Preparing…">
          Export case file
        </SubmitButton>
      </div>
    </form>
  );
}
