import type { CaseFileContent } from './content.js';

/** A time as the case file prints it, in UTC: `2026-03-01 10:00:00 UTC`. */
export function formatTime(at: Date | null): string {
  if (at === null) return '';
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A size in bytes, with the exact count kept: `2.4 MB (2,400,000 bytes)`. */
export function formatSize(bytes: number): string {
  const exact = `${bytes.toLocaleString('en')} bytes`;
  if (bytes < 1000) return exact;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TB'} (${exact})`;
}

/** The lines of the summary table, label then value, shared by both renderers. */
export function summaryRows(content: CaseFileContent): Array<[string, string]> {
  const c = content.case;
  const rows: Array<[string, string]> = [
    ['Case', c.id],
    ['Title', c.title],
    ['Status', c.status],
    ['Disposition', c.disposition ?? ''],
    ['Purpose', c.purpose],
    ['Organisation', c.organisation],
    ['Owner', c.owner],
    ['Markings', c.markings.join(', ')],
    ['Template', c.template ?? ''],
    ['Opened', formatTime(c.createdAt)],
    ['Last changed', formatTime(c.updatedAt)],
    ['Closed', c.closedAt === null ? '' : `${formatTime(c.closedAt)}${c.closedBy === null ? '' : ` by ${c.closedBy}`}`],
    ['Retention until', c.retentionUntil ?? ''],
    ['Legal hold', c.legalHold ? 'yes' : 'no'],
  ];
  for (const [name, value] of Object.entries(c.fields).sort(([a], [b]) => a.localeCompare(b))) rows.push([name, value]);
  rows.push(['Disclosed to', content.recipient], ['Exported by', content.exportedBy], ['Exported at', formatTime(content.exportedAt)]);
  if (content.reason !== null) rows.push(['Reason for disclosure', content.reason]);
  return rows.filter(([, value]) => value !== '');
}
