import { statfsSync } from 'node:fs';
import { DiskFull } from '../errors.js';

/**
 * Room the embedded store keeps free on its disk. PGlite cannot survive a failed write of its
 * write-ahead log: it spins inside WebAssembly and the whole process stops answering. A new log
 * segment takes 16 MB at once, so writes are refused while less than two segments' worth is free;
 * the store then only ever meets a full disk through this check, with nothing half-written.
 */
export const DISK_RESERVE_BYTES = 32 * 2 ** 20;

/** The message every interface shows for a full disk. */
export function diskFullMessage(folder: string): string {
  return `the store's disk is full: free space in ${folder} and retry`;
}

/**
 * Refuses a write with DiskFull when the file system holding `folder` has less free than the
 * reserve and `needBytes` (what the write itself may add, data and log).
 * @example checkDiskSpace('./data', 3 * parameterBytes(parameters));
 */
export function checkDiskSpace(folder: string, needBytes = 0, reserveBytes = DISK_RESERVE_BYTES): void {
  let free: number;
  try {
    const stats = statfsSync(folder);
    free = stats.bavail * stats.bsize;
  } catch {
    // A file system that cannot say how full it is: the write itself will tell.
    return;
  }
  if (free < reserveBytes + needBytes) {
    throw new DiskFull(diskFullMessage(folder), { freeBytes: free, neededBytes: reserveBytes + needBytes });
  }
}

/** Roughly how many bytes a statement's parameters carry (what it may add to the store). */
export function parameterBytes(parameters: readonly unknown[]): number {
  let total = 0;
  for (const value of parameters) total += sizeOf(value);
  return total;
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, item: unknown) => sum + sizeOf(item), 0);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return JSON.stringify(value).length;
  return 8;
}

// PostgreSQL's disk_full condition, and the operating system's words for it.
const DISK_FULL_CODES = new Set(['53100', 'ENOSPC']);
const DISK_FULL_MESSAGES = /no space left on device|could not extend file/i;

/**
 * The DiskFull an error of the database stands for (PostgreSQL could not extend a file or write
 * its log), or undefined for any other error. Its message names no file, table or SQL.
 * @example const full = diskFullFrom(error, './data'); if (full) throw full;
 */
export function diskFullFrom(error: unknown, folder = "the database server's data folder", depth = 0): DiskFull | undefined {
  if (error instanceof DiskFull) return error;
  if (!(error instanceof Error) || depth > 3) return undefined;
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && DISK_FULL_CODES.has(code)) || DISK_FULL_MESSAGES.test(error.message)) {
    return new DiskFull(diskFullMessage(folder));
  }
  return error.cause !== undefined ? diskFullFrom(error.cause, folder, depth + 1) : undefined;
}
