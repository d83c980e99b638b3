// Memory and processor time of the processes a run involves, read from /proc (Linux): each server
// worker, PostgreSQL's processes together, and the generator itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** Resident and proportional memory (shared pages split among the processes that map them) in bytes, and processor seconds. */
export interface ProcessFigures {
  rss: number;
  pss: number;
  cpuSeconds: number;
}

function figuresOf(pid: number): ProcessFigures | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    let rss = 0;
    let pss = 0;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss = Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
      pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      rss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      pss = rss;
    }
    return { rss, pss, cpuSeconds };
  } catch {
    return null;
  }
}

/** The children of a process (the server's workers under its primary). */
export function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

function postgresPids(): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '-C', 'postgres'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** One reading of every process the run watches. */
export interface Reading {
  at: number;
  workers: Map<number, ProcessFigures>;
  primary: ProcessFigures | null;
  /** PostgreSQL's processes by pid: backends come and go, so processor time is compared pid by pid. */
  postgres: Map<number, ProcessFigures>;
  generator: ProcessFigures;
}

/** Reads the server's primary and workers, PostgreSQL (all of its processes: the server is shared) and this process. */
export function readProcesses(serverPid: number): Reading {
  const workers = new Map<number, ProcessFigures>();
  for (const pid of childrenOf(serverPid)) {
    const figures = figuresOf(pid);
    if (figures !== null) workers.set(pid, figures);
  }
  const postgres = new Map<number, ProcessFigures>();
  for (const pid of postgresPids()) {
    const figures = figuresOf(pid);
    if (figures !== null) postgres.set(pid, figures);
  }
  return { at: performance.now(), workers, primary: figuresOf(serverPid), postgres, generator: figuresOf(process.pid) ?? { rss: process.memoryUsage().rss, pss: 0, cpuSeconds: 0 } };
}

/** Processor seconds the processes of `later` used since `earlier` (a process that started in between counts whole). */
export function cpuSince(earlier: Map<number, ProcessFigures>, later: Map<number, ProcessFigures>): number {
  let seconds = 0;
  for (const [pid, figures] of later) seconds += figures.cpuSeconds - (earlier.get(pid)?.cpuSeconds ?? 0);
  return seconds;
}

/** Memory of a set of processes together. */
export function memoryOf(processes: Map<number, ProcessFigures>): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const figures of processes.values()) {
    rss += figures.rss;
    pss += figures.pss;
  }
  return { rss, pss };
}
