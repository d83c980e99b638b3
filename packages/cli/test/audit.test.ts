import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createCase, createContext, createDb, defaultConfig, getEntity, LOCAL_OPERATOR, registerSource, writeEntities } from '@casegraph/core';
import { runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'casegraph-cli-audit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('casegraph audit', () => {
  it('signs checkpoints, verifies the log against them, and catches a tampered event', async () => {
    const data = join(root, 'store');
    const checkpoint = join(root, 'checkpoint.txt');
    for (const title of ['Harbour payments', 'Quay holdings']) {
      expect((await runCli(['case', 'create', '--data', data, '--title', title])).code).toBe(0);
    }
    const signed = await runCli(['audit', 'checkpoint', '--data', data, '--out', checkpoint]);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stderr).toMatch(/Checkpoint of \d+ events written to/);
    expect(readFileSync(checkpoint, 'utf8')).toMatch(/^casegraph audit log\n\d+\n\S{44}\n\n\u2014 casegraph \S+\n$/);
    const keys = JSON.parse(readFileSync(join(data, 'casegraph-keys.json'), 'utf8')) as { signing: { publicKey: string } };
    expect(keys.signing.publicKey).toMatch(/^casegraph\+[0-9a-f]{8}\+/);

    const good = await runCli(['audit', 'verify', '--data', data, '--checkpoint', checkpoint]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^Audit log verified: \d+ events, 2 signed checkpoint\(s\) match, 0 consistency and \d+ inclusion proof\(s\) hold, root \S{44}\n$/);

    // Someone with access to the files edits an event behind the application's back.
    const store = await createDb({ dataDir: data });
    await store.db.transaction().execute(async (trx) => {
      await sql`reset role`.execute(trx);
      await sql`update audit_events set justification = 'nothing to see' where seq = 2`.execute(trx);
    });
    await store.close();
    const bad = await runCli(['audit', 'verify', '--data', data, '--checkpoint', checkpoint]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no longer give the signed root/);
    expect(bad.stderr).toMatch(/casegraph: the audit log fails verification: \d+ problem\(s\) in \d+ events\n$/);
  });

  it('a checkpoint file that is not one is refused in one line', async () => {
    const data = join(root, 'store');
    const run = await runCli(['audit', 'verify', '--data', data, '--checkpoint', join(root, 'missing.txt')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^casegraph: cannot read the checkpoint file .*missing\.txt/);
  });

  it('oversight lookups lists who looked up a subject, with case, purpose and justification', async () => {
    const data = join(root, 'store-oversight');
    const store = await createDb({ dataDir: data });
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
    const { id: caseId } = await createCase(operator, { title: 'Harbour payments', purpose: 'fraud-audit' });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    const working = { ...operator, purpose: { caseId, code: 'fraud-audit', justification: 'payment trail from the bank report' } };
    await writeEntities(working, { sourceId: 'registry', entities: [{ id: 'person-7', schema: 'Person', properties: { name: ['Mira Novak'] }, origin: 'R7' }] });
    await getEntity(working, 'person-7');
    await store.close();
    const run = await runCli(['oversight', 'lookups', '--data', data, '--subject', 'person-7', '--justification', 'complaint 2026/31']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^\\S+Z  local-operator  entity.view success  ${caseId} fraud-audit "payment trail from the bank report"\n$`));
    const json = await runCli(['oversight', 'lookups', '--data', data, '--subject', 'person-7', '--justification', 'complaint 2026/31', '--format', 'jsonl']);
    expect(JSON.parse(json.stdout)).toMatchObject({ action: 'entity.view', caseId, purpose: 'fraud-audit' });
    const missing = await runCli(['oversight', 'lookups', '--data', data, '--subject', 'person-7']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--justification/);
  });
});
