import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One line describing the machine a figure was measured on. */
export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

/**
 * How fast the machine is right now: the milliseconds a fixed chain of 300,000 SHA-256 digests
 * takes in this process. A shared or throttled machine changes pace from hour to hour; runs are
 * comparable only at about the same pace.
 */
export function machinePace(): number {
  const start = performance.now();
  let digest = Buffer.alloc(32);
  for (let i = 0; i < 300_000; i++) digest = createHash('sha256').update(digest).digest();
  return Math.round(performance.now() - start);
}

/** The kernel's page cache in GiB (Linux), or null where it cannot be read. */
export function pageCacheGiB(): number | null {
  try {
    const cached = /^Cached:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    return cached === null ? null : Number(cached[1]) / 2 ** 20;
  } catch {
    return null;
  }
}

/** Prints rows as an aligned table. */
export function printTable(headers: string[], rows: Array<Array<string | number>>): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en') : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>) => r.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`${line(cells[0] ?? [])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of cells.slice(1)) process.stdout.write(`${line(r)}\n`);
}
