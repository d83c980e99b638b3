export { createCase, type CaseSummary } from './create-case.js';
export { addCaseMember, getCase, type CaseView } from './get-case.js';
