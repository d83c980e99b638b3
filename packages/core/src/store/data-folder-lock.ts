import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreLocked } from '../errors.js';

/** What a lock file says about the process that holds the folder. */
export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

/** A held lock; release it when the store closes. */
export interface DataFolderLock {
  readonly path: string;
  release(): void;
}

const LOCK_FILE = 'casegraph.lock';
const TAKEOVER_FILE = 'casegraph.lock.takeover';
const TAKEOVER_STALE_MS = 10_000;

/**
 * Takes the embedded store's data folder for this process, failing at once when a live process
 * holds it; a lock left by a process that no longer runs is taken over.
 * @example const lock = lockDataFolder('./data'); ... lock.release();
 */
export function lockDataFolder(folder: string, command = process.argv.slice(1).join(' ')): DataFolderLock {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, me)) return heldLock(path, me);
    const owner = readOwner(path);
    if (owner !== null && isAlive(owner)) throw lockedError(folder, owner);
    // Stale (or unreadable half-written) lock: one process at a time may replace it.
    takeOverStale(folder, path, owner);
  }
  const owner = readOwner(path);
  throw lockedError(folder, owner ?? { pid: 0, host: 'unknown', startedAt: 'unknown', command: 'unknown' });
}

function heldLock(path: string, me: LockOwner): DataFolderLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    const owner = readOwner(path);
    if (owner?.pid === me.pid && owner.host === me.host) rmSync(path, { force: true });
    process.removeListener('exit', release);
  };
  process.on('exit', release);
  return { path, release };
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(owner) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return {
      pid: parsed.pid,
      host: parsed.host,
      startedAt: String(parsed.startedAt ?? 'unknown'),
      command: String(parsed.command ?? 'unknown'),
    };
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another machine (a shared network folder) cannot be checked: treat it as live.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(owner.pid) && pidLooksLikeOwner(owner);
}

/** A killed process whose parent has not reaped it still answers signals, but holds nothing. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** Guards against a recycled pid: the live process must have started before the lock was written. */
function pidLooksLikeOwner(owner: LockOwner): boolean {
  const lockedAt = Date.parse(owner.startedAt);
  const started = processStartTime(owner.pid);
  if (started === null || Number.isNaN(lockedAt)) return true;
  return started <= lockedAt + 5_000;
}

/** Start time of a process in ms since the epoch, from /proc (Linux); null where unknown. */
function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btimeLine = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('btime '));
    const bootSeconds = Number(btimeLine?.split(' ')[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return null;
    const CLOCK_TICKS_PER_SECOND = 100;
    return (bootSeconds + ticks / CLOCK_TICKS_PER_SECOND) * 1000;
  } catch {
    return null;
  }
}

function takeOverStale(folder: string, path: string, seen: LockOwner | null): void {
  const takeover = join(folder, TAKEOVER_FILE);
  try {
    const fd = openSync(takeover, 'wx');
    closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
    } catch {
      // Another process finished its takeover meanwhile; the next attempt sees its lock.
    }
    return;
  }
  try {
    const now = readOwner(path);
    // Only remove the lock we judged stale, not one a faster process has just written.
    if (JSON.stringify(now) === JSON.stringify(seen)) {
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  } finally {
    rmSync(takeover, { force: true });
  }
}

function lockedError(folder: string, owner: LockOwner): StoreLocked {
  return new StoreLocked(
    `data folder ${folder} is in use by process ${owner.pid} on ${owner.host} (started ${owner.startedAt}: ${owner.command}); ` +
      'stop that process first, or use another --data folder',
    { folder, owner },
  );
}
