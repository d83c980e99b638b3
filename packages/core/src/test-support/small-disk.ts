import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small file system of its own (tmpfs) for full-disk tests, with a filler file that sets how
 * much of it is free. Mounting needs root; `smallDiskSupport` says whether this machine allows it.
 */
export interface SmallDisk {
  /** The mounted folder. */
  dir: string;
  /** Bytes free for an ordinary user of the file system. */
  freeBytes(): number;
  /** Grows the filler file until only `leaveBytes` stay free (no-op when less is free already). */
  fill(leaveBytes: number): void;
  /** Deletes the filler file, as an operator freeing space would. */
  unfill(): void;
  /** Unmounts the file system and removes its mount point. */
  destroy(): void;
}

let support: { ok: true } | { ok: false; reason: string } | undefined;

/** Whether small file systems can be mounted here (root and a working tmpfs), and if not why. */
export function smallDiskSupport(): { ok: true } | { ok: false; reason: string } {
  if (support !== undefined) return support;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    support = { ok: false, reason: 'mounting a small file system needs root' };
    return support;
  }
  const dir = mkdtempSync(join(tmpdir(), 'casegraph-disk-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    support = { ok: true };
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    support = { ok: false, reason: `cannot mount a tmpfs here: ${stderr || (error as Error).message}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return support;
}

/**
 * Mounts a tmpfs of `megabytes` MB in a new temporary folder.
 * @example const disk = mountSmallDisk(128); disk.fill(40 * 2 ** 20); ... disk.destroy();
 */
export function mountSmallDisk(megabytes: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'casegraph-small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  const filler = join(dir, 'filler');
  const freeBytes = () => {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    dir,
    freeBytes,
    fill(leaveBytes) {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(2 ** 20, 0x5a);
      try {
        for (let left = freeBytes() - leaveBytes; left > 0; left -= chunk.length) {
          writeSync(fd, chunk, 0, Math.min(chunk.length, left));
        }
      } finally {
        closeSync(fd);
      }
    },
    unfill() {
      rmSync(filler, { force: true });
    },
    destroy() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        // Still busy (a server not yet gone): detach it, the kernel frees it once unused.
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
