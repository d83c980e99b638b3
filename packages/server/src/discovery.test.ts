import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, generateCheckpointKey, generateDemo, loadDemo, type Store } from '@casegraph/core';
import { dialects, openTestStore, testContext } from '@casegraph/core/testing';
import { buildApp } from './build-app.js';
import { PURPOSE_HEADERS, SESSION_COOKIE } from './plugins/route-policy.js';
import { openSession } from './test-support/sessions.js';

/**
 * The investigator's path through the demo data, over HTTP as the web app walks it: from an alias
 * and a distinguishing mark noted in free text, to the person, then their associates, vehicles,
 * addresses and earlier cases. What to expect comes from the demo generator's own files and
 * ground truth, never from the code under test.
 */

interface Subject {
  case_ref: string;
  subject_no: string;
  role: string;
  full_name: string;
  alias?: string;
  date_of_birth?: string;
  description?: string;
  address?: string;
}
interface Node {
  id: string;
  schema: string;
  caption: string;
  ids: string[];
}
interface Edge {
  id: string;
  source: string;
  target: string;
  type: string;
}
interface Subgraph {
  nodes: Node[];
  edges: Edge[];
  more: { notShown: number; byType: Record<string, number> };
}

/** Rows of a CSV file with a header line, as objects by column. */
function csvRows(text: string): Array<Record<string, string>> {
  return parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true });
}

const MOTIF = /tattoo of an? ([a-z ]+?) on the/;

describe.each(dialects())('discovery over the demo data on %s', (dialect) => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let caseId: string;
  let analyst: Record<string, string>;
  let supervisor: Record<string, string>;
  let target: Subject;
  let plates: string[];
  let coParties: string[];
  let callPartners: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casegraph-discovery-'));
    await generateDemo({ entities: 3000, seed: 'discovery', outDir: dir });
    store = await openTestStore(dialect);
    const loaded = await loadDemo(testContext(store), { dir });
    caseId = loaded.caseId;
    app = await buildApp({ store, config: defaultConfig(), keys: { signing: generateCheckpointKey('casegraph-discovery'), termsKey: randomBytes(32).toString('base64') } });
    await app.ready();
    const userId = async (username: string) => (await store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
    const headers = async (username: string) => ({
      cookie: `${SESSION_COOKIE}=${await openSession(store, await userId(username))}`,
      [PURPOSE_HEADERS.caseId]: caseId,
      [PURPOSE_HEADERS.code]: 'criminal-investigation',
      [PURPOSE_HEADERS.justification]: encodeURIComponent('suspect described by a witness: alias and tattoo'),
    });
    analyst = await headers('analyst');
    supervisor = await headers('supervisor');

    // The demo's ground truth: which records are the same person.
    const truth = csvRows(await readFile(join(dir, 'ground-truth.csv'), 'utf8'));
    const personOf = new Map(truth.map((r) => [`${r.source}|${r.record_id}`, r.entity_id]));
    const recordsOf = (person: string) => truth.filter((r) => r.entity_id === person);
    const subjects = (await readFile(join(dir, 'prior-cases', 'case-subjects.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Subject);
    const vehicles = csvRows(await readFile(join(dir, 'vehicle-registry', 'vehicles.csv'), 'utf8'));
    // A suspect of an earlier case with an alias and a tattoo, who also keeps a vehicle.
    const found = subjects.find((s) => {
      if (!s.alias || !MOTIF.test(s.description ?? '')) return false;
      const person = personOf.get(`prior-cases|${s.case_ref}|${s.subject_no}`);
      return person !== undefined && recordsOf(person).some((r) => r.source === 'vehicle-registry');
    });
    if (found === undefined) throw new Error('the demo generator made no suspect with an alias, a tattoo and a vehicle');
    target = found;
    const person = personOf.get(`prior-cases|${target.case_ref}|${target.subject_no}`) ?? '';
    const keeperRefs = new Set(recordsOf(person).filter((r) => r.source === 'vehicle-registry').map((r) => r.record_id));
    plates = vehicles.filter((v) => keeperRefs.has(v.keeper_ref ?? '')).map((v) => v.registration_mark ?? '');
    // Numbers the person's phones called or were called from, in E.164 as the calls file writes them.
    const subscribers = csvRows(await readFile(join(dir, 'phone-subscribers', 'subscribers.csv'), 'utf8'));
    const calls = csvRows(await readFile(join(dir, 'phone-subscribers', 'calls.csv'), 'utf8'));
    const digits = (phone: string) => phone.replace(/\D/g, '').replace(/^0/, '44');
    const subscriberRefs = new Set(recordsOf(person).filter((r) => r.source === 'phone-subscribers').map((r) => r.record_id));
    const own = new Set(subscribers.filter((s) => subscriberRefs.has(s.subscriber_ref ?? '')).map((s) => digits(s.msisdn ?? '')));
    callPartners = [
      ...new Set(
        calls.flatMap((c) => {
          const [from, to] = [digits(c.caller_msisdn ?? ''), digits(c.receiver_msisdn ?? '')];
          return own.has(from) ? [to] : own.has(to) ? [from] : [];
        }),
      ),
    ];
    coParties = subjects.filter((s) => s.case_ref === target.case_ref && s.subject_no !== target.subject_no).map((s) => s.full_name);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the person from an alias and a tattoo, then their vehicles, addresses, associates and earlier cases', async () => {
    // The earlier case records hold witness and informant identities: a supervisor unlocks them for the case.
    const asked = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/unlocks`, headers: analyst, payload: { categories: ['witness-identity', 'informant-identity'], reason: 'the suspect appears in earlier case records', hours: 4 } });
    expect(asked.statusCode, asked.body).toBe(201);
    const decided = await app.inject({ method: 'POST', url: `/api/unlocks/${asked.json<{ id: string }>().id}/decision`, headers: supervisor, payload: { approve: true } });
    expect(decided.statusCode, decided.body).toBeLessThan(300);
    // Resolution joins the records of one person across sources.
    const resolved = await app.inject({ method: 'POST', url: '/api/resolve', headers: supervisor, payload: {} });
    expect(resolved.statusCode, resolved.body).toBe(200);

    // 1. The alias and the tattoo's motif, as a witness would give them.
    const motif = MOTIF.exec(target.description ?? '')?.[1] ?? '';
    const search = await app.inject({ method: 'GET', url: `/api/search?q=${encodeURIComponent(`${target.alias} ${motif}`)}`, headers: analyst });
    expect(search.statusCode, search.body).toBe(200);
    const [top] = search.json<{ results: Array<{ id: string; caption: string; matches: Array<{ property: string; value: string }> }> }>().results;
    expect(top?.matches.some((m) => m.property === 'description' && m.value.includes(motif))).toBe(true);
    const profile = await app.inject({ method: 'GET', url: `/api/entities/${encodeURIComponent(top?.id ?? '')}`, headers: analyst });
    expect(profile.statusCode, profile.body).toBe(200);
    const person = profile.json<{ properties: Record<string, Array<{ value: string; source: string }>> }>();
    expect(person.properties.alias?.map((v) => v.value)).toContain(target.alias);
    // Resolution joined the earlier case record to the vehicle register's keeper.
    expect(new Set(Object.values(person.properties).flat().map((v) => v.source))).toContain('vehicle-registry');
    const personId = top?.id ?? '';

    // 2. Their connections, one hop out.
    const expanded = await app.inject({ method: 'GET', url: `/api/graph/expand?id=${encodeURIComponent(personId)}&direction=both&limit=200`, headers: analyst });
    expect(expanded.statusCode, expanded.body).toBe(200);
    const around = expanded.json<Subgraph & { node: Node }>();
    // The graph shows the person under their cluster's id: the record the search found is one of its records.
    expect(around.node.ids).toContain(personId);
    const personNode = around.node.id;
    const neighbours = around.nodes.filter((n) => n.id !== personNode);
    // Vehicles they keep (from the vehicle register, joined to the person by resolution).
    const vehicleCaptions = neighbours.filter((n) => n.schema === 'Vehicle').map((n) => n.caption);
    for (const plate of plates) expect(vehicleCaptions).toContain(plate);
    // Earlier cases they were a party to.
    const courtCases = neighbours.filter((n) => n.schema === 'CourtCase');
    expect(courtCases.some((c) => c.caption.includes(target.case_ref))).toBe(true);
    // Addresses they were recorded at.
    const addresses = neighbours.filter((n) => n.schema === 'Address');
    expect(addresses.length).toBeGreaterThan(0);

    // 3. Associates: the other parties of the earlier case, one hop further.
    const earlier = courtCases.find((c) => c.caption.includes(target.case_ref));
    const parties = await app.inject({ method: 'GET', url: `/api/graph/expand?id=${encodeURIComponent(earlier?.id ?? '')}&direction=both&limit=200`, headers: analyst });
    expect(parties.statusCode, parties.body).toBe(200);
    const associates = parties.json<Subgraph>().nodes.filter((n) => n.schema === 'Person' && n.id !== personNode);
    expect(associates.length).toBeGreaterThan(0);
    // Each is one of the case's other parties as the earlier case records name them (their node may go by another record's name).
    const partyRecords = await store.db.selectFrom('statements').select('entity_id').where('source_id', '=', 'prior-cases').where('property', '=', 'name').where('value', 'in', coParties).execute();
    const partyIds = new Set(partyRecords.map((r) => r.entity_id));
    for (const associate of associates) expect(associate.ids.some((id) => partyIds.has(id)), associate.caption).toBe(true);

    // Associates by phone: the numbers the person's phones called or were called from.
    const phones = neighbours.filter((n) => n.schema === 'Phone');
    expect(phones.length).toBeGreaterThan(0);
    const reached = new Set<string>();
    for (const phone of phones) {
      const called = await app.inject({ method: 'GET', url: `/api/graph/expand?id=${encodeURIComponent(phone.id)}&types=Call&limit=200`, headers: analyst });
      expect(called.statusCode, called.body).toBe(200);
      for (const n of called.json<Subgraph>().nodes) if (n.id !== phone.id) reached.add(n.id.replace(/\D/g, ''));
    }
    expect(callPartners.length).toBeGreaterThan(0);
    expect([...reached].sort()).toEqual([...callPartners].sort());

    // 5. Earlier cases of this unit: a closed inquiry that had the same person as a subject.
    const earlierHeaders = (id: string) => ({ ...supervisor, [PURPOSE_HEADERS.caseId]: id });
    const opened = await app.inject({ method: 'POST', url: '/api/cases', headers: supervisor, payload: { title: 'Warehouse break-ins, spring', purpose: 'criminal-investigation' } });
    expect(opened.statusCode, opened.body).toBe(201);
    const earlierCase = opened.json<{ id: string }>().id;
    const theirs = await app.inject({ method: 'POST', url: `/api/cases/${earlierCase}/subjects`, headers: earlierHeaders(earlierCase), payload: { entityId: personNode, category: 'suspect' } });
    expect(theirs.statusCode, theirs.body).toBe(201);
    const closed = await app.inject({ method: 'POST', url: `/api/cases/${earlierCase}/status`, headers: earlierHeaders(earlierCase), payload: { status: 'closed', disposition: 'charged' } });
    expect(closed.statusCode, closed.body).toBe(200);
    // The analyst makes the person a subject of their case: the overlap is found, the other case masked.
    const ours = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/subjects`, headers: analyst, payload: { entityId: personNode, category: 'suspect' } });
    expect(ours.statusCode, ours.body).toBe(201);
    expect(ours.json<{ overlaps: number }>().overlaps).toBe(1);
    const masked = await app.inject({ method: 'GET', url: `/api/cases/${caseId}/overlaps`, headers: analyst });
    expect(masked.statusCode, masked.body).toBe(200);
    expect(masked.body).not.toContain('Warehouse break-ins');
    expect(masked.body).not.toContain(earlierCase);
    const [overlap] = masked.json<{ overlaps: Array<{ id: string; other: { masked: boolean; contact: { username: string } } }> }>().overlaps;
    expect(overlap?.other).toMatchObject({ masked: true, contact: { username: 'supervisor' } });
    // Its owner agrees to share: the earlier case shows, closed, with its title.
    const shared = await app.inject({ method: 'POST', url: `/api/overlaps/${overlap?.id ?? ''}/decision`, headers: earlierHeaders(earlierCase), payload: { share: true, reason: 'same suspect; call me before interviewing', caseId: earlierCase } });
    expect(shared.statusCode, shared.body).toBe(200);
    const open = await app.inject({ method: 'GET', url: `/api/cases/${caseId}/overlaps`, headers: analyst });
    expect(open.json<{ overlaps: Array<{ other: { masked: boolean; title?: string; status?: string } }> }>().overlaps[0]?.other).toMatchObject({ masked: false, title: 'Warehouse break-ins, spring', status: 'closed' });

    // 4. A path from the person to a vehicle is one hop; to an associate, two.
    const associate = parties.json<Subgraph>().nodes.find((n) => n.schema === 'Person' && n.id !== personNode);
    const path = await app.inject({ method: 'GET', url: `/api/graph/paths?from=${encodeURIComponent(personNode)}&to=${encodeURIComponent(associate?.id ?? '')}`, headers: analyst });
    expect(path.statusCode, path.body).toBe(200);
    expect(path.json<{ paths: Array<{ nodes: unknown[] }> }>().paths[0]?.nodes.length).toBe(3);
  }, 300_000);
});
