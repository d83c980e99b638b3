import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import {
  ConnectorCache,
  createCase,
  createSqlConnector,
  judgePair,
  saveLinkChart,
  parseMapping,
  type ConnectorSet,
  type SqlClient,
  createContext,
  defaultConfig,
  generateCheckpointKey,
  hashToken,
  LOCAL_OPERATOR,
  registerSource,
  requestUnlock,
  uploadEvidence,
  writeEntities,
  type Role,
  type Store,
} from '@casegraph/core';
import { dialects, openTestStore } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';
import { injectStreaming } from './test-support/inject-streaming.js';

/**
 * Every guarded route × role (or none) × compartments × case ownership × purpose stated or not.
 * The expected answer of each cell comes from the access rules written out below, independently
 * of the code that enforces them; a cell that is allowed but should not be is an unexpected allow.
 */

type RoleOrNone = Role | 'anonymous';
const ROLES: RoleOrNone[] = ['anonymous', 'analyst', 'supervisor', 'oversight', 'administrator'];
const MARKING = 'LE-ONLY';

interface Caller {
  role: RoleOrNone;
  marked: boolean;
  owner: boolean;
  purpose: boolean;
  userId: string | null;
}

interface Cell {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  url: string;
  body?: unknown;
  /** A body sent as is, with its content type (multipart uploads). */
  raw?: { body: Buffer; contentType: string };
  /** A streaming answer (Server-Sent Events): when allowed, only its status and headers are read, then it is ended. */
  stream?: boolean;
  /** The purpose the caller states when the matrix says it states one (by default the case's). */
  purpose?: { code: string; caseId: string | null };
  /** What the rules say: may this caller do this? */
  expected: boolean;
}

const ENTITY_PLAIN = 'entity-plain';

/** Injects a request whose allowed answer never ends: status and headers, then the stream is ended; a refusal is read whole. */
const IMPORT_MAPPING = `
people:
  queries:
    - entities:
        person:
          schema: Person
          keys: [id]
          properties:
            name: { column: name }
`;
const ENTITY_MARKED = 'entity-marked';
const CONNECTOR_MAPPING = `
people:
  queries:
    - tables: [people]
      entities:
        person:
          schema: Person
          keys: [id]
          properties:
            name: { column: name }
`;

/** Two live connectors over one external database: one for the open registry, one for the marked source. */
async function matrixConnectors(): Promise<ConnectorSet & { plainId: string }> {
  const external = new PGlite();
  await external.exec(
    "create table people (id text primary key, name text); insert into people values ('P1', 'Mira Novak');" +
      "create table restricted_people (id text primary key, name text); insert into restricted_people values ('P2', 'Tomas Berg');",
  );
  const client: SqlClient = { query: (text, params) => external.query(text, params) };
  const make = (id: string, source: string) => ({
    connector: createSqlConnector(
      { kind: 'sql', id, source, mapping: 'people.yml', url: null, timeoutMs: 5000, cacheSeconds: 3600 },
      parseMapping(source === 'restricted' ? CONNECTOR_MAPPING.replace('[people]', '[restricted_people]') : CONNECTOR_MAPPING, { fileName: 'people.yml' }),
      client,
    ),
    timeoutMs: 5000,
    cacheSeconds: 0,
  });
  const connectors = [make('open-live', 'open-registry'), make('restricted-live', 'restricted')];
  const [plain] = await (connectors[0] as (typeof connectors)[number]).connector.search({ kind: 'name', value: 'Mira Novak' }, { signal: new AbortController().signal, now: () => new Date() });
  if (plain === undefined) throw new Error('the matrix connector found nothing');
  return { connectors, cache: new ConnectorCache(), close: () => external.close(), plainId: plain.id };
}

describe.each(dialects())('authorization matrix on %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;
  let caseId: string;
  const users = new Map<string, string>();
  let tokenOwner = '';
  let requester = '';
  let connectors: Awaited<ReturnType<typeof matrixConnectors>>;

  const key = (role: RoleOrNone, marked: boolean, owner: boolean) => `${role}-${marked ? 'm' : 'u'}-${owner ? 'o' : 'n'}`;

  async function insertUser(username: string, roles: Role[], compartments: string[]): Promise<string> {
    const id = randomUUID();
    await store.db.insertInto('users').values({ id, username, display_name: username, organisation: 'unit-2', roles, compartments, password_hash: null }).execute();
    return id;
  }

  const sessionFor = (userId: string) => openSession(store, userId);

  async function jobFor(userId: string): Promise<string> {
    const id = randomUUID();
    await store.db
      .insertInto('import_jobs')
      .values({ id, source_id: 'open-registry', fingerprint: id, description: 'matrix', status: 'done', started_by: userId, started_at: new Date(), progress: '{}' })
      .execute();
    return id;
  }

  let matrixEvidence: string | undefined;
  /** One evidence file on the matrix case, uploaded once by the operator. */
  async function evidenceOnCase(): Promise<string> {
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig(), purpose: { caseId, code: 'fraud-audit', justification: 'matrix fixture' } });
    matrixEvidence ??= (await uploadEvidence(operator, { caseId, fileName: 'exhibit.txt', contentType: 'text/plain', content: new TextEncoder().encode('matrix exhibit') })).id;
    return matrixEvidence;
  }

  /** A fresh case of unit-1 for a case-work cell (the caller on its team as owner when the matrix says so), with these subjects. */
  async function caseWorkCase(c: Caller, subjects: string[] = []): Promise<string> {
    const operator = createContext({ db: store.db, actor: { ...LOCAL_OPERATOR, organisation: 'unit-1' }, config: defaultConfig() });
    const id = (await createCase(operator, { title: 'Matrix case work', purpose: 'fraud-audit' })).id;
    const now = new Date();
    if (c.owner && c.userId !== null) await store.db.insertInto('case_members').values({ case_id: id, user_id: c.userId, role: 'owner', added_at: now, added_by: 'local-operator' }).execute();
    for (const entityId of subjects) await store.db.insertInto('case_subjects').values({ case_id: id, entity_id: entityId, category: 'suspect', added_by: 'local-operator', added_at: now }).execute();
    return id;
  }

  async function tokenFor(userId: string): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    await store.db
      .insertInto('sessions')
      .values({ id, token_hash: hashToken(randomUUID()), kind: 'token', user_id: userId, name: 'matrix', created_at: now, last_used_at: now, expires_at: null })
      .execute();
    return id;
  }

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
    await store.db.insertInto('organisations').values([{ id: 'unit-1', name: 'Unit 1' }, { id: 'unit-2', name: 'Unit 2' }]).execute();
    caseId = (await createCase({ ...operator, actor: { ...LOCAL_OPERATOR, organisation: 'unit-1' } }, { title: 'Harbour payments', purpose: 'fraud-audit' })).id;
    await registerSource(operator, { id: 'open-registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'restricted', name: 'Restricted intelligence', legalBasis: 'Order 7', purposes: ['fraud-audit'], markings: [MARKING] });
    await writeEntities({ ...operator, purpose: { caseId, code: 'fraud-audit', justification: 'matrix fixture' } }, { sourceId: 'open-registry', entities: [{ id: ENTITY_PLAIN, schema: 'Person', properties: { name: ['Mira Novak'] }, origin: 'R1' }] });
    await writeEntities({ ...operator, purpose: { caseId, code: 'fraud-audit', justification: 'matrix fixture' } }, { sourceId: 'restricted', entities: [{ id: ENTITY_MARKED, schema: 'Person', properties: { name: ['Tomas Berg'] }, origin: 'X1' }] });
    for (const role of ROLES) {
      if (role === 'anonymous') continue;
      for (const marked of [false, true]) {
        for (const owner of [false, true]) {
          const id = await insertUser(key(role, marked, owner), [role], marked ? [MARKING] : []);
          users.set(key(role, marked, owner), id);
          if (owner) await store.db.insertInto('case_members').values({ case_id: caseId, user_id: id, role: 'owner', added_at: new Date(), added_by: 'local-operator' }).execute();
        }
      }
    }
    for (let i = 0; i < 400; i++) await insertUser(`target-${i}`, ['analyst'], []);
    tokenOwner = await insertUser('token-owner', ['analyst'], []);
    requester = await insertUser('requester', ['analyst'], []);
    await store.db.insertInto('case_members').values({ case_id: caseId, user_id: requester, role: 'member', added_at: new Date(), added_by: 'local-operator' }).execute();
    connectors = await matrixConnectors();
    app = await buildApp({ store, config: defaultConfig(), connectors, keys: { signing: generateCheckpointKey('casegraph-matrix'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await connectors.close();
    await store.close();
  });

  it('finds no unexpected allow (nor unexpected denial) in any cell', async () => {
    let target = 0;
    const specs: Record<string, (c: Caller) => Promise<Cell[]>> = {
      // Anyone signed in, and nobody else.
      'GET /api/auth/me': async (c) => [{ method: 'GET', url: '/api/auth/me', expected: c.userId !== null }],
      'POST /api/auth/sign-out': async (c) => [{ method: 'POST', url: '/api/auth/sign-out', expected: c.userId !== null }],
      'POST /api/auth/tokens': async (c) => [{ method: 'POST', url: '/api/auth/tokens', body: { name: 'matrix script' }, expected: c.userId !== null }],
      'DELETE /api/auth/tokens/:id': async (c) => {
        const own = c.userId === null ? randomUUID() : await tokenFor(c.userId);
        const someoneElses = await tokenFor(tokenOwner);
        return [
          { method: 'DELETE', url: `/api/auth/tokens/${own}`, expected: c.userId !== null },
          // Only an administrator may revoke another user's token.
          { method: 'DELETE', url: `/api/auth/tokens/${someoneElses}`, expected: c.role === 'administrator' },
        ];
      },
      'POST /api/cases': async (c) => [{ method: 'POST', url: '/api/cases', body: { title: 'New lead' }, expected: ['analyst', 'supervisor', 'administrator'].includes(c.role) }],
      'GET /api/cases/:id': async (c) => [
        // Case owners see the case; nobody else (the case is another organisation's).
        { method: 'GET', url: `/api/cases/${caseId}`, expected: c.role !== 'anonymous' && c.owner },
      ],
      'POST /api/cases/:id/members': async (c) => [
        {
          method: 'POST',
          url: `/api/cases/${caseId}/members`,
          body: { username: `target-${target++}` },
          expected: ['analyst', 'supervisor', 'administrator'].includes(c.role) && c.owner,
        },
      ],
      'GET /api/entities/:id': async (c) => {
        const reader = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        return [
          { method: 'GET', url: `/api/entities/${ENTITY_PLAIN}`, expected: reader },
          // A statement's markings must all be held.
          { method: 'GET', url: `/api/entities/${ENTITY_MARKED}`, expected: reader && c.marked },
        ];
      },
      'GET /api/cases/:id/unlocks': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/unlocks`, expected: c.role !== 'anonymous' && c.owner }],
      'POST /api/cases/:id/unlocks': async (c) => [
        {
          method: 'POST',
          url: `/api/cases/${caseId}/unlocks`,
          body: { categories: ['minors'], reason: 'the victim named in the report is sixteen', hours: 4 },
          expected: ['analyst', 'supervisor'].includes(c.role) && c.owner,
        },
      ],
      'POST /api/unlocks/:id/decision': async (c) => {
        const asked = await requestUnlock(
          createContext({ db: store.db, actor: { userId: requester, sessionId: null, organisation: 'unit-2', roles: ['analyst'], compartments: [] }, config: defaultConfig() }),
          { caseId, categories: ['minors'], reason: 'the victim named in the report is sixteen', hours: 4 },
        );
        // A supervisor who can see the case, and did not ask.
        return [{ method: 'POST', url: `/api/unlocks/${asked.id}/decision`, body: { approve: true }, expected: c.role === 'supervisor' && c.owner }];
      },
      ...Object.fromEntries(
        ['lookups?subject=entity-plain', 'disclosures?subject=entity-plain', 'activity?username=requester', 'review-queue'].map((path) => [
          `GET /api/oversight/${path.split('?')[0] ?? ''}`,
          async (c: Caller): Promise<Cell[]> => [
            // Oversight reports: the oversight role, under the oversight purpose.
            { method: 'GET', url: `/api/oversight/${path}`, purpose: { code: 'oversight', caseId: null }, expected: c.role === 'oversight' && c.purpose },
            { method: 'GET', url: `/api/oversight/${path}`, expected: false },
          ],
        ]),
      ),
      'POST /api/oversight/review-queue/sign-off': async (c) => [
        {
          method: 'POST',
          url: '/api/oversight/review-queue/sign-off',
          body: { anomalyId: `volume-spike:${randomUUID()}`, note: 'reviewed with the duty officer' },
          purpose: { code: 'oversight', caseId: null },
          expected: c.role === 'oversight' && c.purpose,
        },
      ],
      'GET /api/oversight/audit-status': async (c) => [{ method: 'GET', url: '/api/oversight/audit-status', expected: ['oversight', 'administrator'].includes(c.role) }],
      'POST /api/imports': async (c) => {
        const form = new FormData();
        form.set('source', 'open-registry');
        form.set('mapping', new Blob([IMPORT_MAPPING]), 'people.yml');
        form.set('data', new Blob([`id,name\nX${randomUUID()},Matrix Person\n`]), 'people.csv');
        const encoded = new Response(form);
        return [
          {
            method: 'POST',
            url: '/api/imports',
            raw: { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? '' },
            expected: ['administrator', 'analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner,
          },
        ];
      },
      'GET /api/imports/:id': async (c) => {
        const own = c.userId === null ? randomUUID() : await jobFor(c.userId);
        const others = await jobFor(tokenOwner);
        const importer = ['administrator', 'analyst', 'supervisor'].includes(c.role);
        return [
          { method: 'GET', url: `/api/imports/${own}`, expected: importer },
          // Another user's import is visible to administrators only.
          { method: 'GET', url: `/api/imports/${others}`, expected: c.role === 'administrator' },
        ];
      },
      // Nothing runs in this matrix's process, so a cancel has nothing to stop: never a 2xx.
      'DELETE /api/imports/:id': async (c) => [{ method: 'DELETE', url: `/api/imports/${c.userId === null ? randomUUID() : await jobFor(c.userId)}`, expected: false }],
      'GET /api/sources': async (c) => [{ method: 'GET', url: '/api/sources', expected: c.userId !== null }],
      'POST /api/sources': async (c) => [
        {
          method: 'POST',
          url: '/api/sources',
          body: { id: `src-${randomUUID().slice(0, 8)}`, name: 'Matrix source', legalBasis: 'Order 9', purposes: ['fraud-audit'] },
          expected: c.role === 'administrator',
        },
      ],
      'GET /api/search': async (c) => [{ method: 'GET', url: '/api/search?q=Mira%20Novak', expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      'POST /api/yente/match/:dataset': async (c) => [
        { method: 'POST', url: '/api/yente/match/default', body: { queries: { q1: { schema: 'Person', properties: { name: ['Mira Novak'] } } } }, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner },
      ],
      'GET /api/yente/search/:dataset': async (c) => [{ method: 'GET', url: '/api/yente/search/default?q=Mira%20Novak', expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      'GET /api/yente/entities/:id': async (c) => {
        const reader = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        return [
          { method: 'GET', url: `/api/yente/entities/${ENTITY_PLAIN}`, expected: reader },
          { method: 'GET', url: `/api/yente/entities/${ENTITY_MARKED}`, expected: reader && c.marked },
        ];
      },
      'GET /api/review/pairs': async (c) => [{ method: 'GET', url: '/api/review/pairs', expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      'POST /api/review/judgments': async (c) => {
        const reader = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        return [
          // Both records must be visible: the marked one only with its marking.
          { method: 'POST', url: '/api/review/judgments', body: { a: ENTITY_PLAIN, b: ENTITY_MARKED, verdict: 'unsure', reason: 'matrix: same street' }, expected: reader && c.marked },
        ];
      },
      'POST /api/review/judgments/:id/undo': async (c) => {
        const operator = createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig(), purpose: { caseId, code: 'fraud-audit', justification: 'matrix fixture' } });
        const made = await judgePair(operator, { a: ENTITY_PLAIN, b: ENTITY_MARKED, verdict: 'unsure', reason: 'matrix fixture' });
        return [{ method: 'POST', url: `/api/review/judgments/${made.id}/undo`, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner && c.marked }];
      },
      'POST /api/resolve': async (c) => [{ method: 'POST', url: '/api/resolve', body: {}, expected: ['supervisor', 'administrator'].includes(c.role) && c.purpose && c.owner }],
      'GET /api/connectors': async (c) => [{ method: 'GET', url: '/api/connectors', expected: ['analyst', 'supervisor'].includes(c.role) }],
      'POST /api/connectors/search': async (c) => {
        const reader = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        return [
          { method: 'POST', url: '/api/connectors/search', body: { kind: 'name', value: 'Novak' }, expected: reader },
          // A connector whose source's markings the caller lacks answers as one that does not exist.
          { method: 'POST', url: '/api/connectors/search', body: { kind: 'name', value: 'Berg', connectors: ['restricted-live'] }, expected: reader && c.marked },
        ];
      },
      'GET /api/connectors/:connector/entities/:id': async (c) => {
        const reader = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        return [
          { method: 'GET', url: `/api/connectors/open-live/entities/${connectors.plainId}`, expected: reader },
          { method: 'GET', url: `/api/connectors/restricted-live/entities/${connectors.plainId}`, expected: false },
          { method: 'GET', url: `/api/connectors/open-live/entities/${randomUUID()}`, expected: false },
        ];
      },
      'POST /api/retention/apply': async (c) => [{ method: 'POST', url: '/api/retention/apply', expected: c.role === 'administrator' }],
      'POST /api/users/:username/release': async (c) => [{ method: 'POST', url: '/api/users/target-399/release', expected: c.role === 'administrator' }],
      'POST /api/users/:username/disable': async (c) => [{ method: 'POST', url: '/api/users/target-398/disable', expected: c.role === 'administrator' }],
      'POST /api/users/:username/enable': async (c) => [{ method: 'POST', url: '/api/users/target-398/enable', expected: c.role === 'administrator' }],
      // Rows: case work.
      // Case work. Team changes take a team role (analyst, supervisor, administrator) and the case's owner; other changes and reads
      // of case metadata any owner (the owners here are on the team as 'owner'); subjects, notes and overlaps are personal data:
      // an entity reader (analyst, supervisor) on the team, under a stated purpose, and a marked entity needs its marking.
      'GET /api/case-templates': async (c) => [{ method: 'GET', url: '/api/case-templates', expected: c.userId !== null }],
      'GET /api/cases': async (c) => [{ method: 'GET', url: '/api/cases?status=open', expected: c.userId !== null }],
      'POST /api/cases/:id/status': async (c) => [
        { method: 'POST', url: `/api/cases/${await caseWorkCase(c)}/status`, body: { status: 'active' }, expected: c.userId !== null && c.owner },
        // Closing is for the owner (or a supervisor of the case's organisation, which no matrix caller is).
        { method: 'POST', url: `/api/cases/${await caseWorkCase(c)}/status`, body: { status: 'closed', disposition: 'referred' }, expected: c.userId !== null && c.owner },
      ],
      'PATCH /api/cases/:id/members/:userId': async (c) => {
        const id = await caseWorkCase(c);
        await store.db.insertInto('case_members').values({ case_id: id, user_id: tokenOwner, role: 'investigator', added_at: new Date(), added_by: 'local-operator' }).execute();
        return [{ method: 'PATCH', url: `/api/cases/${id}/members/${tokenOwner}`, body: { role: 'observer' }, expected: ['analyst', 'supervisor', 'administrator'].includes(c.role) && c.owner }];
      },
      'DELETE /api/cases/:id/members/:userId': async (c) => {
        const id = await caseWorkCase(c);
        await store.db.insertInto('case_members').values({ case_id: id, user_id: tokenOwner, role: 'investigator', added_at: new Date(), added_by: 'local-operator' }).execute();
        return [{ method: 'DELETE', url: `/api/cases/${id}/members/${tokenOwner}`, expected: ['analyst', 'supervisor', 'administrator'].includes(c.role) && c.owner }];
      },
      'GET /api/cases/:id/subjects': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/subjects`, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      'POST /api/cases/:id/subjects': async (c) => {
        const reader = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        const plain = await caseWorkCase(c);
        const marked = await caseWorkCase(c);
        return [
          { method: 'POST', url: `/api/cases/${plain}/subjects`, body: { entityId: ENTITY_PLAIN, category: 'suspect' }, purpose: { code: 'fraud-audit', caseId: plain }, expected: reader },
          // An entity the caller may not see answers as unknown.
          { method: 'POST', url: `/api/cases/${marked}/subjects`, body: { entityId: ENTITY_MARKED, category: 'suspect' }, purpose: { code: 'fraud-audit', caseId: marked }, expected: reader && c.marked },
        ];
      },
      'PATCH /api/cases/:id/subjects/:entityId': async (c) => {
        const id = await caseWorkCase(c, [ENTITY_PLAIN]);
        return [{ method: 'PATCH', url: `/api/cases/${id}/subjects/${ENTITY_PLAIN}`, body: { category: 'witness' }, purpose: { code: 'fraud-audit', caseId: id }, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }];
      },
      'DELETE /api/cases/:id/subjects/:entityId': async (c) => {
        const id = await caseWorkCase(c, [ENTITY_PLAIN]);
        return [{ method: 'DELETE', url: `/api/cases/${id}/subjects/${ENTITY_PLAIN}`, purpose: { code: 'fraud-audit', caseId: id }, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }];
      },
      'GET /api/cases/:id/overlaps': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/overlaps`, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      'POST /api/overlaps/:id/decision': async (c) => {
        // The caller's case (owned when the matrix says so) overlaps with a case of someone else's.
        const ours = await caseWorkCase(c, [ENTITY_PLAIN]);
        const theirs = await caseWorkCase({ ...c, owner: false }, [ENTITY_PLAIN]);
        const overlapId = randomUUID();
        await store.db
          .insertInto('case_overlaps')
          .values({ id: overlapId, case_a: ours < theirs ? ours : theirs, case_b: ours < theirs ? theirs : ours, entity_id: ENTITY_PLAIN, entity_a: ENTITY_PLAIN, entity_b: ENTITY_PLAIN, detected_at: new Date() })
          .execute();
        return [
          {
            method: 'POST',
            url: `/api/overlaps/${overlapId}/decision`,
            body: { share: true, reason: 'matrix: joint interview' },
            purpose: { code: 'fraud-audit', caseId: ours },
            expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner,
          },
        ];
      },
      'GET /api/notifications': async (c) => [{ method: 'GET', url: '/api/notifications', expected: c.userId !== null }],
      'POST /api/notifications/:id/read': async (c) => {
        const note = async (userId: string) => {
          const id = randomUUID();
          await store.db.insertInto('notifications').values({ id, user_id: userId, kind: 'overlap', case_id: caseId, ref_id: null, message: 'matrix', created_at: new Date() }).execute();
          return id;
        };
        return [
          { method: 'POST', url: `/api/notifications/${c.userId === null ? randomUUID() : await note(c.userId)}/read`, expected: c.userId !== null },
          // Someone else's notification answers as missing, whoever asks.
          { method: 'POST', url: `/api/notifications/${await note(tokenOwner)}/read`, expected: false },
        ];
      },
      'GET /api/cases/:id/tasks': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/tasks`, expected: c.userId !== null && c.owner }],
      'POST /api/cases/:id/tasks': async (c) => [{ method: 'POST', url: `/api/cases/${caseId}/tasks`, body: { title: 'Matrix task', dueDate: '2026-04-01' }, expected: c.userId !== null && c.owner }],
      'PATCH /api/cases/:id/tasks/:taskId': async (c) => {
        const taskId = randomUUID();
        const now = new Date();
        await store.db.insertInto('case_tasks').values({ id: taskId, case_id: caseId, title: 'Matrix task', status: 'open', created_by: 'local-operator', created_at: now, updated_at: now }).execute();
        return [{ method: 'PATCH', url: `/api/cases/${caseId}/tasks/${taskId}`, body: { status: 'in-progress' }, expected: c.userId !== null && c.owner }];
      },
      'GET /api/tasks/overdue': async (c) => [{ method: 'GET', url: '/api/tasks/overdue?mine=true', expected: c.userId !== null }],
      'GET /api/cases/:id/notes': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/notes`, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      'POST /api/cases/:id/notes': async (c) => {
        const reader = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        return [
          { method: 'POST', url: `/api/cases/${caseId}/notes`, body: { body: `Spoke to [the registrant](entity:${ENTITY_PLAIN}).` }, expected: reader },
          // A note may point only at what the caller may see.
          { method: 'POST', url: `/api/cases/${caseId}/notes`, body: { body: `Cross-check [the lead](entity:${ENTITY_MARKED}).` }, expected: reader && c.marked },
        ];
      },
      'GET /api/cases/:id/links': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/links`, expected: c.userId !== null && c.owner }],
      'POST /api/cases/:id/links': async (c) => [
        { method: 'POST', url: `/api/cases/${await caseWorkCase(c)}/links`, body: { linkedCaseId: await caseWorkCase(c), relation: 'related' }, expected: c.userId !== null && c.owner },
      ],
      'DELETE /api/cases/:id/links/:otherId': async (c) => {
        const from = await caseWorkCase(c);
        const to = await caseWorkCase(c);
        await store.db.insertInto('case_links').values({ case_id: from, linked_case_id: to, relation: 'related', created_by: 'local-operator', created_at: new Date() }).execute();
        return [{ method: 'DELETE', url: `/api/cases/${from}/links/${to}`, expected: c.userId !== null && c.owner }];
      },
      // Rows: evidence.
      // Evidence and timelines: an entity reader on the case's team, under a stated purpose.
      'POST /api/cases/:id/evidence': async (c) => {
        const form = new FormData();
        form.set('file', new Blob([`exhibit ${randomUUID()}`], { type: 'text/plain' }), 'exhibit.txt');
        const encoded = new Response(form);
        return [
          {
            method: 'POST',
            url: `/api/cases/${caseId}/evidence`,
            raw: { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? '' },
            expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner,
          },
        ];
      },
      'GET /api/cases/:id/evidence': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/evidence`, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      'GET /api/evidence/:id': async (c) => [
        { method: 'GET', url: `/api/evidence/${await evidenceOnCase()}`, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner },
        { method: 'GET', url: `/api/evidence/${randomUUID()}`, expected: false },
      ],
      'GET /api/evidence/:id/content': async (c) => [{ method: 'GET', url: `/api/evidence/${await evidenceOnCase()}/content`, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      'POST /api/evidence/:id/transfer': async (c) => [
        { method: 'POST', url: `/api/evidence/${await evidenceOnCase()}/transfer`, body: { recipient: 'Forensic laboratory', reason: 'matrix: ink analysis' }, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner },
      ],
      'POST /api/evidence/:id/annotations': async (c) => [
        { method: 'POST', url: `/api/evidence/${await evidenceOnCase()}/annotations`, body: { body: 'matrix: signature differs', anchor: { page: 1 } }, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner },
      ],
      'GET /api/entities/:id/timeline': async (c) => {
        const reader = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        return [
          { method: 'GET', url: `/api/entities/${ENTITY_PLAIN}/timeline`, expected: reader },
          // A statement's markings must all be held: the marked record is unknown without them.
          { method: 'GET', url: `/api/entities/${ENTITY_MARKED}/timeline`, expected: reader && c.marked },
        ];
      },
      'GET /api/cases/:id/timeline': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/timeline`, expected: ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner }],
      // Rows: graph.
      ...(() => {
        // The graph is read as entities are: analysts and supervisors, under a purpose, in a case they work on; a marked entity needs its marking.
        const reader = (c: Caller) => ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        const chartFor = async () =>
          (await saveLinkChart(createContext({ db: store.db, actor: LOCAL_OPERATOR, config: defaultConfig(), purpose: { caseId, code: 'fraud-audit', justification: 'matrix fixture' } }), { caseId, name: 'Matrix chart', chart: { nodes: [{ id: ENTITY_PLAIN, x: 0, y: 0 }], edges: [] } })).id;
        const chart = { nodes: [{ id: ENTITY_PLAIN, x: 1, y: 2 }], edges: [] };
        const rowsOfGraph: Record<string, (c: Caller) => Promise<Cell[]>> = {
          'GET /api/graph/expand': async (c) => [
            { method: 'GET', url: `/api/graph/expand?id=${ENTITY_PLAIN}`, expected: reader(c) },
            { method: 'GET', url: `/api/graph/expand?id=${ENTITY_MARKED}`, expected: reader(c) && c.marked },
          ],
          'GET /api/graph/paths': async (c) => [{ method: 'GET', url: `/api/graph/paths?from=${ENTITY_PLAIN}&to=${ENTITY_MARKED}`, expected: reader(c) && c.marked }],
          'POST /api/graph/neighbourhood': async (c) => [
            { method: 'POST', url: '/api/graph/neighbourhood', body: { ids: [ENTITY_PLAIN], hops: 1 }, expected: reader(c) },
            { method: 'POST', url: '/api/graph/neighbourhood', body: { ids: [ENTITY_MARKED], hops: 1 }, expected: reader(c) && c.marked },
          ],
          'POST /api/graph/measures': async (c) => [{ method: 'POST', url: '/api/graph/measures', body: { ids: [ENTITY_MARKED], hops: 2 }, expected: reader(c) && c.marked }],
          // An export is a disclosure: the same readers, naming a recipient.
          'POST /api/graph/export': async (c) => [
            { method: 'POST', url: '/api/graph/export', body: { ids: [ENTITY_PLAIN], hops: 1, format: 'gexf', recipient: 'Matrix prosecutor', reason: 'matrix bundle' }, expected: reader(c) },
          ],
          // Charts: reading needs case.read, saving case.update: the owners here.
          'GET /api/cases/:id/charts': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/charts`, expected: reader(c) }],
          'POST /api/cases/:id/charts': async (c) => [{ method: 'POST', url: `/api/cases/${caseId}/charts`, body: { name: 'Matrix chart', chart }, expected: reader(c) }],
          'GET /api/cases/:id/charts/:chartId': async (c) => [{ method: 'GET', url: `/api/cases/${caseId}/charts/${await chartFor()}`, expected: reader(c) }],
          'PUT /api/cases/:id/charts/:chartId': async (c) => [{ method: 'PUT', url: `/api/cases/${caseId}/charts/${await chartFor()}`, body: { name: 'Matrix chart, moved', chart }, expected: reader(c) }],
        };
        return rowsOfGraph;
      })(),
      // Rows: live updates.
      // Ids of what changed, never content: anyone signed in may listen, with or without a purpose.
      'GET /api/live': async (c) => [{ method: 'GET', url: '/api/live', stream: true, expected: c.userId !== null }],
      // Rows: case file.
      'POST /api/cases/:id/export': async (c) => {
        // A disclosure of personal data: an entity reader on the case's team (or a supervisor of its
        // organisation, which no matrix caller is), under a stated purpose; never without a recipient.
        const discloser = ['analyst', 'supervisor'].includes(c.role) && c.purpose && c.owner;
        return [
          { method: 'POST', url: `/api/cases/${caseId}/export`, body: { format: 'pdf', recipient: 'Matrix prosecutor' }, expected: discloser },
          { method: 'POST', url: `/api/cases/${caseId}/export`, body: { format: 'html', recipient: 'Matrix prosecutor' }, expected: discloser },
          { method: 'POST', url: `/api/cases/${caseId}/export`, body: { format: 'pdf', recipient: ' ' }, expected: false },
        ];
      },
    };

    const guarded = app.routeTable.filter((route) => route.policy.kind !== 'public' && route.method !== 'HEAD');
    const uncovered = guarded.map((route) => `${route.method} ${route.url}`).filter((name) => specs[name] === undefined);
    expect(uncovered, 'every guarded route needs a row in the matrix').toEqual([]);

    let cells = 0;
    const unexpectedAllows: string[] = [];
    const unexpectedDenials: string[] = [];
    for (const route of guarded) {
      const spec = specs[`${route.method} ${route.url}`];
      if (spec === undefined) continue;
      for (const role of ROLES) {
        for (const marked of [false, true]) {
          for (const owner of [false, true]) {
            for (const purpose of [false, true]) {
              const userId = role === 'anonymous' ? null : (users.get(key(role, marked, owner)) ?? null);
              const caller: Caller = { role, marked, owner, purpose, userId };
              for (const cell of await spec(caller)) {
                const headers: Record<string, string> = {};
                if (userId !== null) headers.cookie = `${SESSION_COOKIE}=${await sessionFor(userId)}`;
                if (purpose) {
                  const stated = cell.purpose ?? { code: 'fraud-audit', caseId };
                  if (stated.caseId !== null) headers[PURPOSE_HEADERS.caseId] = stated.caseId;
                  headers[PURPOSE_HEADERS.code] = stated.code;
                  headers[PURPOSE_HEADERS.justification] = encodeURIComponent('matrix: lead from the bank report');
                }
                if (cell.raw !== undefined) headers['content-type'] = cell.raw.contentType;
                const payload = cell.raw?.body ?? (cell.body as object | undefined);
                const request = { method: cell.method, url: cell.url, headers, ...(payload !== undefined ? { payload } : {}) };
                const response = cell.stream === true ? await injectStreaming(app, request) : await app.inject(request);
                cells++;
                const allowed = response.statusCode < 400;
                const label = `${cell.method} ${cell.url} as ${role}${marked ? '+' + MARKING : ''}${owner ? ' owner' : ''}${purpose ? ' with purpose' : ''}: ${response.statusCode}`;
                if (response.statusCode >= 500) throw new Error(`${label} ${response.body}`);
                if (allowed && !cell.expected) unexpectedAllows.push(label);
                if (!allowed && cell.expected) unexpectedDenials.push(`${label} ${response.body}`);
                // A refusal never shows the object: invisible things are answered like missing ones.
                if (!allowed) expect(response.body).not.toMatch(/Mira Novak|Tomas Berg|Harbour payments/);
              }
            }
          }
        }
      }
    }
    process.stdout.write(`authorization matrix (${dialect}): ${cells} cells, ${unexpectedAllows.length} unexpected allows, ${unexpectedDenials.length} unexpected denials\n`);
    expect(cells).toBeGreaterThanOrEqual(guarded.length * ROLES.length * 8);
    expect(unexpectedAllows).toEqual([]);
    expect(unexpectedDenials).toEqual([]);
  }, 300_000);

  it('a case the caller may not see answers exactly as a case that does not exist', async () => {
    const outsider = users.get(key('analyst', true, false)) ?? '';
    const headers = { cookie: `${SESSION_COOKIE}=${await sessionFor(outsider)}` };
    const hidden = await app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers });
    const missing = await app.inject({ method: 'GET', url: '/api/cases/C-2031-9999', headers });
    expect(hidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    const strip = (body: string) => JSON.parse(body.replaceAll(caseId, 'ID').replace('C-2031-9999', 'ID')) as Record<string, unknown>;
    expect({ ...strip(hidden.body), requestId: null }).toEqual({ ...strip(missing.body), requestId: null });
  });
});
