import { describe, expect, it } from 'vitest';
import { validateContextInput } from './context-validation';

const purposes = [
  { code: 'criminal-investigation', label: 'Criminal investigation', caseRequired: true },
  { code: 'oversight', label: 'Oversight', caseRequired: false },
];

describe('validateContextInput', () => {
  it('accepts a case, a listed purpose and a justification, trimming spaces', () => {
    const result = validateContextInput(
      { caseId: ' C-2026-0001 ', purposeCode: 'criminal-investigation', justification: '  Follow up   the lead  ' },
      purposes,
    );
    expect(result).toEqual({
      ok: true,
      context: {
        caseId: 'C-2026-0001',
        purposeCode: 'criminal-investigation',
        purposeLabel: 'Criminal investigation',
        justification: 'Follow up the lead',
      },
    });
  });

  it('names every missing field', () => {
    const result = validateContextInput({ caseId: '', purposeCode: '', justification: '' }, purposes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['caseId', 'justification', 'purposeCode']);
  });

  it('refuses a purpose the server did not list', () => {
    const result = validateContextInput(
      { caseId: 'C-1', purposeCode: 'curiosity', justification: 'Just looking around' },
      purposes,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toEqual(['purposeCode']);
  });

  it('lets a purpose that needs no case go without one', () => {
    const result = validateContextInput(
      { caseId: '', purposeCode: 'oversight', justification: 'Quarterly access review' },
      purposes,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses a case id with spaces and a justification that says nothing', () => {
    const result = validateContextInput(
      { caseId: 'C 1', purposeCode: 'criminal-investigation', justification: 'because' },
      purposes,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['caseId', 'justification']);
  });
});
