import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../cases/create-case.js';
import { defaultConfig } from '../config/config.js';
import type { Actor, Ctx } from '../context/context.js';
import { isCaseGraphError } from '../errors.js';
import type { Store } from '../store/create-db.js';
import { fuzzRuns, fuzzTimeout, parsesOrRefuses, withinBudget } from '../test-support/fuzz.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { checkAnchor } from './custody.js';
import { checkEvidenceContent, detectContentType, EVIDENCE_TYPES } from './signatures.js';
import { checkFileName, uploadEvidence } from './upload-evidence.js';

/**
 * Hostile uploads: file names, declared types and bytes of every shape are stored or refused with
 * the project's own errors, and a refused upload stores nothing. CASEGRAPH_FUZZ_RUNS sets the cases;
 * the uploads through the store run a tenth of them.
 */

const RUNS = fuzzRuns();
const STORE_RUNS = fuzzRuns(0.1);
const TIMEOUT = fuzzTimeout(RUNS, 2);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
/** The first bytes of every format the checks know, executables included. */
const SIGNATURES: number[][] = [
  ascii('%PDF-1.7\n'),
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  [0xff, 0xd8, 0xff, 0xe0],
  ascii('GIF89a'),
  [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBP')],
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
  [0, 0, 0, 0x18, ...ascii('ftypmp42')],
  [...ascii('ID3'), 3],
  [0xff, 0xfb],
  [0x7f, 0x45, 0x4c, 0x46],
  ascii('MZ'),
  [0xcf, 0xfa, 0xed, 0xfe],
  ascii('#!/bin/sh\n'),
  [0xef, 0xbb, 0xbf],
];

/** Bytes that start with a known signature (or part of one), or none, then anything. */
const content = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.tuple(fc.constantFrom(...SIGNATURES), fc.nat({ max: 12 }), fc.uint8Array({ maxLength: 200 })).map(([signature, cut, rest]) => Uint8Array.from([...signature.slice(0, signature.length - (cut % 3 === 0 ? cut % signature.length : 0)), ...rest])),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => new TextEncoder().encode(text)),
);

const declaredType = fc.oneof(
  fc.constantFrom(...EVIDENCE_TYPES),
  fc.constantFrom('', ' ', 'application/x-msdownload', 'text/html', 'image/svg+xml', 'APPLICATION/PDF', 'application/pdf; charset=binary', 'application/pdf;', ';', 'constructor', '__proto__', 'toString'),
  fc.string({ maxLength: 40 }),
);

const fileName = fc.oneof(
  fc.constantFrom('invoice.pdf', '../../etc/passwd', '..', '.', '/', '\\', 'a/b\\c.txt', ' ', 'C:\\scans\\x.png', 'x\0.pdf', 'name\r\n.txt', '\u202egpj.exe', 'a'.repeat(255), 'a'.repeat(256), '\ud800.txt'),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.integer({ min: 200, max: 100_000 }).map((n) => 'x'.repeat(n)),
);

describe('evidence checks under hostile input', () => {
  it(
    'a file name is cleaned to a name without folders or control characters, or refused with Invalid',
    async () => {
      await fc.assert(
        fc.asyncProperty(fileName, async (raw) => {
          const result = await parsesOrRefuses(() => checkFileName(raw), 1000);
          if (!result.ok) return;
          expect(result.value).not.toMatch(/[\\/]/);
          // eslint-disable-next-line no-control-regex
          expect(result.value).not.toMatch(/[\u0000-\u001f\u007f]/);
          expect(result.value.length).toBeGreaterThan(0);
          expect(result.value.length).toBeLessThanOrEqual(255);
          expect(['.', '..']).not.toContain(result.value);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'declared types and bytes are accepted only when they agree, never an executable; otherwise Invalid',
    async () => {
      await fc.assert(
        fc.asyncProperty(declaredType, content, fc.boolean(), async (declared, bytes, everyType) => {
          const allowed = everyType ? EVIDENCE_TYPES : ['application/pdf', 'text/plain'];
          const detected = await withinBudget(1000, () => detectContentType(bytes));
          expect(typeof detected === 'string' && detected !== '').toBe(true);
          const result = await parsesOrRefuses(() => checkEvidenceContent(declared, bytes, allowed), 1000);
          if (!result.ok) return;
          expect(allowed).toContain(declared);
          expect(detected).not.toMatch(/^application\/x-|^text\/x-/);
          if (!['text/plain', 'text/csv', 'application/json', 'message/rfc822'].includes(declared)) expect(bytes.byteLength).toBeGreaterThan(0);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'an annotation anchor of any JSON shape is checked or refused with Invalid',
    async () => {
      const anchor = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record({ page: fc.oneof(fc.integer(), fc.double(), fc.string()), x: fc.oneof(fc.double(), fc.string()), text: fc.oneof(fc.string({ maxLength: 3000 }), fc.integer()) }, { requiredKeys: [] }),
        fc.constantFrom({ __proto__: { page: 1 } }, Object.fromEntries([['__proto__', 1]]), { constructor: 1 }),
      );
      await fc.assert(
        fc.asyncProperty(anchor, async (raw) => {
          const result = await parsesOrRefuses(() => checkAnchor(raw), 1000);
          if (result.ok && result.value !== null) for (const key of Object.keys(result.value)) expect(['page', 'x', 'y', 'width', 'height', 'text']).toContain(key);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe.each(dialects())('hostile uploads through the store on %s', (dialect) => {
  let store: Store;
  let ana: Ctx;
  let caseId: string;
  const config = { ...defaultConfig(), evidence: { ...defaultConfig().evidence, maxBytes: 512 } };
  const count = async () => {
    const n = async (table: 'evidence_blobs' | 'evidence_files' | 'evidence_custody' | 'case_events') =>
      Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    return [await n('evidence_blobs'), await n('evidence_files'), await n('evidence_custody'), await n('case_events')];
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const id = randomUUID();
    const actor: Actor = { userId: id, sessionId: null, organisation: 'unit-1', roles: ['analyst'], compartments: [] };
    await store.db.insertInto('organisations').values({ id: 'unit-1', name: 'Unit 1' }).execute();
    await store.db.insertInto('users').values({ id, username: 'ana', display_name: 'Ana Lindqvist', organisation: 'unit-1', roles: ['analyst'], compartments: [], password_hash: null }).execute();
    caseId = (await createCase(testContext(store, { actor }), { title: 'Harbour payments', purpose: 'fraud-audit' })).id;
    ana = testContext(store, { actor, config, purpose: { caseId, code: 'fraud-audit', justification: 'invoice review' } });
  });
  afterAll(async () => {
    await store.close();
  });

  it(
    'an upload is stored, or refused with the project\'s own error and nothing stored',
    async () => {
      const description = fc.oneof(fc.constant(undefined), fc.string({ unit: 'binary', maxLength: 50 }), fc.integer({ min: 1990, max: 2010 }).map((n) => 'd'.repeat(n)));
      const targetCase = fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('C-2026-9999', '', 'x', "' or 1=1 --") });
      const big = fc.integer({ min: 500, max: 600 }).map((n) => new Uint8Array(n).fill(0x41));
      await fc.assert(
        fc.asyncProperty(fileName, declaredType, fc.oneof(content, big), description, targetCase, async (name, type, bytes, text, otherCase) => {
          const before = await count();
          try {
            await withinBudget(5000, () => uploadEvidence(ana, { caseId: otherCase ?? caseId, fileName: name, contentType: type, content: bytes, ...(text === undefined ? {} : { description: text }) }));
          } catch (error) {
            if (!isCaseGraphError(error)) throw error;
            expect(error.message.trim()).not.toBe('');
            expect(await count()).toEqual(before);
          }
        }),
        { numRuns: STORE_RUNS },
      );
    },
    fuzzTimeout(STORE_RUNS, 50),
  );
});
