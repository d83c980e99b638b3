import { useState } from 'react';
import type { FormEvent } from 'react';
import { listPurposes } from '../api';
import { maxJustificationLength, minJustificationLength } from '../context-validation';
import { useResource } from '../use-resource';
import { describeWorkingContext, setWorkingContext, useWorkingContext } from '../working-context';
import { casePurposes, FieldError, PurposeField, TextField } from './form-parts';

/**
 * Offers to make the open case the working case: reading its subjects, notes, evidence and
 * timeline is recorded against the working case, so they need it to be this one. With a context
 * already set, one click keeps its purpose and justification; without one, the user states both.
 */
export function WorkingCaseOffer({ caseId, casePurpose }: { caseId: string; casePurpose: string }) {
  const context = useWorkingContext();
  if (context !== null && context.caseId === caseId) return null;
  if (context !== null) {
    return (
      <div className="notice notice--warning case-offer" role="region" aria-label="Working case">
        <div>
          <p>
            You are working under <strong>{describeWorkingContext(context)}</strong>. This case’s subjects, notes, evidence and timeline are
            read under the working case, so work on <strong>{caseId}</strong> here.
          </p>
          <button type="button" className="button button--primary button--small" onClick={() => setWorkingContext({ ...context, caseId })}>
            Work on {caseId}
          </button>
        </div>
      </div>
    );
  }
  return <StateContext caseId={caseId} casePurpose={casePurpose} />;
}

function StateContext({ caseId, casePurpose }: { caseId: string; casePurpose: string }) {
  const [purposes] = useResource(listPurposes);
  const [purposeCode, setPurposeCode] = useState('');
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list = casePurposes(purposes);
  const chosen = purposeCode || (list.some((p) => p.code === casePurpose) ? casePurpose : (list[0]?.code ?? ''));

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const purpose = list.find((p) => p.code === chosen);
    const text = justification.trim().replace(/\s+/g, ' ');
    if (purpose === undefined) return setError('Choose the purpose of your work.');
    if (text.length < minJustificationLength) return setError(`Say why you need this case’s data (at least ${minJustificationLength} characters).`);
    setError(null);
    setWorkingContext({ caseId, purposeCode: purpose.code, purposeLabel: purpose.label, justification: text });
  }

  return (
    <form className="notice notice--warning case-offer" aria-label="Work on this case" noValidate onSubmit={submit}>
      <div>
        <p>
          <strong>Work on {caseId}?</strong> Its subjects, notes, evidence and timeline hold personal data: each read is recorded with the case, a
          purpose and your justification.
        </p>
        <div className="case-offer__fields">
          <PurposeField id="offer-purpose" purposes={purposes} value={chosen} onChange={setPurposeCode} />
          <TextField
            id="offer-justification"
            label="Justification"
            className="case-offer__justification"
            maxLength={maxJustificationLength}
            value={justification}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'offer-error' : undefined}
            onChange={setJustification}
          />
        </div>
        <FieldError error={error} id="offer-error" />
        <button type="submit" className="button button--primary button--small" disabled={purposes.status !== 'ready'}>
          Work on {caseId}
        </button>
      </div>
    </form>
  );
}
