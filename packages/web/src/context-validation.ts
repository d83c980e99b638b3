import type { Purpose } from './api';
import type { WorkingContext } from './working-context';

/** What the user typed into the working-context form. */
export interface ContextInput {
  caseId: string;
  purposeCode: string;
  justification: string;
}

export type ContextField = keyof ContextInput;
export type ContextErrors = Partial<Record<ContextField, string>>;

export const minJustificationLength = 10;
export const maxJustificationLength = 500;
const caseIdPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/** Checks the form and returns either a working context or one message per faulty field. */
export function validateContextInput(
  input: ContextInput,
  purposes: readonly Purpose[],
): { ok: true; context: WorkingContext } | { ok: false; errors: ContextErrors } {
  const caseId = input.caseId.trim();
  const justification = input.justification.trim().replace(/\s+/g, ' ');
  const purpose = purposes.find((p) => p.code === input.purposeCode);
  const errors: ContextErrors = {};

  if (!purpose) errors.purposeCode = 'Choose the purpose of your work.';

  const caseRequired = purpose?.caseRequired ?? true;
  if (!caseId && caseRequired) errors.caseId = 'Enter the case you are working on.';
  else if (caseId && !caseIdPattern.test(caseId)) errors.caseId = 'A case id uses letters, digits and - _ . / only.';

  if (justification.length < minJustificationLength) {
    errors.justification = `Say why you need this data for the case (at least ${minJustificationLength} characters).`;
  } else if (justification.length > maxJustificationLength) {
    errors.justification = `Keep the justification under ${maxJustificationLength} characters.`;
  }

  if (!purpose || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, context: { caseId, purposeCode: purpose.code, purposeLabel: purpose.label, justification } };
}
