import { useEffect, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { listPurposes } from './api';
import { maxJustificationLength, validateContextInput } from './context-validation';
import type { ContextErrors, ContextField } from './context-validation';
import { useResource } from './use-resource';
import { setWorkingContext } from './working-context';
import type { WorkingContext } from './working-context';

interface ContextFormProps {
  current: WorkingContext | null;
  onDone: () => void;
}

const fieldIds: Record<ContextField, string> = {
  caseId: 'context-case',
  purposeCode: 'context-purpose',
  justification: 'context-justification',
};

/** The form in the context bar where the user states their case, purpose and justification. */
export function ContextForm({ current, onDone }: ContextFormProps) {
  const [purposes, reloadPurposes] = useResource(listPurposes);
  const [caseId, setCaseId] = useState(current?.caseId ?? '');
  const [purposeCode, setPurposeCode] = useState(current?.purposeCode ?? '');
  const [justification, setJustification] = useState(current?.justification ?? '');
  const [errors, setErrors] = useState<ContextErrors>({});

  // The form only mounts on request, so taking focus here follows the user's action.
  useEffect(() => {
    document.getElementById(fieldIds.caseId)?.focus();
  }, []);

  const purposeList = purposes.data ?? [];
  const chosenPurpose = purposeList.find((p) => p.code === purposeCode);
  const caseOptional = chosenPurpose?.caseRequired === false;

  function handleSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const result = validateContextInput({ caseId, purposeCode, justification }, purposeList);
    if (!result.ok) {
      setErrors(result.errors);
      const first = (Object.keys(fieldIds) as ContextField[]).find((field) => result.errors[field]);
      if (first) document.getElementById(fieldIds[first])?.focus();
      return;
    }
    setErrors({});
    setWorkingContext(result.context);
    onDone();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLFormElement>): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      onDone();
    }
  }

  function describedBy(field: ContextField, hint?: string): string | undefined {
    const ids = [hint, errors[field] ? `${fieldIds[field]}-error` : undefined].filter(Boolean);
    return ids.length > 0 ? ids.join(' ') : undefined;
  }

  function fieldError(field: ContextField) {
    const message = errors[field];
    return message ? (
      <p className="field__error" id={`${fieldIds[field]}-error`}>
        {message}
      </p>
    ) : null;
  }

  return (
    <form
      className="context-form"
      aria-label="Set working context"
      noValidate
      onSubmit={handleSubmit}
      onKeyDown={handleKeyDown}
    >
      <div className="field field--case">
        <label htmlFor={fieldIds.caseId}>
          Case{caseOptional ? <span className="field__optional"> (optional)</span> : null}
        </label>
        <input
          id={fieldIds.caseId}
          name="caseId"
          type="text"
          inputMode="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="C-2026-0001"
          value={caseId}
          aria-invalid={errors.caseId ? true : undefined}
          aria-describedby={describedBy('caseId', caseOptional ? 'context-case-hint' : undefined)}
          onChange={(event) => setCaseId(event.target.value)}
        />
        {caseOptional ? (
          <p className="field__hint" id="context-case-hint">
            {chosenPurpose.label} does not need a case.
          </p>
        ) : null}
        {fieldError('caseId')}
      </div>

      <div className="field field--purpose">
        <label htmlFor={fieldIds.purposeCode}>Purpose</label>
        <select
          id={fieldIds.purposeCode}
          name="purposeCode"
          value={purposeCode}
          disabled={purposes.status !== 'ready'}
          aria-invalid={errors.purposeCode ? true : undefined}
          aria-describedby={describedBy('purposeCode', purposes.status === 'error' ? 'context-purpose-load' : undefined)}
          onChange={(event) => setPurposeCode(event.target.value)}
        >
          <option value="" disabled>
            {purposes.status === 'loading' ? 'Loading purposes…' : 'Choose a purpose…'}
          </option>
          {purposeList.map((purpose) => (
            <option key={purpose.code} value={purpose.code}>
              {purpose.label}
            </option>
          ))}
        </select>
        {purposes.status === 'error' ? (
          <p className="field__error" id="context-purpose-load" role="alert">
            Purposes could not be loaded. {purposes.error.message}{' '}
            <button type="button" className="button button--link" onClick={reloadPurposes}>
              Try again
            </button>
          </p>
        ) : null}
        {fieldError('purposeCode')}
      </div>

      <div className="field field--justification">
        <label htmlFor={fieldIds.justification}>Justification</label>
        <input
          id={fieldIds.justification}
          name="justification"
          type="text"
          autoComplete="off"
          maxLength={maxJustificationLength}
          placeholder="Why this case needs the data"
          value={justification}
          aria-invalid={errors.justification ? true : undefined}
          aria-describedby={describedBy('justification', 'context-justification-hint')}
          onChange={(event) => setJustification(event.target.value)}
        />
        <p className="field__hint" id="context-justification-hint">
          Recorded in the audit log with every search and view.
        </p>
        {fieldError('justification')}
      </div>

      <div className="context-form__actions">
        <button type="submit" className="button button--primary" disabled={purposes.status !== 'ready'}>
          Use this context
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
