import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../cases/create-case.js';
import type { Actor, Ctx } from '../context/context.js';
import { Invalid } from '../errors.js';
import type { Store } from '../store/create-db.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { annotateEvidence, transferEvidence } from './custody.js';
import { uploadEvidence } from './upload-evidence.js';

/** Uploads the evidence fuzzer (fuzz.test.ts) found mishandled, kept as regular tests. */

describe.each(dialects())('evidence text the store cannot hold, on %s', (dialect) => {
  let store: Store;
  let ana: Ctx;
  let caseId: string;
  const count = async (table: 'evidence_files' | 'evidence_annotations' | 'evidence_custody') => Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const id = randomUUID();
    const actor: Actor = { userId: id, sessionId: null, organisation: 'unit-1', roles: ['analyst'], compartments: [] };
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    await store.db.insertInto('users').values({ id, username: 'ana', display_name: 'Ana Lindqvist', organisation: 'unit-1', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    caseId = (await createCase(testContext(store, { actor }), { title: 'Harbour payments', purpose: 'fraud-audit' })).id;
    ana = testContext(store, { actor, purpose: { caseId, code: 'fraud-audit', justification: 'invoice review' } });
  });
  afterAll(async () => {
    await store.close();
  });

  it('a description, an annotation or a transfer holding the NUL character is refused with Invalid and stores nothing', async () => {
    const content = new TextEncoder().encode('statement of account');
    const files = await count('evidence_files');
    await expect(uploadEvidence(ana, { caseId, fileName: 'statement.txt', contentType: 'text/plain', content, description: 'scan\u0000' })).rejects.toThrow(Invalid);
    expect(await count('evidence_files')).toBe(files);
    const stored = await uploadEvidence(ana, { caseId, fileName: 'statement.txt', contentType: 'text/plain', content });
    const [annotations, custody] = [await count('evidence_annotations'), await count('evidence_custody')];
    await expect(annotateEvidence(ana, { id: stored.id, body: 'see\u0000page 2' })).rejects.toThrow(Invalid);
    await expect(transferEvidence(ana, { id: stored.id, recipient: 'Forensic\u0000lab', reason: 'ink analysis' })).rejects.toThrow(Invalid);
    await expect(transferEvidence(ana, { id: stored.id, recipient: 'Forensic lab', reason: 'ink\u0000analysis' })).rejects.toThrow(Invalid);
    expect([await count('evidence_annotations'), await count('evidence_custody')]).toEqual([annotations, custody]);
  });
});
