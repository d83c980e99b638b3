import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, createDb, defaultConfig, LOCAL_OPERATOR, registerSource, writeEntities } from '@casegraph/core';
import { runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-cli-case-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('casegraph export case', () => {
  const data = join(root, 'store');
  let caseId: string;

  beforeAll(async () => {
    const created = await runCli(['case', 'create', '--data', data, '--title', 'Pier <b>leases</b>', '--purpose', 'fraud-audit']);
    expect(created.code, created.stderr).toBe(0);
    caseId = created.stdout.trim();
    const store = await createDb({ dataDir: data });
    try {
      const ctx = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
      await registerSource(ctx, { id: 'registry', name: 'Company Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
      await writeEntities({ ...ctx, purpose: { caseId, code: 'fraud-audit', justification: 'fixture' } }, { sourceId: 'registry', entities: [{ id: 'p-1', schema: 'Person', origin: 'R1', properties: { name: ['Katarina Vellacott'] } }] });
      await store.db.insertInto('case_subjects').values({ case_id: caseId, entity_id: 'p-1', category: 'suspect', added_by: LOCAL_OPERATOR.userId, added_at: new Date() }).execute();
    } finally {
      await store.close();
    }
  }, 120_000);

  it('writes the PDF and the HTML case file, prints the digest, and records the disclosure', async () => {
    const pdfPath = join(root, 'file.pdf');
    const pdf = await runCli(['export', 'case', caseId, '--data', data, '--format', 'pdf', '--recipient', 'District Prosecutor 4', '--out', pdfPath]);
    expect(pdf.code, pdf.stderr).toBe(0);
    const bytes = readFileSync(pdfPath);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(pdf.stderr).toBe(`Exported the case file of ${caseId} (PDF, ${bytes.length.toLocaleString('en')} bytes) to ${pdfPath}, disclosed to District Prosecutor 4; SHA-256 ${sha256}\n`);

    const htmlPath = join(root, 'file.html');
    const html = await runCli(['export', 'case', caseId, '--data', data, '--format', 'html', '--recipient', 'Defence counsel', '--reason', 'disclosure duty', '--out', htmlPath]);
    expect(html.code, html.stderr).toBe(0);
    const page = readFileSync(htmlPath, 'utf8');
    expect(page).toContain('Pier &lt;b&gt;leases&lt;/b&gt;');
    expect(page).toContain('Katarina Vellacott');
    expect(page).toContain('Company Registry');
    expect(page).toContain('Disclosed to Defence counsel');

    const store = await createDb({ dataDir: data });
    try {
      const events = await store.db.selectFrom('audit_events').select(['category', 'case_id', 'detail', 'subject_ids']).where('action', '=', 'case.export').orderBy('seq').execute();
      expect(events).toMatchObject([
        { category: 'disclosure', case_id: caseId, subject_ids: ['p-1'], detail: { recipient: 'District Prosecutor 4', format: 'pdf', sha256 } },
        { category: 'disclosure', case_id: caseId, detail: { recipient: 'Defence counsel', format: 'html', reason: 'disclosure duty' } },
      ]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('refuses a missing recipient, a missing format and an unknown case with a one-line reason', async () => {
    const noRecipient = await runCli(['export', 'case', caseId, '--data', data, '--format', 'pdf', '--out', join(root, 'x.pdf')]);
    expect(noRecipient).toMatchObject({ code: 1, stderr: 'casegraph: give --recipient NAME: the person or body the case file is disclosed to\n' });
    const noFormat = await runCli(['export', 'case', caseId, '--data', data, '--recipient', 'Court']);
    expect(noFormat).toMatchObject({ code: 1, stderr: 'casegraph: give --format pdf or html\n' });
    const unknown = await runCli(['export', 'case', 'C-2031-9999', '--data', data, '--format', 'pdf', '--recipient', 'Court', '--out', join(root, 'y.pdf')]);
    expect(unknown).toMatchObject({ code: 1, stderr: 'casegraph: case C-2031-9999 not found\n' });
  }, 120_000);
});
