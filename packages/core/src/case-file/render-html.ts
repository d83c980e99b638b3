import { colourOf } from './chart-layout.js';
import type { CaseFileChart, CaseFileContent } from './content.js';
import { formatSize, formatTime, summaryRows } from './format.js';
import { noteHtml } from './markdown.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

const e = escapeHtml;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1b1f24;margin:0 auto;max-width:60rem;padding:1.5rem;line-height:1.45}
header.banner{border-bottom:2px solid #1b1f24;margin-bottom:1.5rem;padding-bottom:.5rem}
header.banner p{margin:.2rem 0;font-size:.9rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;border-bottom:1px solid #c9ced6;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #c9ced6;padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#eef1f4}
code,.hash{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85rem;word-break:break-all}
.muted{color:#59636e}.note{border-left:3px solid #c9ced6;padding-left:.8rem;margin:.8rem 0}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem 1rem;font-size:.85rem}.legend span{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.3rem;vertical-align:middle}
svg{width:100%;height:auto;border:1px solid #c9ced6;background:#fff}
footer{margin-top:2rem;border-top:1px solid #c9ced6;padding-top:.5rem;font-size:.85rem}
@media print{body{max-width:none}h2{break-after:avoid}}
`;

/**
 * The case file as one self-contained HTML page: inline CSS, no scripts, nothing fetched from
 * anywhere, the link chart as inline SVG, every value escaped.
 * @example const html = renderCaseFileHtml(await assembleCaseFile(tx, { caseId, recipient: 'Crown Prosecution Office' }));
 */
export function renderCaseFileHtml(content: CaseFileContent): string {
  const c = content.case;
  const banner = `${c.id} · Disclosed to ${content.recipient} · Exported ${formatTime(content.exportedAt)}`;
  const sections = [
    section('Summary', summarySection(content)),
    section('Subjects', subjectsSection(content)),
    section(
      'Timeline',
      table(['When', 'What', 'Who', 'Summary', 'Source'], content.timeline.map((t) => [t.when, t.kind, t.who, t.summary, t.source])) +
        (content.timelineMore > 0 ? `<p class="muted">${e(`${content.timelineMore.toLocaleString('en')} more not shown`)}</p>` : ''),
    ),
    section('Link chart', chartSection(content.chart)),
    section('Notes', notesSection(content)),
    section('Tasks', table(['Task', 'Status', 'Assignee', 'Due', 'Description'], content.tasks.map((t) => [t.title, t.status, t.assignee ?? '', t.dueDate ?? '', t.description]))),
    section('Linked cases', table(['Case', 'Title', 'Status', 'Relation', 'Note'], content.linkedCases.map((l) => [l.id, l.title, l.status, l.relation, l.note]))),
    section('Evidence', evidenceSection(content)),
    section(
      'Audit trail',
      table(['When', 'Who', 'Category', 'Action', 'Outcome'], content.audit.map((a) => [formatTime(a.at), a.actor, a.category, a.action, a.outcome])) +
        (content.auditMore > 0 ? `<p class="muted">${e(`${content.auditMore.toLocaleString('en')} more not shown`)}</p>` : ''),
    ),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // A disclosed file must not reach out: no scripts, no fetches, no frames.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${e(`${c.id} case file: ${c.title}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header class="banner"><p><strong>${e(c.id)}</strong></p><h1>${e(c.title)}</h1><p>${e(`Disclosed to ${content.recipient}`)}</p><p class="muted">${e(`Exported ${formatTime(content.exportedAt)} by ${content.exportedBy}`)}</p></header>`,
    '<main>',
    ...sections,
    '</main>',
    `<footer>${e(banner)}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function section(title: string, body: string): string {
  return `<section><h2>${e(title)}</h2>\n${body}\n</section>`;
}

function table(headers: string[], rows: string[][], emptyText = 'None.'): string {
  if (rows.length === 0) return `<p class="muted">${e(emptyText)}</p>`;
  const head = `<tr>${headers.map((h) => `<th>${e(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${e(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

function summarySection(content: CaseFileContent): string {
  const rows = summaryRows(content)
    .map(([label, value]) => `<tr><th scope="row">${e(label)}</th><td>${e(value)}</td></tr>`)
    .join('\n');
  const team = table(['Member', 'Name', 'Role', 'Since'], content.team.map((m) => [m.username, m.displayName, m.role, formatTime(m.addedAt)]));
  const summary = content.case.summary.trim() === '' ? '' : `<h3>Case summary</h3><div class="note">${noteHtml(content.case.summary)}</div>`;
  return `<table><tbody>\n${rows}\n</tbody></table>\n<h3>Team</h3>\n${team}\n${summary}`;
}

function subjectsSection(content: CaseFileContent): string {
  if (content.subjects.length === 0) return '<p class="muted">None.</p>';
  return content.subjects
    .map((s) => {
      const heading = `<h3>${e(s.caption)} <span class="muted">(${e(s.category)}, ${e(s.schema)})</span></h3>`;
      const note = s.note === '' ? '' : `<p>${e(s.note)}</p>`;
      const meta = `<p class="muted">Entity <code>${e(s.entityId)}</code>, added ${e(formatTime(s.addedAt))}</p>`;
      if (!s.visible) return `${heading}${meta}${note}<p class="muted">Nothing about this subject is visible to the exporter.</p>`;
      const rows = s.properties.flatMap((p) => p.values.map((v) => [p.label, v.value, v.source]));
      return `${heading}${meta}${note}${table(['Property', 'Value', 'Source'], rows)}`;
    })
    .join('\n');
}

/** The chart as inline SVG: edges as lines, nodes as circles coloured by schema, captions beside them. */
export function chartSvg(chart: CaseFileChart): string {
  const width = 800;
  const height = 560;
  const pad = 40;
  // Captions run to the right of their node: leave them room on that side.
  const captionRoom = 130;
  const at = (n: { x: number; y: number }) => ({ x: pad + n.x * (width - 2 * pad - captionRoom), y: pad + n.y * (height - 2 * pad) });
  const byId = new Map(chart.nodes.map((n) => [n.id, at(n)]));
  const edges = chart.edges
    .map((edge) => {
      const a = byId.get(edge.source);
      const b = byId.get(edge.target);
      if (a === undefined || b === undefined) return '';
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      return `<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" stroke="#8a939d" stroke-width="1.2"/><text x="${mid.x.toFixed(1)}" y="${(mid.y - 3).toFixed(1)}" font-size="10" fill="#59636e" text-anchor="middle">${e(edge.label)}</text>`;
    })
    .join('\n');
  const nodes = chart.nodes
    .map((node) => {
      const p = byId.get(node.id) ?? { x: 0, y: 0 };
      const ring = node.subject ? ' stroke="#1b1f24" stroke-width="2.5"' : ' stroke="#ffffff" stroke-width="1"';
      return `<g><title>${e(`${node.caption} (${node.schema})`)}</title><circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${node.subject ? 11 : 8}" fill="${colourOf(chart, node.schema)}"${ring}/><text x="${(p.x + 13).toFixed(1)}" y="${(p.y + 4).toFixed(1)}" font-size="12" fill="#1b1f24">${e(node.caption)}</text></g>`;
    })
    .join('\n');
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(chart.name ?? 'Neighbourhood of the case subjects')}">\n${edges}\n${nodes}\n</svg>`;
}

function chartSection(chart: CaseFileChart): string {
  if (chart.nodes.length === 0) return '<p class="muted">No link chart: the case has no saved chart and no subject visible to the exporter.</p>';
  const title = chart.name === null ? 'Neighbourhood of the case subjects' : `Saved chart: ${chart.name}`;
  const legend = chart.legend.map((l) => `<li><span style="background:${l.colour}"></span>${e(l.label)}</li>`).join('');
  const more = chart.more > 0 ? `<p class="muted">${e(`${chart.more.toLocaleString('en')} more not shown`)}</p>` : '';
  return `<p>${e(title)} (${chart.nodes.length} nodes, ${chart.edges.length} links; case subjects ringed)</p>\n${chartSvg(chart)}\n<ul class="legend">${legend}</ul>${more}`;
}

function notesSection(content: CaseFileContent): string {
  if (content.notes.length === 0) return '<p class="muted">None.</p>';
  return content.notes.map((n) => `<article class="note"><p class="muted">${e(`${n.author}, ${formatTime(n.createdAt)}`)}</p>${noteHtml(n.body)}</article>`).join('\n');
}

function evidenceSection(content: CaseFileContent): string {
  if (content.evidence.length === 0) return '<p class="muted">None.</p>';
  return content.evidence
    .map((file) => {
      const facts = table(
        ['File', 'Type', 'Size', 'Uploaded by', 'Uploaded'],
        [[file.fileName, file.contentType, formatSize(file.size), file.uploadedBy, formatTime(file.uploadedAt)]],
      );
      const custody = table(['When', 'Event', 'Who', 'Detail'], file.custody.map((c) => [formatTime(c.at), c.event, c.actor, c.detail]), 'No custody events.');
      const description = file.description === '' ? '' : `<p>${e(file.description)}</p>`;
      return `<h3>${e(file.fileName)}</h3><p>SHA-256 <span class="hash">${e(file.sha256)}</span></p>${description}${facts}<p class="muted">Custody</p>${custody}`;
    })
    .join('\n');
}
