import { describe, expect, it } from 'vitest';
import { findPgBin } from '@casegraph/core/testing';
import { runCrashMode, type CrashMode } from './harness.js';

// A short run of the crash harness (`npm run bench -- crash` runs 200 cycles per mode), so CI
// proves it still kills, restarts and checks. It starts the built command line, as the bench does.
// The timeout allows for a machine shared with other work, where a server takes seconds to start.
const withPostgres = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '' && findPgBin() !== undefined;
const modes: CrashMode[] = withPostgres ? ['pglite', 'server-postgres', 'postgres'] : ['pglite'];

describe('crash harness', () => {
  for (const mode of modes) {
    it(`${mode}: three kill -9 cycles lose no acknowledged write, leave no half batch, and the audit log verifies`, { timeout: 600_000 }, async () => {
      const figures = await runCrashMode({ mode, cycles: 3, seed: 'ci', killWindow: [100, 700], downWindow: [200, 600], importRows: [1_200, 2_400] });
      expect(figures.cycles).toBe(3);
      expect(figures.kills).toBe(3);
      expect(figures.acknowledged).toBeGreaterThan(0);
      expect(figures.restarts).toHaveLength(3);
      expect(figures.lost).toEqual([]);
      expect(figures.partialBatches).toEqual([]);
      expect(figures.verifyProblems).toEqual([]);
      expect({ internal: figures.internal, leaks: figures.leaks, serverDeaths: figures.serverDeaths, samples: figures.samples }).toEqual({ internal: 0, leaks: 0, serverDeaths: 0, samples: [] });
    });
  }
});
