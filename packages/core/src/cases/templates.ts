import { Invalid } from '../errors.js';

/** A field a case template asks for when the case is opened. */
export interface TemplateField {
  key: string;
  label: string;
  required: boolean;
}

/** A built-in way to open a case: the fields it asks for and the tasks it starts with. */
export interface CaseTemplate {
  id: string;
  name: string;
  description: string;
  fields: TemplateField[];
  tasks: Array<{ title: string; dueInDays: number }>;
}

const TEMPLATES: readonly CaseTemplate[] = [
  { id: 'blank', name: 'Blank case', description: 'No fields and no starting tasks.', fields: [], tasks: [] },
  {
    id: 'fraud-referral',
    name: 'Fraud referral',
    description: 'A referral from a bank, regulator or member of the public alleging fraud.',
    fields: [
      { key: 'referrer', label: 'Referred by', required: true },
      { key: 'referenceNumber', label: "Referrer's reference", required: false },
      { key: 'allegedLoss', label: 'Alleged loss', required: false },
    ],
    tasks: [
      { title: 'Acknowledge the referral to the referrer', dueInDays: 2 },
      { title: 'Check the subjects against existing cases and records', dueInDays: 5 },
      { title: 'Assess the referral and recommend whether to investigate', dueInDays: 14 },
    ],
  },
  {
    id: 'procurement-corruption',
    name: 'Procurement corruption',
    description: 'Suspected bribery, bid rigging or conflicts of interest in a public tender.',
    fields: [
      { key: 'contractingAuthority', label: 'Contracting authority', required: true },
      { key: 'tenderReference', label: 'Tender reference', required: true },
      { key: 'contractValue', label: 'Contract value', required: false },
    ],
    tasks: [
      { title: 'Obtain the tender file and evaluation reports', dueInDays: 7 },
      { title: 'Map the ownership and directors of every bidder', dueInDays: 14 },
      { title: 'Compare bidders for shared addresses, phones and officers', dueInDays: 21 },
    ],
  },
  {
    id: 'missing-funds',
    name: 'Missing funds',
    description: 'Money that left an account or budget without an authorised purpose.',
    fields: [
      { key: 'accountHolder', label: 'Account holder or budget', required: true },
      { key: 'amount', label: 'Amount missing', required: true },
      { key: 'periodFrom', label: 'Period from', required: false },
      { key: 'periodTo', label: 'Period to', required: false },
    ],
    tasks: [
      { title: 'Request account statements for the period', dueInDays: 3 },
      { title: 'Trace the outgoing payments to their beneficiaries', dueInDays: 14 },
      { title: 'Interview the people who authorised the payments', dueInDays: 21 },
    ],
  },
];

/**
 * The built-in case templates.
 * @example listCaseTemplates().map((t) => t.id) // ['blank', 'fraud-referral', ...]
 */
export function listCaseTemplates(): CaseTemplate[] {
  return TEMPLATES.map((t) => ({ ...t, fields: t.fields.map((f) => ({ ...f })), tasks: t.tasks.map((task) => ({ ...task })) }));
}

const MAX_FIELD_VALUE = 2000;

/**
 * The template a case is opened from and the checked values of its fields: required fields must
 * be filled, and a key the template does not ask for is refused.
 */
export function checkTemplateFields(templateId: string | undefined, fields: unknown): { template: CaseTemplate | null; fields: Record<string, string> } {
  const template = templateId === undefined ? null : (TEMPLATES.find((t) => t.id === templateId) ?? null);
  if (templateId !== undefined && template === null) {
    throw new Invalid(`unknown case template "${templateId}" (known: ${TEMPLATES.map((t) => t.id).join(', ')})`);
  }
  const known = template?.fields ?? [];
  if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields))) throw new Invalid('fields must be an object of text values');
  const given = (fields ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!known.some((f) => f.key === key)) {
      const asked = known.map((f) => f.key).join(', ');
      throw new Invalid(`unknown field "${key}" for template ${template?.id ?? 'blank'}${asked === '' ? ' (it asks for none)' : ` (it asks for: ${asked})`}`);
    }
    if (typeof value !== 'string') throw new Invalid(`field "${key}" must be text`);
    if (value.length > MAX_FIELD_VALUE) throw new Invalid(`field "${key}" may be at most ${MAX_FIELD_VALUE} characters`);
    if (value.trim() !== '') values[key] = value.trim();
  }
  const missing = known.filter((f) => f.required && values[f.key] === undefined);
  if (missing.length > 0) throw new Invalid(`template ${template?.id ?? ''} needs ${missing.map((f) => `"${f.label}" (${f.key})`).join(', ')}`);
  return { template, fields: values };
}
