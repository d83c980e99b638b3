import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { layoutChart } from './chart-layout.js';
import type { CaseFileContent } from './content.js';
import { pdfText } from './pdf-text.js';
import { renderCaseFileHtml } from './render-html.js';
import { renderCaseFilePdf } from './render-pdf.js';

const SHA_A = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8);
const SHA_B = 'f00dfeed'.repeat(8);

/** A hand-built case file: no store needed to check how it is drawn. */
function sampleContent(overrides: Partial<CaseFileContent> = {}): CaseFileContent {
  const at = new Date('2026-03-01T10:00:00.000Z');
  return {
    recipient: 'Regional Prosecution Office',
    reason: 'disclosure before the first hearing',
    exportedAt: at,
    exportedBy: 'ana.lind',
    case: {
      id: 'C-2026-0007',
      title: 'Quayside invoices <script>alert(1)</script>',
      status: 'active',
      disposition: null,
      purpose: 'fraud-audit',
      organisation: 'unit-1',
      owner: 'ana.lind',
      markings: [],
      template: 'fraud',
      fields: { 'Reference at the bank': 'SAR-2291' },
      summary: 'Invoices paid **twice** to a shell company.',
      createdAt: new Date('2026-01-05T09:00:00Z'),
      updatedAt: at,
      closedAt: null,
      closedBy: null,
      retentionUntil: null,
      legalHold: false,
    },
    team: [
      { username: 'ana.lind', displayName: 'Ana Lind', role: 'owner', addedAt: new Date('2026-01-05T09:00:00Z') },
      { username: 'bo.reyes', displayName: 'Bo Reyes', role: 'analyst', addedAt: new Date('2026-01-06T09:00:00Z') },
    ],
    subjects: [
      {
        entityId: 'p-1',
        caption: 'Marit Olsgaard',
        category: 'suspect',
        schema: 'Person',
        note: 'signed both invoices <img src=x onerror=alert(1)>',
        addedAt: new Date('2026-01-07T09:00:00Z'),
        visible: true,
        properties: [
          { property: 'name', label: 'Name', values: [{ value: 'Marit Olsgaard', source: 'Company Registry' }] },
          { property: 'birthDate', label: 'Birth date', values: [{ value: '1971-04-02', source: 'Population Extract' }] },
        ],
      },
      {
        entityId: 'p-2',
        caption: 'Сергей Петров',
        category: 'associate',
        schema: 'Person',
        note: '',
        addedAt: new Date('2026-01-08T09:00:00Z'),
        visible: true,
        properties: [{ property: 'name', label: 'Name', values: [{ value: 'Сергей Петров', source: 'Company Registry' }] }],
      },
    ],
    timeline: [
      { when: '2026-01-09 12:00:00 UTC', kind: 'note', who: 'bo.reyes', summary: 'Bank confirmed the second payment', source: '' },
      { when: '2026-01-03', kind: 'Payment', who: 'Marit Olsgaard, Olsgaard Holdings', summary: 'Payment of 1200 EUR', source: 'Bank Returns' },
    ],
    timelineMore: 0,
    chart: layoutChart({
      name: null,
      more: 3,
      nodes: [
        { id: 'p-1', caption: 'Marit Olsgaard', schema: 'Person', subject: true },
        { id: 'c-1', caption: 'Olsgaard Holdings', schema: 'Company', subject: false },
        { id: 'p-2', caption: 'Сергей Петров', schema: 'Person', subject: true },
      ],
      edges: [
        { source: 'p-1', target: 'c-1', label: 'Director' },
        { source: 'p-2', target: 'c-1', label: 'Owner' },
      ],
    }),
    notes: [{ author: 'bo.reyes', createdAt: new Date('2026-01-10T08:00:00Z'), body: '# Payments\n\n- first payment on **3 Jan**\n- second on 17 Jan\n\n<script>steal()</script>\n\n![tracker](https://example.invalid/pixel.png)' }],
    tasks: [{ title: 'Ask the bank for statements', description: 'Both accounts', status: 'open', assignee: 'bo.reyes', dueDate: '2026-03-15', createdAt: at, completedAt: null }],
    linkedCases: [{ id: 'C-2025-0031', title: 'Harbour fuel cards', status: 'closed', relation: 'related', note: 'same director' }],
    evidence: [
      {
        id: 'ev-1',
        fileName: 'invoice-0042.pdf',
        contentType: 'application/pdf',
        size: 48_213,
        sha256: SHA_A,
        description: 'The second invoice',
        uploadedBy: 'ana.lind',
        uploadedAt: new Date('2026-01-11T08:00:00Z'),
        custody: [{ event: 'collected', actor: 'ana.lind', at: new Date('2026-01-11T08:00:00Z'), detail: 'from the finance office' }],
      },
      { id: 'ev-2', fileName: 'statement.csv', contentType: 'text/csv', size: 912, sha256: SHA_B, description: '', uploadedBy: 'bo.reyes', uploadedAt: new Date('2026-01-12T08:00:00Z'), custody: [] },
    ],
    audit: [
      { at: new Date('2026-01-05T09:00:00Z'), actor: 'ana.lind', category: 'alteration', action: 'case.create', outcome: 'success' },
      { at: new Date('2026-01-09T09:00:00Z'), actor: 'bo.reyes', category: 'consultation', action: 'entity.view', outcome: 'success' },
    ],
    auditMore: 0,
    ...overrides,
  };
}

async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: false });
  return text;
}

describe('rendering a case file', () => {
  it('the PDF holds every section, and each page names the case, the recipient, the export time and page N of M', async () => {
    const many = sampleContent({
      audit: Array.from({ length: 120 }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 5, 9, i)), actor: 'ana.lind', category: 'consultation', action: `entity.view-${i}`, outcome: 'success' })),
    });
    const bytes = await renderCaseFilePdf(many);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThan(2);
    for (const [i, page] of pages.entries()) {
      expect(page).toContain('C-2026-0007');
      expect(page).toContain('Disclosed to Regional Prosecution Office');
      expect(page).toContain('2026-03-01 10:00:00 UTC');
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
    }
    const all = pages.join('\n');
    for (const text of ['Quayside invoices', 'Marit Olsgaard', 'suspect', 'Company Registry', 'Population Extract', 'Bank confirmed the second payment', 'Payment of 1200 EUR', 'Bank Returns', 'Ask the bank for statements', 'C-2025-0031', 'Harbour fuel cards', 'SAR-2291', 'entity.view-0', 'entity.view-119', 'first payment on 3 Jan', 'Olsgaard Holdings', 'Director', 'Company']) {
      expect(all, text).toContain(text);
    }
    // Digests are printed whole, on one line.
    expect(all).toContain(SHA_A);
    expect(all).toContain(SHA_B);
    // A Cyrillic name is romanised for the PDF's standard fonts.
    expect(all).toContain('Sergey Petrov');
    expect(all).toContain('3 more not shown');
  });

  it('the HTML is one self-contained, escaped page: no scripts, no external requests, notes rendered from Markdown without raw HTML', () => {
    const html = renderCaseFileHtml(sampleContent());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Quayside invoices &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;script&gt;steal()&lt;/script&gt;');
    expect(html).toContain('signed both invoices &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/src="http|href="http|url\(|@import|<link /i);
    expect(html).toContain('<strong>3 Jan</strong>');
    expect(html).toContain('<h1>Payments</h1>');
    expect(html).toContain('![tracker](https://example.invalid/pixel.png)');
    // The original script is kept in HTML, and every digest in full.
    expect(html).toContain('Сергей Петров');
    expect(html).toContain(SHA_A);
    expect(html).toContain(SHA_B);
    expect(html).toContain('<svg viewBox');
    expect(html).toContain('Disclosed to Regional Prosecution Office');
    expect(html).toContain('48.2 kB (48,213 bytes)');
  });

  it('a chart is laid out the same way every time, inside the unit square', () => {
    const input = {
      name: null,
      more: 0,
      nodes: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, caption: id, schema: id < 'c' ? 'Person' : 'Company', subject: id === 'a' })),
      edges: [
        { source: 'a', target: 'b', label: '' },
        { source: 'b', target: 'c', label: '' },
        { source: 'c', target: 'd', label: '' },
      ],
    };
    const first = layoutChart(input);
    expect(layoutChart(input)).toEqual(first);
    for (const node of first.nodes) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.x).toBeLessThanOrEqual(1);
      expect(node.y).toBeGreaterThanOrEqual(0);
      expect(node.y).toBeLessThanOrEqual(1);
    }
    expect(first.legend.map((l) => l.label)).toEqual(['Company', 'Person']);
    // Linked nodes end closer together than the unlinked one is to its nearest.
    const at = new Map(first.nodes.map((n) => [n.id, n]));
    const gap = (p: string, q: string) => Math.hypot((at.get(p)?.x ?? 0) - (at.get(q)?.x ?? 0), (at.get(p)?.y ?? 0) - (at.get(q)?.y ?? 0));
    expect(gap('a', 'b')).toBeLessThan(Math.min(gap('e', 'a'), gap('e', 'b'), gap('e', 'c'), gap('e', 'd')) * 1.5);
  });

  it('text outside the PDF fonts is romanised keeping capitals, and accents Latin-1 holds are kept', () => {
    expect(pdfText('Сергей ПЕТРОВ')).toBe('Sergey PETROV');
    expect(pdfText('Ørsted – “Ærø” €5')).toBe('Ørsted – “Ærø” €5');
    expect(pdfText('Łukasz Dvořák')).toBe('Lukasz Dvorák');
    expect(pdfText('Γιώργος')).toMatch(/^Giorgos$/i);
    expect(pdfText('名前')).toBe('??');
  });
});
