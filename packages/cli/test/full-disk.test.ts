import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, DISK_RESERVE_BYTES } from '@casegraph/core';
import { mountSmallDisk, smallDiskSupport, type SmallDisk } from '@casegraph/core/testing';
import { runCli } from './run-cli.js';

const support = smallDiskSupport();

describe('casegraph on a full disk', () => {
  let disk: SmallDisk | undefined;
  afterAll(() => disk?.destroy());

  it.skipIf(!support.ok)(`a write exits 1 with one line saying which folder to free, and works once space is freed${support.ok ? '' : ` (skipped: ${support.reason})`}`, async () => {
    disk = mountSmallDisk(128);
    const data = join(disk.dir, 'store');
    await (await createDb({ dataDir: data })).close();
    const register = ['source', 'register', '--data', data, '--id', 'registry', '--name', 'Registry', '--legal-basis', 'Order 1', '--purposes', 'administration'];
    disk.fill(DISK_RESERVE_BYTES - 4 * 2 ** 20);
    const refused = await runCli(register);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`casegraph: the store's disk is full: free space in ${data} and retry\n`);
    disk.unfill();
    const written = await runCli(register);
    expect(written.code, written.stderr).toBe(0);
  }, 120_000);
});
