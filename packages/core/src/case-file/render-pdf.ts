import PDFDocument from 'pdfkit';
import { colourOf } from './chart-layout.js';
import type { CaseFileChart, CaseFileContent } from './content.js';
import { formatSize, formatTime, summaryRows } from './format.js';
import { noteBlocks } from './markdown.js';
import { pdfText } from './pdf-text.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = { top: 64, bottom: 64, left: 50, right: 50 };
const BODY = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MONO = 'Courier';
const INK = '#1b1f24';
const MUTED = '#59636e';
const RULE = '#c9ced6';

/**
 * The case file as a PDF: every page carries the case id, who it is disclosed to, the export
 * time and "Page N of M"; the link chart is drawn as vector shapes with its legend.
 * @example const bytes = await renderCaseFilePdf(content); // a Uint8Array starting with %PDF
 */
export async function renderCaseFilePdf(content: CaseFileContent): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    info: {
      Title: pdfText(`${content.case.id} case file: ${content.case.title}`),
      Subject: pdfText(`Disclosed to ${content.recipient}`),
      Author: pdfText(content.exportedBy),
      Creator: 'casegraph',
      CreationDate: content.exportedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  drawTitle(doc, content);
  heading(doc, 'Summary');
  keyValues(doc, summaryRows(content));
  subheading(doc, 'Team');
  table(doc, ['Member', 'Name', 'Role', 'Since'], [0.22, 0.3, 0.18, 0.3], content.team.map((m) => [m.username, m.displayName, m.role, formatTime(m.addedAt)]));
  if (content.case.summary.trim() !== '') {
    subheading(doc, 'Case summary');
    markdown(doc, content.case.summary);
  }

  heading(doc, 'Subjects');
  if (content.subjects.length === 0) muted(doc, 'None.');
  for (const subject of content.subjects) {
    subheading(doc, `${subject.caption} (${subject.category}, ${subject.schema})`);
    muted(doc, `Entity ${subject.entityId}, added ${formatTime(subject.addedAt)}`);
    if (subject.note !== '') paragraph(doc, subject.note);
    if (!subject.visible) muted(doc, 'Nothing about this subject is visible to the exporter.');
    else table(doc, ['Property', 'Value', 'Source'], [0.22, 0.5, 0.28], subject.properties.flatMap((p) => p.values.map((v) => [p.label, v.value, v.source])));
  }

  heading(doc, 'Timeline');
  table(doc, ['When', 'What', 'Who', 'Summary', 'Source'], [0.22, 0.12, 0.16, 0.34, 0.16], content.timeline.map((t) => [t.when, t.kind, t.who, t.summary, t.source]));
  if (content.timelineMore > 0) muted(doc, `${content.timelineMore.toLocaleString('en')} more not shown`);

  heading(doc, 'Link chart');
  drawChart(doc, content.chart);

  heading(doc, 'Notes');
  if (content.notes.length === 0) muted(doc, 'None.');
  for (const note of content.notes) {
    muted(doc, `${note.author}, ${formatTime(note.createdAt)}`);
    markdown(doc, note.body);
    doc.moveDown(0.5);
  }

  heading(doc, 'Tasks');
  table(
    doc,
    ['Task', 'Status', 'Assignee', 'Due', 'Description'],
    [0.26, 0.12, 0.14, 0.14, 0.34],
    content.tasks.map((t) => [t.title, t.status, t.assignee ?? '', t.dueDate ?? '', t.description]),
  );

  heading(doc, 'Linked cases');
  table(doc, ['Case', 'Title', 'Status', 'Relation', 'Note'], [0.18, 0.32, 0.12, 0.14, 0.24], content.linkedCases.map((l) => [l.id, l.title, l.status, l.relation, l.note]));

  heading(doc, 'Evidence');
  if (content.evidence.length === 0) muted(doc, 'None.');
  for (const file of content.evidence) {
    subheading(doc, file.fileName);
    // The digest on one line of its own, so it can be read (and copied) whole.
    ensureSpace(doc, 14);
    doc.font(BOLD).fontSize(8).fillColor(INK).text('SHA-256 ', MARGIN.left, doc.y, { continued: true }).font(MONO).text(file.sha256);
    doc.moveDown(0.3);
    if (file.description !== '') paragraph(doc, file.description);
    table(doc, ['Type', 'Size', 'Uploaded by', 'Uploaded'], [0.22, 0.3, 0.2, 0.28], [[file.contentType, formatSize(file.size), file.uploadedBy, formatTime(file.uploadedAt)]]);
    table(doc, ['Custody: when', 'Event', 'Who', 'Detail'], [0.26, 0.14, 0.16, 0.44], file.custody.map((c) => [formatTime(c.at), c.event, c.actor, c.detail]), 'No custody events.');
  }

  heading(doc, 'Audit trail');
  table(doc, ['When', 'Who', 'Category', 'Action', 'Outcome'], [0.25, 0.17, 0.17, 0.27, 0.14], content.audit.map((a) => [formatTime(a.at), a.actor, a.category, a.action, a.outcome]));
  if (content.auditMore > 0) muted(doc, `${content.auditMore.toLocaleString('en')} more not shown`);

  stampPages(doc, content);
  doc.end();
  await finished;
  return new Uint8Array(Buffer.concat(chunks));
}

function contentWidth(doc: Doc): number {
  return doc.page.width - MARGIN.left - MARGIN.right;
}

function bottom(doc: Doc): number {
  return doc.page.height - MARGIN.bottom;
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function drawTitle(doc: Doc, content: CaseFileContent): void {
  doc.font(BOLD).fontSize(10).fillColor(MUTED).text(pdfText(`Case file ${content.case.id}`), MARGIN.left, MARGIN.top);
  doc.font(BOLD).fontSize(20).fillColor(INK).text(pdfText(content.case.title), { width: contentWidth(doc) });
  doc.font(BODY).fontSize(10).fillColor(INK).text(pdfText(`Disclosed to ${content.recipient}`));
  doc.fillColor(MUTED).text(pdfText(`Exported ${formatTime(content.exportedAt)} by ${content.exportedBy}`));
  doc.moveDown(0.5);
}

function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 60);
  doc.moveDown(0.8);
  doc.font(BOLD).fontSize(14).fillColor(INK).text(pdfText(text), MARGIN.left, doc.y, { width: contentWidth(doc) });
  const y = doc.y + 2;
  doc.moveTo(MARGIN.left, y).lineTo(MARGIN.left + contentWidth(doc), y).lineWidth(0.8).strokeColor(RULE).stroke();
  doc.y = y + 6;
}

function subheading(doc: Doc, text: string): void {
  ensureSpace(doc, 40);
  doc.moveDown(0.4);
  doc.font(BOLD).fontSize(11).fillColor(INK).text(pdfText(text), MARGIN.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.2);
}

function paragraph(doc: Doc, text: string, options: { indent?: number; font?: string; size?: number; colour?: string } = {}): void {
  const indent = options.indent ?? 0;
  doc
    .font(options.font ?? BODY)
    .fontSize(options.size ?? 9.5)
    .fillColor(options.colour ?? INK)
    .text(pdfText(text), MARGIN.left + indent, doc.y, { width: contentWidth(doc) - indent });
  doc.moveDown(0.3);
}

function muted(doc: Doc, text: string): void {
  paragraph(doc, text, { size: 8.5, colour: MUTED });
}

function markdown(doc: Doc, body: string): void {
  for (const block of noteBlocks(body)) {
    switch (block.kind) {
      case 'heading':
        paragraph(doc, block.text, { font: BOLD, size: 10.5 });
        break;
      case 'item':
        paragraph(doc, block.text, { indent: 12 + 12 * block.depth });
        break;
      case 'code':
        paragraph(doc, block.text, { font: MONO, size: 8.5, indent: 12 });
        break;
      case 'quote':
        paragraph(doc, block.text, { indent: 12 + 12 * block.depth, colour: MUTED });
        break;
      case 'paragraph':
        paragraph(doc, block.text, { indent: 12 * block.depth });
        break;
    }
  }
}

/** Label and value pairs as a two-column table without a header row. */
function keyValues(doc: Doc, rows: Array<[string, string]>): void {
  const width = contentWidth(doc);
  const labelWidth = width * 0.28;
  for (const [label, value] of rows) {
    doc.font(BODY).fontSize(9.5);
    const text = pdfText(value);
    const height = Math.max(doc.heightOfString(text, { width: width - labelWidth - 8 }), 12);
    ensureSpace(doc, height + 4);
    const y = doc.y;
    doc.font(BOLD).fillColor(MUTED).text(pdfText(label), MARGIN.left, y, { width: labelWidth - 8 });
    doc.font(BODY).fillColor(INK).text(text, MARGIN.left + labelWidth, y, { width: width - labelWidth - 8 });
    doc.y = y + height + 3;
  }
}

/** A table with a header row repeated on each page it runs onto; cells wrap. */
function table(doc: Doc, headers: string[], fractions: number[], rows: string[][], emptyText = 'None.'): void {
  if (rows.length === 0) {
    muted(doc, emptyText);
    return;
  }
  const width = contentWidth(doc);
  const widths = fractions.map((f) => f * width);
  const pad = 3;
  const size = 8.5;
  const drawRow = (cells: string[], header: boolean) => {
    doc.font(header ? BOLD : BODY).fontSize(size);
    const texts = cells.map((cell) => pdfText(cell));
    const height = Math.max(...texts.map((text, i) => doc.heightOfString(text === '' ? ' ' : text, { width: (widths[i] ?? 40) - 2 * pad }))) + 2 * pad;
    if (doc.y + height > bottom(doc)) {
      doc.addPage();
      if (!header) drawRow(headers, true);
    }
    const y = doc.y;
    let x = MARGIN.left;
    if (header) doc.rect(MARGIN.left, y, width, height).fillColor('#eef1f4').fill();
    for (const [i, text] of texts.entries()) {
      const w = widths[i] ?? 40;
      doc.rect(x, y, w, height).lineWidth(0.5).strokeColor(RULE).stroke();
      doc.font(header ? BOLD : BODY).fontSize(size).fillColor(INK).text(text, x + pad, y + pad, { width: w - 2 * pad });
      x += w;
    }
    doc.x = MARGIN.left;
    doc.y = y + height;
  };
  drawRow(headers, true);
  for (const row of rows) drawRow(row, false);
  doc.moveDown(0.5);
}

function drawChart(doc: Doc, chart: CaseFileChart): void {
  if (chart.nodes.length === 0) {
    muted(doc, 'No link chart: the case has no saved chart and no subject visible to the exporter.');
    return;
  }
  const title = chart.name === null ? 'Neighbourhood of the case subjects' : `Saved chart: ${chart.name}`;
  paragraph(doc, `${title} (${chart.nodes.length} nodes, ${chart.edges.length} links; case subjects ringed)`);
  const width = contentWidth(doc);
  const height = Math.min(380, width * 0.75);
  ensureSpace(doc, height + 40);
  const top = doc.y;
  const pad = 30;
  doc.rect(MARGIN.left, top, width, height).lineWidth(0.5).strokeColor(RULE).stroke();
  // Captions run to the right of their node: leave them room on that side.
  const captionRoom = 90;
  const at = (n: { x: number; y: number }) => ({ x: MARGIN.left + pad + n.x * (width - 2 * pad - captionRoom), y: top + pad + n.y * (height - 2 * pad) });
  const byId = new Map(chart.nodes.map((n) => [n.id, at(n)]));
  for (const edge of chart.edges) {
    const a = byId.get(edge.source);
    const b = byId.get(edge.target);
    if (a === undefined || b === undefined) continue;
    doc.moveTo(a.x, a.y).lineTo(b.x, b.y).lineWidth(0.7).strokeColor('#8a939d').stroke();
    if (edge.label !== '') {
      doc.font(BODY).fontSize(5.5).fillColor(MUTED).text(pdfText(edge.label), (a.x + b.x) / 2 - 30, (a.y + b.y) / 2 - 7, { width: 60, align: 'center', lineBreak: false });
    }
  }
  for (const node of chart.nodes) {
    const p = byId.get(node.id) ?? { x: 0, y: 0 };
    doc.circle(p.x, p.y, node.subject ? 6 : 4.5).fillColor(colourOf(chart, node.schema)).fill();
    if (node.subject) doc.circle(p.x, p.y, 6).lineWidth(1.4).strokeColor(INK).stroke();
    doc.font(node.subject ? BOLD : BODY).fontSize(6.5).fillColor(INK).text(pdfText(node.caption), p.x + 8, p.y - 3, { width: captionRoom, lineBreak: false, ellipsis: true });
  }
  doc.x = MARGIN.left;
  doc.y = top + height + 8;
  // Legend: a swatch and label per schema, flowing across the line.
  let x = MARGIN.left;
  const y = doc.y;
  doc.font(BODY).fontSize(8);
  for (const entry of chart.legend) {
    const label = pdfText(entry.label);
    const w = 14 + doc.widthOfString(label) + 14;
    if (x + w > MARGIN.left + width) {
      x = MARGIN.left;
      doc.y += 12;
    }
    doc.circle(x + 4, doc.y + 4, 4).fillColor(entry.colour).fill();
    doc.fillColor(INK).text(label, x + 12, doc.y, { lineBreak: false });
    x += w;
  }
  doc.x = MARGIN.left;
  doc.y = Math.max(doc.y, y) + 16;
  if (chart.more > 0) muted(doc, `${chart.more.toLocaleString('en')} more not shown`);
}

/** Writes the running header and footer on every page once the page count is known. */
function stampPages(doc: Doc, content: CaseFileContent): void {
  const range = doc.bufferedPageRange();
  const total = range.count;
  const header = pdfText(`${content.case.id} - Disclosed to ${content.recipient}`);
  for (let i = 0; i < total; i++) {
    doc.switchToPage(range.start + i);
    // Header and footer sit in the margins; with no bottom margin the footer cannot spill onto a new page.
    const margins = doc.page.margins;
    doc.page.margins = { ...margins, top: 0, bottom: 0 };
    const width = doc.page.width - MARGIN.left - MARGIN.right;
    doc.font(BODY).fontSize(8).fillColor(MUTED);
    doc.text(header, MARGIN.left, 22, { width, height: 22, ellipsis: true });
    doc.moveTo(MARGIN.left, 46).lineTo(MARGIN.left + width, 46).lineWidth(0.5).strokeColor(RULE).stroke();
    const footerY = doc.page.height - 40;
    doc.text(pdfText(`${content.case.id} - Exported ${formatTime(content.exportedAt)}`), MARGIN.left, footerY, { width: width * 0.7, lineBreak: false });
    doc.text(`Page ${i + 1} of ${total}`, MARGIN.left + width * 0.7, footerY, { width: width * 0.3, align: 'right', lineBreak: false });
    doc.page.margins = margins;
  }
}
