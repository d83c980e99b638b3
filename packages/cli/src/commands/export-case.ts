import { writeFileSync } from 'node:fs';
import { CASE_FILE_FORMATS, createContext, exportCaseFile, getCase, LOCAL_OPERATOR, withPurpose, type Purpose } from '@casegraph/core';
import { loadConfig, openStore, type StoreFlags } from '../store-options.js';

/** The flags of `casegraph export case`. */
export interface CaseFileFlags extends StoreFlags {
  format?: string;
  out?: string;
  recipient?: string;
  reason?: string;
  case?: string;
  purpose?: string;
  justification?: string;
}

/**
 * `casegraph export case C-2026-0001 --format pdf --recipient "..." [--out file]`: writes the case
 * file and records its disclosure. Without --purpose the file is made under the case's own
 * purpose, by the local operator.
 */
export async function exportCaseFileCommand(caseId: string | undefined, flags: CaseFileFlags): Promise<void> {
  if (caseId === undefined) throw new Error('give the case id: casegraph export case C-2026-0001 --format pdf --recipient "District prosecutor"');
  const format = flags.format;
  if (format === undefined || !(CASE_FILE_FORMATS as readonly string[]).includes(format)) {
    throw new Error(format === undefined ? `give --format ${CASE_FILE_FORMATS.join(' or ')}` : `unknown case file format "${format}" (known: ${CASE_FILE_FORMATS.join(', ')})`);
  }
  const recipient = flags.recipient?.trim() ?? '';
  if (recipient === '') throw new Error('give --recipient NAME: the person or body the case file is disclosed to');
  const config = loadConfig(flags);
  const store = await openStore(flags);
  try {
    const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
    const justification = flags.justification ?? `case file disclosed to ${recipient}`;
    const purpose: Purpose =
      flags.purpose === undefined
        ? { caseId, code: (await getCase(ctx, caseId)).purpose, justification }
        : { caseId: flags.case ?? caseId, code: flags.purpose, justification };
    const file = await exportCaseFile(withPurpose(ctx, purpose), { caseId, format, recipient, reason: flags.reason ?? null });
    const out = flags.out ?? file.fileName;
    if (out === '-') process.stdout.write(file.bytes);
    else writeFileSync(out, file.bytes);
    process.stderr.write(
      `Exported the case file of ${caseId} (${format.toUpperCase()}, ${file.bytes.length.toLocaleString('en')} bytes)${out === '-' ? '' : ` to ${out}`}, disclosed to ${recipient}; SHA-256 ${file.sha256}\n`,
    );
  } finally {
    await store.close();
  }
}
