import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createContext, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, registerSource, uploadEvidence, writeEntities, type Role, type Store } from '@casegraph/core';
import { dialects, fuzzRouteRuns, fuzzTimeout, openTestStore, withinBudget } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';
import { injectStreaming } from './test-support/inject-streaming.js';

/**
 * Every operation of the OpenAPI document gets requests generated from its schema, valid-shaped
 * and hostile (wrong types, missing and extra fields, huge strings, odd unicode, path ids of every
 * shape, wrong content types, broken JSON, oversized bodies), from signed-in callers of several
 * roles with and without a stated purpose. No answer is a 5xx, no body shows a stack trace, SQL or
 * a file path, every 4xx has a message, nothing hangs, and a refused change leaves the store as it
 * was. CASEGRAPH_FUZZ_ROUTE_RUNS (or a tenth of CASEGRAPH_FUZZ_RUNS) sets the requests per route.
 */

const RUNS = fuzzRouteRuns();
/** CASEGRAPH_FUZZ_SEED replays a run: every route gets the same seed, so one route can be run again alone. */
const SEED = process.env.CASEGRAPH_FUZZ_SEED === undefined || process.env.CASEGRAPH_FUZZ_SEED === '' ? null : Number(process.env.CASEGRAPH_FUZZ_SEED);
if (SEED !== null && !Number.isInteger(SEED)) throw new Error(`CASEGRAPH_FUZZ_SEED must be a whole number, not "${process.env.CASEGRAPH_FUZZ_SEED}"`);
const BODY_LIMIT = 64 * 1024;
const REQUEST_BUDGET_MS = 15_000;

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: JsonSchema | null;
  multipart: boolean;
}

interface Generated {
  caller: string;
  purpose: 'none' | 'case' | 'other-case' | 'hostile';
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
}

/** Text that has broken parsers, queries and logs before. */
const HOSTILE_TEXT = [
  '',
  ' ',
  '\0',
  '%00',
  '..',
  '../../etc/passwd',
  '.',
  "' or '1'='1",
  "'; drop table cases; --",
  '"',
  '\\',
  '${{7*7}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u2066',
  '\ufeff',
  '\u0000\u0001\u001f\u007f',
  'ǅ𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷺ 𒐫',
  'A\u030a\u0301\u0302\u0303',
  'null',
  'true',
  '-1',
  '1e309',
  'NaN',
  '0x10',
  '9'.repeat(40),
  'C-2026-0001',
  'C-0000-0000',
  'C-9999-99999999999999999999',
  'value:phone:+447700900180',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((n) => 'x'.repeat(n)) },
);

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53 + 1, -0, 1e308, [], {}, [null], { __proto__: null }, JSON.parse('{"__proto__":{"polluted":true}}') as unknown),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 50, max: 3000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown),
);

/** Ids the fixture knows, and ids the fuzzer has seen in answers: requests that name them reach deeper than random ones. */
const knownIds: string[] = [];
function learnIds(value: unknown, depth = 0): void {
  if (depth > 4 || knownIds.length >= 300) return;
  if (Array.isArray(value)) for (const item of value.slice(0, 5)) learnIds(item, depth + 1);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && /id$/i.test(key) && item.length <= 200 && !knownIds.includes(item)) knownIds.push(item);
      else learnIds(item, depth + 1);
    }
  }
}
const knownId = fc.nat().map((i) => knownIds[i % Math.max(1, knownIds.length)] ?? 'none');

function patternString(pattern: string, schema: JsonSchema): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern)).filter((text) => text.length >= (schema.minLength ?? 0) && text.length <= (schema.maxLength ?? Infinity));
  } catch {
    return fc.string({ maxLength: 20 });
  }
}

/** Values that fit a schema (or nearly: patterns, lengths and ranges as the schema states them). */
function fromSchema(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((alt) => fromSchema(alt, depth + 1)));
  if (schema.allOf !== undefined) return fromSchema(Object.assign({}, ...schema.allOf) as JsonSchema, depth + 1);
  const types = schema.type === undefined ? (schema.properties !== undefined ? ['object'] : []) : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((type) => fromType(type, schema, depth)));
}

function fromType(type: string, schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string': {
      if (schema.pattern !== undefined) return fc.oneof({ weight: 4, arbitrary: patternString(schema.pattern, schema) }, { weight: 1, arbitrary: knownId });
      if (schema.format === 'date-time') return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'date') return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      const text = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 60) });
      return fc.oneof({ weight: 2, arbitrary: text }, { weight: 2, arbitrary: knownId }, { weight: 1, arbitrary: fc.constantFrom('fraud-audit', 'open-registry', 'Person', 'Company', 'Mira Novak', 'analyst', 'owner', 'pdf', 'html') });
    }
    case 'integer':
      return fc.integer({ min: Math.ceil(schema.minimum ?? schema.exclusiveMinimum ?? -1000), max: Math.floor(schema.maximum ?? schema.exclusiveMaximum ?? 100_000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      if (depth > 4) return fc.constant([]);
      return fc.array(fromSchema(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 6)) });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = schema.properties ?? {};
      const required = schema.required ?? [];
      const entries = Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, fromSchema(sub, depth + 1)]));
      return fc.record(entries, { requiredKeys: required.filter((name) => name in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A valid-shaped value, then broken the way clients break them: a wrong type, a missing or extra field, a huge or odd value. */
function nearSchema(schema: JsonSchema): fc.Arbitrary<unknown> {
  const valid = fromSchema(schema);
  const broken = fc.tuple(valid, fc.nat(), hostileJson, fc.constantFrom('replace', 'drop', 'extra', 'whole')).map(([value, pick, bad, how]) => {
    if (how === 'whole' || typeof value !== 'object' || value === null || Array.isArray(value)) return how === 'whole' ? bad : value;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(schema.properties ?? {});
    const key = keys.length > 0 ? (keys[pick % keys.length] as string) : 'extra';
    if (how === 'drop') delete copy[key];
    else if (how === 'extra') copy[`extra${pick % 5}`] = bad;
    else copy[key] = bad;
    return copy;
  });
  return fc.oneof({ weight: 2, arbitrary: valid }, { weight: 3, arbitrary: broken });
}

/** A path or query value: schema-shaped, a known id, or any hostile text. */
function parameterValue(parameter: Parameter): fc.Arbitrary<string> {
  const shaped = fromSchema(parameter.schema).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 2, arbitrary: knownId }, { weight: 2, arbitrary: hostileString });
}

/** Percent-encodes any text; a lone surrogate (which has no UTF-8 form) is sent as the bytes a careless client would send. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd')).replaceAll('%EF%BF%BD', '%ED%A0%80');
  }
}

/** Encodes a value for a URL, or now and then leaves it raw, so the router sees bad escapes and slashes too. */
const encoded = (value: string, raw: boolean) => (raw && /^[\x21-\x7e]*$/.test(value) ? value.replaceAll('#', '%23').replaceAll('?', '%3F') : encode(value));

function multipartBody(parts: Array<{ name: string; filename: string | null; type: string | null; content: Uint8Array }>, boundary: string, brokenEnd: boolean): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === null ? '' : `; filename="${part.filename}"`}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.type === null ? '' : `Content-Type: ${part.type}\r\n`}\r\n`, 'utf8'), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  if (!brokenEnd) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n%%EOF\n')]);
const IMPORT_MAPPING = 'people:\n  queries:\n    - entities:\n        person:\n          schema: Person\n          keys: [id]\n          properties:\n            name: { column: name }\n';

/** Multipart forms for the upload routes: the fields they expect, or others, with any content and broken framing. */
const multipart = fc
  .tuple(
    fc.array(
      fc.record({
        name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('file', 'description', 'source', 'mapping', 'data') }, { weight: 1, arbitrary: hostileString.map((s) => s.slice(0, 50)) }),
        filename: fc.oneof(fc.constant(null), fc.constantFrom('exhibit.pdf', 'people.csv', 'people.jsonl', 'people.json', 'people.ftm.json', 'mapping.yml', 'notes.txt', 'x.exe'), hostileString.map((s) => s.slice(0, 300).replaceAll('"', ''))),
        type: fc.oneof(fc.constant(null), fc.constantFrom('application/pdf', 'text/plain', 'text/csv', 'image/png', 'application/octet-stream', 'application/x-msdownload'), hostileString.map((s) => s.slice(0, 80).replace(/[\r\n]/g, ''))),
        content: fc.oneof(
          fc.constant(PDF as Uint8Array),
          fc.constant(Buffer.from(IMPORT_MAPPING) as Uint8Array),
          fc.constant(Buffer.from('open-registry') as Uint8Array),
          fc.constant(Buffer.from('id,name\nF1,Mira Novak\nF2,"broken\n') as Uint8Array),
          fc.constant(Buffer.from('{"id":"F3","name":"Ivo Marsh"}\n{broken\n') as Uint8Array),
          fc.uint8Array({ maxLength: 300 }),
          hostileString.map((s) => Buffer.from(s, 'utf8') as Uint8Array),
        ),
      }),
      { maxLength: 5 },
    ),
    fc.constantFrom('fuzzboundary', 'x', '----WebKitFormBoundary7MA4YWxkTrZu0gW'),
    fc.boolean(),
    fc.constantFrom('good', 'good', 'good', 'no-boundary', 'wrong-boundary'),
  )
  .map(([parts, boundary, brokenEnd, header]) => ({
    payload: multipartBody(parts, boundary, brokenEnd),
    contentType: header === 'good' ? `multipart/form-data; boundary=${boundary}` : header === 'no-boundary' ? 'multipart/form-data' : 'multipart/form-data; boundary=other',
  }));

/** Well-framed uploads with the expected fields, whose contents (file, mapping, data) are anything from valid to hostile. */
const wellFormedUpload = fc
  .tuple(
    fc.constantFrom('evidence', 'import'),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constant(PDF as Uint8Array) },
      fc.uint8Array({ maxLength: 300 }),
      hostileString.map((s) => Buffer.from(s, 'utf8') as Uint8Array),
      fc.array(fc.array(hostileString.map((s) => s.slice(0, 30)), { minLength: 2, maxLength: 2 }), { maxLength: 5 }).map((rows) => Buffer.from(`id,name\n${rows.map((r) => r.join(',')).join('\n')}\n`) as Uint8Array),
    ).map((content) => content ?? undefined),
    fc.constantFrom('exhibit.pdf', 'notes.txt', 'people.csv', 'people.jsonl', 'people.json', 'people.ftm.json', 'people.xlsx'),
    fc.constantFrom('application/pdf', 'text/plain', 'text/csv', 'image/png'),
    fc.oneof(fc.constant(IMPORT_MAPPING), fc.tuple(fc.nat(), hostileString).map(([at, piece]) => IMPORT_MAPPING.slice(0, at % IMPORT_MAPPING.length) + piece + IMPORT_MAPPING.slice(at % IMPORT_MAPPING.length))),
    fc.option(hostileString.map((s) => s.slice(0, 3000)), { nil: undefined }),
  )
  .map(([kind, given, givenName, givenType, mapping, description]) => {
    const text = (value: string) => Buffer.from(value, 'utf8') as Uint8Array;
    // Without hostile content, a file that is what it says it is, so uploads also get through.
    const [content, filename, type] =
      given !== undefined
        ? [given, givenName, givenType]
        : kind === 'evidence'
          ? [PDF as Uint8Array, 'exhibit.pdf', 'application/pdf']
          : [text('id,name\nF1,Mira Novak\nF2,Ivo Marsh\n'), 'people.csv', 'text/csv'];
    const parts =
      kind === 'evidence'
        ? [{ name: 'file', filename, type, content }, ...(description === undefined ? [] : [{ name: 'description', filename: null, type: null, content: text(description) }])]
        : [
            { name: 'source', filename: null, type: null, content: text('open-registry') },
            { name: 'mapping', filename: 'people.yml', type: 'application/yaml', content: text(mapping) },
            { name: 'data', filename, type, content },
          ];
    return { payload: multipartBody(parts, 'fuzzboundary', false), contentType: 'multipart/form-data; boundary=fuzzboundary' };
  });

const OVERSIZED = Buffer.from(`{"title":"${'x'.repeat(BODY_LIMIT + 10)}"}`);

/** The body of a request: JSON from the schema, broken JSON, another content type, an oversized body, or a form. */
function bodyFor(operation: Operation): fc.Arbitrary<{ payload: string | Buffer | undefined; contentType: string | null }> {
  const json = (schema: JsonSchema) => nearSchema(schema).map((value) => ({ payload: JSON.stringify(value) ?? 'null', contentType: 'application/json' }));
  const odd = fc.oneof(
    fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', 'nul', '\u0000', '', '{"__proto__":{"x":1}}', '{"a":"\\ud800"}').map((payload) => ({ payload, contentType: 'application/json' })),
    fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=latin1', 'application/JSON', 'multipart/form-data', ''), hostileString).map(([contentType, payload]) => ({ payload, contentType: contentType })),
    fc.constant({ payload: OVERSIZED, contentType: 'application/json' }),
    fc.constant({ payload: undefined, contentType: null }),
  );
  if (operation.multipart) return fc.oneof({ weight: 3, arbitrary: multipart }, { weight: 3, arbitrary: wellFormedUpload }, { weight: 1, arbitrary: odd });
  if (operation.body === null) return fc.oneof({ weight: 4, arbitrary: fc.constant({ payload: undefined, contentType: null }) }, { weight: 1, arbitrary: odd });
  return fc.oneof({ weight: 4, arbitrary: json(operation.body) }, { weight: 1, arbitrary: odd });
}

/** Reads the operations out of an OpenAPI document. */
function operationsOf(document: { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> }; summary?: string }>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const content = operation.requestBody?.content ?? {};
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: content['application/json']?.schema ?? null,
        // The upload routes read multipart streams themselves, so the document describes their fields in words.
        multipart: content['multipart/form-data'] !== undefined || /multipart/i.test(operation.summary ?? ''),
      });
    }
  }
  return operations;
}

/** Tables a refused request must leave as they were (the audit log and sign-in failures record refusals by design). */
const KEPT_TABLES = [
  'cases',
  'case_members',
  'case_subjects',
  'case_tasks',
  'case_notes',
  'case_links',
  'case_events',
  'case_overlaps',
  'notifications',
  'evidence_blobs',
  'evidence_files',
  'evidence_custody',
  'evidence_annotations',
  'link_charts',
  'statements',
  'sources',
  'judgments',
  'sensitive_unlocks',
  'import_jobs',
  'users',
  'anomaly_reviews',
] as const;

const STACK_TRACE = /\n\s+at .+:\d+:\d+|\bat (?:async )?[\w.<>]+ \(.+:\d+:\d+\)/;
const FILE_PATH = /(?:\/[\w.@-]+){2,}\.(?:ts|js|mjs|cjs)\b|node_modules/;
const SQL_TEXT = /\b(?:select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|syntax error at or near|violates (?:foreign key|unique|check|not-null) constraint|relation "\w+")/i;

describe.each(dialects())('route fuzzer on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let caseId: string;
  let otherCaseId: string;
  let operations: Operation[] = [];
  let fuzzed: Operation[] = [];
  const users = new Map<string, { id: string; roles: Role[]; compartments: string[] }>();
  const tokens = new Map<string, string>();

  /** Some routes disable users or lock them out (refused sign-ins count towards a lockout). */
  async function releaseUsers(): Promise<void> {
    await store.db.updateTable('users').set({ disabled: false, locked_at: null }).where('username', 'like', 'fuzz-%').execute();
  }

  async function openSessions(only?: string): Promise<void> {
    // Some routes end sessions, disable users or lock them out: every route starts from the same callers.
    await releaseUsers();
    for (const [name, user] of users) if (only === undefined || only === name) tokens.set(name, await openSession(store, user.id));
  }

  async function counts(): Promise<Record<string, number>> {
    const selects = KEPT_TABLES.map((table) => `(select count(*) from ${table}) as ${table}`).join(', ');
    const { rows } = await sql<Record<string, string>>`${sql.raw(`select ${selects}`)}`.execute(store.db);
    return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([table, n]) => [table, Number(n)]));
  }

  async function importsSettled(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const running = await store.db.selectFrom('import_jobs').select('id').where('status', '=', 'running').executeTakeFirst();
      if (running === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const stuck = await store.db.selectFrom('import_jobs').select(['description', 'progress', 'started_at']).where('status', '=', 'running').execute();
    throw new Error(`an import did not finish within 10 seconds: ${JSON.stringify(stuck)}`);
  }

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const config = defaultConfig();
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config });
    await store.db.insertInto('organisations').values([{ id: 'unit-1', name: 'Unit 1' }, { id: 'unit-2', name: 'Unit 2' }]).execute();
    const callers: Array<[string, Role[], string[]]> = [
      ['fuzz-analyst', ['analyst'], []],
      ['fuzz-outsider', ['analyst'], ['LE-ONLY']],
      ['fuzz-supervisor', ['supervisor'], []],
      ['fuzz-oversight', ['oversight'], []],
      ['fuzz-admin', ['administrator'], ['LE-ONLY']],
    ];
    for (const [username, roles, compartments] of callers) {
      const id = randomUUID();
      await store.db.insertInto('users').values({ id, username, display_name: username, organisation: username === 'fuzz-outsider' ? 'unit-2' : 'unit-1', roles, compartments, password_hash: null }).execute();
      users.set(username, { id, roles, compartments });
      knownIds.push(id, username);
    }
    const analyst = users.get('fuzz-analyst');
    const outsider = users.get('fuzz-outsider');
    if (analyst === undefined || outsider === undefined) throw new Error('fixture users missing');
    const actor = (user: { id: string; roles: Role[]; compartments: string[] }, organisation: string) => ({ userId: user.id, sessionId: null, organisation, roles: user.roles, compartments: user.compartments });
    caseId = (await createCase(createContext({ db: store.db, actor: actor(analyst, 'unit-1'), config }), { title: 'Harbour payments', purpose: 'fraud-audit' })).id;
    otherCaseId = (await createCase(createContext({ db: store.db, actor: actor(outsider, 'unit-2'), config }), { title: 'Fleet leasing', purpose: 'fraud-audit' })).id;
    await registerSource(operator, { id: 'open-registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    const purposeCtx = { ...operator, purpose: { caseId, code: 'fraud-audit', justification: 'fuzz fixture' } };
    await writeEntities(purposeCtx, {
      sourceId: 'open-registry',
      entities: [
        { id: 'fuzz-person', schema: 'Person', properties: { name: ['Mira Novak'], birthDate: ['1980-02-03'], phone: ['+447700900180'] }, origin: 'R1' },
        { id: 'fuzz-company', schema: 'Company', properties: { name: ['Harbour Holdings Ltd'] }, origin: 'R2' },
        { id: 'fuzz-directorship', schema: 'Directorship', properties: { director: ['fuzz-person'], organization: ['fuzz-company'] }, origin: 'R3' },
      ],
    });
    const evidence = await uploadEvidence({ ...purposeCtx, actor: actor(analyst, 'unit-1') }, { caseId, fileName: 'exhibit.pdf', contentType: 'application/pdf', content: PDF });
    knownIds.push(caseId, otherCaseId, 'fuzz-person', 'fuzz-company', 'fuzz-directorship', evidence.id, 'open-registry', 'fraud-audit');
    app = await buildApp({ store, config, bodyLimit: BODY_LIMIT, keys: { signing: generateCheckpointKey('casegraph-fuzz'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
    operations = operationsOf(app.swagger() as unknown as Parameters<typeof operationsOf>[0]).filter((op) => !op.path.startsWith('/api/docs'));
    // CASEGRAPH_FUZZ_ROUTE narrows a run to the routes whose "METHOD /path" holds it, to chase one finding.
    const only = process.env.CASEGRAPH_FUZZ_ROUTE;
    if (only !== undefined && only !== '') fuzzed = operations.filter((op) => `${op.method} ${op.path}`.includes(only));
    else fuzzed = operations;
    // CASEGRAPH_FUZZ_ROUTE_DONE names a file of routes already run ("METHOD /path" per line), which
    // are left out: a long run that was stopped resumes where it was.
    const doneFile = process.env.CASEGRAPH_FUZZ_ROUTE_DONE;
    if (doneFile !== undefined && doneFile !== '') {
      const done = new Set(readFileSync(doneFile, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== ''));
      fuzzed = fuzzed.filter((op) => !done.has(`${op.method} ${op.path}`));
    }
    // CASEGRAPH_FUZZ_ROUTE_GROUP=k/n keeps every n-th route from the k-th, so a full run can be
    // split over processes run one after another, each with a fresh store.
    const group = /^(\d+)\/(\d+)$/.exec(process.env.CASEGRAPH_FUZZ_ROUTE_GROUP ?? '');
    if (group !== null) {
      const [k, n] = [Number(group[1]), Number(group[2])];
      if (k < 1 || k > n) throw new Error(`CASEGRAPH_FUZZ_ROUTE_GROUP must be k/n with 1 <= k <= n, not ${process.env.CASEGRAPH_FUZZ_ROUTE_GROUP}`);
      fuzzed = fuzzed.filter((_, i) => i % n === k - 1);
    }
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('reads every operation of the OpenAPI document', () => {
    const routes = app.routeTable.filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/api/docs')).map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(operations.map((op) => `${op.method} ${op.path}`).sort()).toEqual([...new Set(routes)].sort());
    expect(operations.length).toBeGreaterThan(50);
  });

  function requestFor(operation: Operation): fc.Arbitrary<Generated> {
    const pathParams = operation.parameters.filter((p) => p.in === 'path');
    const queryParams = operation.parameters.filter((p) => p.in === 'query');
    const path = fc.tuple(...pathParams.map((p) => fc.tuple(fc.oneof({ weight: 3, arbitrary: p.name === 'id' && p.schema.pattern !== undefined ? fc.constantFrom(caseId, otherCaseId) : knownId }, { weight: 2, arbitrary: parameterValue(p) }), fc.boolean())));
    const query = fc.tuple(
      fc.tuple(...queryParams.map((p) => fc.option(fc.tuple(parameterValue(p), fc.boolean(), fc.boolean()), { nil: undefined, freq: p.required === true ? 8 : 2 }))),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryParams.map((p) => p.name), 'extra', '__proto__', 'constructor', ''), hostileString.map((s) => s.slice(0, 20))), hostileString), { maxLength: 2 }),
    );
    // The case owner stating the case's purpose gets furthest into a route, so they come up most.
    const caller = fc.oneof({ weight: 3, arbitrary: fc.constant('fuzz-analyst') }, { weight: 5, arbitrary: fc.constantFrom('anonymous', ...users.keys(), 'bad-token') });
    const purpose = fc.constantFrom<Generated['purpose'][]>('none', 'case', 'case', 'case', 'other-case', 'hostile');
    return fc.tuple(path, query, bodyFor(operation), caller, purpose, hostileString, fc.constantFrom('fraud-audit', 'fraud-audit', 'no-such-purpose')).map(([pathValues, [queryValues, extras], body, who, stated, junk, code]) => {
      let url = operation.path;
      pathParams.forEach((p, i) => {
        const [value, raw] = pathValues[i] ?? ['', false];
        url = url.replace(`{${p.name}}`, encoded(value, raw));
      });
      const pairs: string[] = [];
      queryParams.forEach((p, i) => {
        const entry = queryValues[i];
        if (entry === undefined) return;
        const [value, raw, twice] = entry;
        pairs.push(`${encodeURIComponent(p.name)}=${encoded(value, raw)}`);
        if (twice) pairs.push(`${encodeURIComponent(p.name)}=${encoded(value, raw)}`);
      });
      for (const [name, value] of extras) pairs.push(`${encode(name)}=${encode(value)}`);
      if (pairs.length > 0) url += `?${pairs.join('&')}`;
      const headers: Record<string, string> = {};
      if (who === 'bad-token') headers.authorization = `Bearer ${encode(junk).slice(0, 200) || 'x'}`;
      else if (who !== 'anonymous') headers.cookie = `${SESSION_COOKIE}=${who}`;
      if (stated !== 'none') {
        const statedCase = stated === 'case' ? caseId : stated === 'other-case' ? otherCaseId : junk;
        headers[PURPOSE_HEADERS.caseId] = encode(statedCase).slice(0, 2000);
        headers[PURPOSE_HEADERS.code] = stated === 'hostile' ? encode(junk).slice(0, 200) : code;
        headers[PURPOSE_HEADERS.justification] = stated === 'hostile' ? junk.replace(/[^\x20-\x7e]/g, '%').slice(0, 2000) : encodeURIComponent('fuzz: checking the bank report');
      }
      if (body.contentType !== null) headers['content-type'] = body.contentType;
      return { caller: who, purpose: stated, url, headers, payload: body.payload };
    });
  }

  // Answers that stream without end (Server-Sent Events) are read to their headers only.
  const STREAMING = new Set(['GET /api/live']);
  const RESETS = new Set(['POST /api/auth/sign-in', 'POST /api/auth/second-factor', 'POST /api/auth/sign-out', 'DELETE /api/auth/tokens/{id}', 'POST /api/users/{username}/disable', 'POST /api/users/{username}/release', 'POST /api/cases/{id}/members', 'PATCH /api/cases/{id}/members/{userId}', 'DELETE /api/cases/{id}/members/{userId}']);

  // The routes are the document's, read after the app is built; a failing route is reported with
  // its shrunk counterexample and the others still run.
  it(
    'answers every generated request to every route without a 5xx, a leak, a hang, or a change on refusal',
    async () => {
      const summary: string[] = [];
      const failures: string[] = [];
      for (const operation of fuzzed) {
        const name = `${operation.method} ${operation.path}`;
        await openSessions();
        await store.db.insertInto('case_members').values({ case_id: caseId, user_id: users.get('fuzz-analyst')?.id ?? '', role: 'owner', added_at: new Date(), added_by: 'local-operator' }).onConflict((oc) => oc.doNothing()).execute();
        const statuses = new Map<number, number>();
        const seed = SEED ?? Math.floor(Math.random() * 2 ** 31);
        const timing = { started: performance.now(), inject: 0, counts: 0, settle: 0 };
        const timed = async <T>(part: 'inject' | 'counts' | 'settle', work: () => Promise<T>): Promise<T> => {
          const at = performance.now();
          try {
            return await work();
          } finally {
            timing[part] += performance.now() - at;
          }
        };
        let stored: Record<string, number> | null = null;
        const run = fc.assert(
          fc.asyncProperty(requestFor(operation), async (request) => {
            const headers = { ...request.headers };
            if (headers.cookie !== undefined) headers.cookie = `${SESSION_COOKIE}=${tokens.get(request.caller) ?? 'none'}`;
            // The counts after one refusal are the counts before the next request: one count per request.
            const mutating = operation.method !== 'GET';
            const before = mutating ? (stored ??= await timed('counts', counts)) : null;
            const response = await timed('inject', () =>
              withinBudget(REQUEST_BUDGET_MS, () =>
                (STREAMING.has(name) ? injectStreaming : (on: typeof app, options: InjectOptions) => on.inject(options))(app, {
                  method: operation.method,
                  url: request.url,
                  headers,
                  ...(request.payload === undefined ? {} : { payload: request.payload }),
                }),
              ),
            );
            statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
            const label = `${operation.method} ${request.url.slice(0, 300)} as ${request.caller} (purpose ${request.purpose}): ${response.statusCode} ${response.body.slice(0, 500)}`;
            expect(response.body, label).not.toMatch(STACK_TRACE);
            expect(response.body, label).not.toMatch(FILE_PATH);
            if (response.statusCode >= 500) expect(response.body, label).not.toMatch(SQL_TEXT);
            expect(response.statusCode, label).toBeLessThan(500);
            if (response.statusCode >= 400) {
              const body = JSON.parse(response.body) as { message?: unknown };
              expect(typeof body.message === 'string' && body.message.trim() !== '', label).toBe(true);
              if (before !== null) {
                stored = await timed('counts', counts);
                expect(stored, label).toEqual(before);
              }
            } else {
              stored = null;
              if (response.headers['content-type']?.toString().startsWith('application/json')) learnIds(JSON.parse(response.body));
              if (operation.path === '/api/imports') await timed('settle', importsSettled);
            }
            // A refused request ended no session; signing out ends only the caller's own.
            if (RESETS.has(name)) {
              if (response.statusCode < 400) await openSessions(name === 'POST /api/auth/sign-out' ? request.caller : undefined);
              else await releaseUsers();
            }
          }),
          { numRuns: RUNS, seed },
        );
        await run.catch((error: unknown) => {
          const cause = (error as Error & { cause?: unknown }).cause;
          failures.push(`${name}: ${cause instanceof Error ? cause.message.slice(0, 3000) : ''}\n${(error as Error).message.slice(0, 3000)}`);
        });
        const seconds = (ms: number) => (ms / 1000).toFixed(1);
        const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
        summary.push(
          `${name} (seed ${seed}): ${total} requests in ${seconds(performance.now() - timing.started)} s (answering ${seconds(timing.inject)} s, counting rows ${seconds(timing.counts)} s, waiting for imports ${seconds(timing.settle)} s): ${[...statuses]
            .sort(([a], [b]) => a - b)
            .map(([status, n]) => `${status}×${n}`)
            .join(' ')}`,
        );
        // Progress as each route ends, so a long run shows how far it got.
        if (RUNS >= 1000) process.stdout.write(`route fuzzer (${dialect}) ${summary.length}/${fuzzed.length} ${summary.at(-1) ?? ''}\n`);
      }
      process.stdout.write(`route fuzzer (${dialect}): ${fuzzed.length} routes × ${RUNS} requests\n${summary.join('\n')}\n`);
      expect(failures).toEqual([]);
    },
    fuzzTimeout(RUNS * 90, 40),
  );

  it('a 5xx answer, were one to happen, would be caught by the leak checks', () => {
    expect('Error: boom\n    at handler (/srv/app/packages/server/src/x.ts:12:5)').toMatch(STACK_TRACE);
    expect('at /srv/app/node_modules/pg/lib/client.js').toMatch(FILE_PATH);
    expect('syntax error at or near "from"').toMatch(SQL_TEXT);
    expect('select id from cases where').toMatch(SQL_TEXT);
  });
});
