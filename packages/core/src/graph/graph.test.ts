import { randomUUID } from 'node:crypto';
import { MultiGraph } from 'graphology';
import { parse as parseGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../context/context.js';
import { writeEntities, type SourcedEntity } from '../entities/write-entities.js';
import { Invalid, NotFound } from '../errors.js';
import { judgePair } from '../resolution/judgments.js';
import { registerSource } from '../sources/register-source.js';
import type { Store } from '../store/index.js';
import { markedTeam } from '../test-support/marked-team.js';
import { dialects, openTestStore, testContext } from '../test-support/test-store.js';
import { computeMeasures, expandNode, exportGraph, findPaths, getLinkChart, graphMeasures, graphNeighbourhood, listLinkCharts, saveLinkChart, type Subgraph } from './index.js';

const MARKING = 'LE-ONLY';

// Synthetic people, companies and links; every name is made up.
const REGISTRY: SourcedEntity[] = [
  { id: 'p-anna', schema: 'Person', origin: 'R1', properties: { name: ['Anna Kovacic'], birthDate: ['1971-04-02'], addressEntity: ['a-1'] } },
  { id: 'p-bela', schema: 'Person', origin: 'R2', properties: { name: ['Bela Ostrander'] } },
  { id: 'c-north', schema: 'Company', origin: 'R3', properties: { name: ['Northgate Shipping Ltd'] } },
  { id: 'c-quay', schema: 'Company', origin: 'R4', properties: { name: ['Quayside Holdings'] } },
  { id: 'a-1', schema: 'Address', origin: 'R5', properties: { full: ['12 Harbour Row, Portcastle'] } },
  { id: 'v-1', schema: 'Vehicle', origin: 'R6', properties: { name: ['Grey van'], registrationNumber: ['PX-1123'], owner: ['p-anna'] } },
  { id: 'own-1', schema: 'Ownership', origin: 'R7', properties: { owner: ['p-anna'], asset: ['c-north'], percentage: ['60'], startDate: ['2019-05-01'] } },
  { id: 'dir-1', schema: 'Directorship', origin: 'R8', properties: { director: ['p-bela'], organization: ['c-north'], role: ['managing director'] } },
  { id: 'pay-1', schema: 'Payment', origin: 'R9', properties: { payer: ['c-north'], beneficiary: ['c-quay'], amount: ['5000'], date: ['2024-01-02'] } },
  { id: 'pay-2', schema: 'Payment', origin: 'R10', properties: { payer: ['c-north'], beneficiary: ['c-quay'], amount: ['700'], date: ['2024-02-11'] } },
  { id: 'call-1', schema: 'Call', origin: 'R11', properties: { caller: ['p-anna'], receiver: ['p-bela'], date: ['2024-03-05'] } },
  { id: 'ev-1', schema: 'Event', origin: 'R12', properties: { name: ['Harbour meeting'], involved: ['p-anna', 'p-bela'] } },
  // A chain of seven links: k-0 to k-6 is six hops, k-0 to k-7 seven.
  ...Array.from({ length: 8 }, (_, i) => ({ id: `k-${i}`, schema: 'Person', origin: `K${i}`, properties: { name: [`Chain Person ${i}`] } })),
  ...Array.from({ length: 7 }, (_, i) => ({ id: `kl-${i}`, schema: 'UnknownLink', origin: `KL${i}`, properties: { subject: [`k-${i}`], object: [`k-${i + 1}`] } })),
];
// Another record of the same woman, in the bank's data, with a payment of its own.
const BANK: SourcedEntity[] = [
  { id: 'p-anna-bank', schema: 'Person', origin: 'B1', properties: { name: ['Anna Kovacic'], birthDate: ['1971-04-02'] } },
  { id: 'pay-3', schema: 'Payment', origin: 'B2', properties: { payer: ['p-anna-bank'], beneficiary: ['c-quay'], amount: ['12500'], date: ['2024-04-30'] } },
];
// Only callers holding the marking may see these.
const RESTRICTED: SourcedEntity[] = [
  { id: 'p-secret', schema: 'Person', origin: 'X1', properties: { name: ['Hidden Informant Doe'] } },
  { id: 'own-secret', schema: 'Ownership', origin: 'X2', properties: { owner: ['p-secret'], asset: ['c-north'] } },
  { id: 'own-r2', schema: 'Ownership', origin: 'X3', properties: { owner: ['p-anna'], asset: ['c-quay'] } },
  { id: 'fam-1', schema: 'Family', origin: 'X4', properties: { person: ['p-anna'], relative: ['p-secret'], relationship: ['cousin'] } },
];

describe.each(dialects())('the link graph, on %s', (dialect) => {
  let store: Store;
  let caseId: string;
  let analyst: Ctx;
  let marked: Ctx;
  let statementsBefore: number;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const operator = testContext(store);
    ({ caseId, plain: analyst, marked } = await markedTeam(store, { marking: MARKING, title: 'Harbour ring', justification: 'mapping the harbour ring' }));
    const purpose = { caseId, code: 'fraud-audit', justification: 'mapping the harbour ring' };
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Public register', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'bank', name: 'Bank report', legalBasis: 'Order 4', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'restricted', name: 'Restricted intelligence', legalBasis: 'Order 7', purposes: ['fraud-audit'], markings: [MARKING] });
    const writer = testContext(store, { purpose });
    await writeEntities(writer, { sourceId: 'registry', entities: REGISTRY });
    await writeEntities(writer, { sourceId: 'bank', entities: BANK });
    await writeEntities(writer, { sourceId: 'restricted', entities: RESTRICTED });
    await judgePair(analyst, { a: 'p-anna', b: 'p-anna-bank', verdict: 'positive', reason: 'same name, birth date and address' });
    statementsBefore = Number((await store.db.selectFrom('statements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  });
  afterAll(async () => {
    await store.close();
  });

  it('expands a resolved node with the edges of both its records, a page at a time, with "N more" by type', async () => {
    const page = await expandNode(analyst, { id: 'p-anna-bank', limit: 2 });
    const anna = page.node.id;
    expect(['p-anna', 'p-anna-bank']).toContain(anna);
    expect(page.node.ids).toEqual(['p-anna', 'p-anna-bank']);
    expect(page.total).toBe(6);
    // Ordered by type: the relationship schemata first, then the properties.
    expect(page.edges.map((e) => e.type)).toEqual(['Ownership', 'Payment']);
    expect(page.more).toEqual({ notShown: 4, byType: { addressEntity: 1, caller: 1, involved: 1, owner: 1 }, nodesNotShown: 4 });
    const payment = page.edges.find((e) => e.type === 'Payment');
    expect(payment).toMatchObject({ id: 'pay-3', source: anna, target: 'c-quay', label: 'paid', directed: true, properties: { amount: ['12500'], date: ['2024-04-30'] } });
    expect(page.edges.find((e) => e.type === 'Ownership')).toMatchObject({ id: 'own-1', source: anna, target: 'c-north', properties: { percentage: ['60'], startDate: ['2019-05-01'] } });
    const next = await expandNode(analyst, { id: 'p-anna', limit: 2, offset: 2 });
    expect(next.edges.map((e) => e.type)).toEqual(['addressEntity', 'caller']);
    expect(next.more).toMatchObject({ notShown: 2, byType: { involved: 1, owner: 1 } });
    const all = await expandNode(analyst, { id: 'p-anna' });
    expect(all.more.notShown).toBe(0);
    expect(all.nodes.map((n) => n.id).sort()).toEqual([anna, 'a-1', 'c-north', 'c-quay', 'call-1', 'ev-1', 'v-1'].sort());
    expect(all.edges.find((e) => e.type === 'owner')).toMatchObject({ source: 'v-1', target: anna, label: 'Owner' });
  });

  it('filters an expansion by direction and by edge type', async () => {
    const out = await expandNode(analyst, { id: 'p-anna', direction: 'out' });
    expect(out.edges.map((e) => e.type).sort()).toEqual(['Ownership', 'Payment', 'addressEntity']);
    expect(out.edges.every((e) => e.source === out.node.id)).toBe(true);
    const incoming = await expandNode(analyst, { id: 'p-anna', direction: 'in' });
    expect(incoming.edges.map((e) => e.type).sort()).toEqual(['caller', 'involved', 'owner']);
    expect(incoming.edges.every((e) => e.target === incoming.node.id)).toBe(true);
    const typed = await expandNode(analyst, { id: 'c-north', types: ['Payment', 'Directorship'] });
    expect(typed.edges.map((e) => e.id).sort()).toEqual(['dir-1', 'pay-1', 'pay-2']);
    expect(typed.total).toBe(3);
    await expect(expandNode(analyst, { id: 'c-north', types: ['Friendship'] })).rejects.toThrow(/unknown edge type "Friendship"/);
  });

  it('finds the shortest paths first, up to six hops, and none beyond', async () => {
    const short = await findPaths(analyst, { from: 'p-anna', to: 'c-quay' });
    expect(short.hops).toBe(1);
    expect(short.paths).toHaveLength(1);
    expect(short.paths[0]?.edges.map((e) => e.id)).toEqual(['pay-3']);
    const viaCompany = await findPaths(analyst, { from: 'p-bela', to: 'c-quay', limit: 5 });
    expect(viaCompany.hops).toBe(2);
    expect(viaCompany.paths.map((p) => p.edges.map((e) => e.id).join(' ')).sort()).toEqual(['dir-1 pay-1', 'dir-1 pay-2']);
    expect(viaCompany.paths[0]?.nodes.map((n) => n.id)).toEqual(['p-bela', 'c-north', 'c-quay']);
    const six = await findPaths(analyst, { from: 'k-0', to: 'k-6' });
    expect(six.hops).toBe(6);
    expect(six.paths[0]?.nodes.map((n) => n.id)).toEqual(['k-0', 'k-1', 'k-2', 'k-3', 'k-4', 'k-5', 'k-6']);
    expect(six.paths[0]?.edges.every((e) => e.type === 'UnknownLink' && !e.directed)).toBe(true);
    expect(await findPaths(analyst, { from: 'k-0', to: 'k-7' })).toEqual({ paths: [], hops: null, capped: false });
    expect((await findPaths(analyst, { from: 'k-0', to: 'k-6', maxHops: 5 })).paths).toEqual([]);
    await expect(findPaths(analyst, { from: 'k-0', to: 'k-0' })).rejects.toBeInstanceOf(Invalid);
  });

  it('answers a hidden entity exactly as an unknown one, in expand and in paths', async () => {
    const refusal = async (run: Promise<unknown>, id: string) => {
      const error = await run.then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(NotFound);
      return (error as Error).message.replace(id, 'ID');
    };
    expect(await refusal(expandNode(analyst, { id: 'p-secret' }), 'p-secret')).toBe(await refusal(expandNode(analyst, { id: 'p-nobody' }), 'p-nobody'));
    expect(await refusal(findPaths(analyst, { from: 'p-anna', to: 'p-secret' }), 'p-secret')).toBe(await refusal(findPaths(analyst, { from: 'p-anna', to: 'p-nobody' }), 'p-nobody'));
    // The same ids are found by a caller holding the marking.
    expect((await expandNode(marked, { id: 'p-secret' })).edges.map((e) => e.id).sort()).toEqual(['fam-1', 'own-secret']);
  });

  it('statements a caller may not see are absent from the graph: a marked source’s edges and nodes are missing from expand, paths, neighbourhood, measures and export, and not counted in "N more"', async () => {
    const hidden = /p-secret|own-secret|own-r2|fam-1|Hidden Informant/;
    const expandAnna = await expandNode(analyst, { id: 'p-anna', limit: 1 });
    expect(expandAnna.total).toBe(6);
    expect(expandAnna.more.notShown).toBe(5);
    expect(JSON.stringify(expandAnna)).not.toMatch(hidden);
    const expandNorth = await expandNode(analyst, { id: 'c-north', types: ['Ownership'] });
    expect(expandNorth.edges.map((e) => e.id)).toEqual(['own-1']);
    expect(expandNorth.more.notShown).toBe(0);
    const paths = await findPaths(analyst, { from: 'p-anna', to: 'c-quay', limit: 20 });
    expect(JSON.stringify(paths)).not.toMatch(hidden);
    const neighbourhood = await graphNeighbourhood(analyst, { ids: ['p-anna'], hops: 2 });
    expect(JSON.stringify(neighbourhood)).not.toMatch(hidden);
    const measures = await graphMeasures(analyst, { ids: ['p-anna'], hops: 2 });
    expect(Object.keys(measures.measures.nodes)).not.toContain('p-secret');
    expect(JSON.stringify(measures)).not.toMatch(hidden);
    for (const format of ['graphml', 'gexf'] as const) {
      const file = await exportGraph(analyst, { ids: ['p-anna'], hops: 2, format, recipient: 'Prosecution desk', reason: 'bundle for the hearing' });
      expect(file.text).not.toMatch(hidden);
    }
    // The caller holding the marking sees them: the absence comes from access, not from the data.
    const full = await expandNode(marked, { id: 'p-anna', limit: 1 });
    expect(full.total).toBe(8);
    expect(full.more.notShown).toBe(7);
    expect(full.edges.map((e) => e.id)).toEqual(['fam-1']);
    expect(full.more.byType).toMatchObject({ Ownership: 2, Payment: 1 });
    const markedPaths = await findPaths(marked, { from: 'p-anna', to: 'c-quay', limit: 20 });
    expect(markedPaths.paths.map((p) => p.edges[0]?.id).sort()).toEqual(['own-r2', 'pay-3']);
    const markedHood = await graphNeighbourhood(marked, { ids: ['p-anna'], hops: 2 });
    expect(markedHood.nodes.map((n) => n.id)).toContain('p-secret');
  });

  it('builds a neighbourhood within hops, under a node limit that it reports as "N more" by type', async () => {
    const one = await graphNeighbourhood(analyst, { ids: ['p-anna'], hops: 1 });
    expect(one.nodes).toHaveLength(7);
    expect(one.more).toEqual({ notShown: 0, byType: {} });
    const two = await graphNeighbourhood(analyst, { ids: ['p-anna'], hops: 2 });
    const ids = two.nodes.map((n) => n.id);
    expect(ids).toContain('p-bela');
    // Induced edges: both payments between the two companies are there.
    expect(two.edges.map((e) => e.id)).toEqual(expect.arrayContaining(['pay-1', 'pay-2', 'dir-1', 'own-1', 'pay-3']));
    for (const edge of two.edges) expect(ids).toEqual(expect.arrayContaining([edge.source, edge.target]));
    const capped = await graphNeighbourhood(analyst, { ids: ['p-anna'], hops: 1, limit: 3 });
    expect(capped.nodes).toHaveLength(3);
    expect(capped.more.notShown).toBe(4);
    expect(Object.values(capped.more.byType).reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('measures a star and two joined cliques as expected', () => {
    const node = (id: string) => ({ id, schema: 'Person', caption: id, ids: [id] });
    const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target, type: 'UnknownLink', label: 'linked to', directed: false, properties: {} });
    const star: Subgraph = { nodes: ['h', 'l1', 'l2', 'l3', 'l4', 'l5'].map(node), edges: ['l1', 'l2', 'l3', 'l4', 'l5'].map((l) => edge('h', l)), more: { notShown: 0, byType: {} } };
    const measured = computeMeasures(star);
    const others = ['l1', 'l2', 'l3', 'l4', 'l5'].map((l) => measured.nodes[l]);
    expect(measured.nodes.h?.degree).toBe(5);
    expect(measured.nodes.h?.betweenness).toBe(1);
    for (const leaf of others) {
      expect(leaf?.degree).toBe(1);
      expect(leaf?.betweenness).toBe(0);
      expect(measured.nodes.h?.pagerank ?? 0).toBeGreaterThan(leaf?.pagerank ?? 1);
    }
    const a = ['a1', 'a2', 'a3', 'a4'];
    const b = ['b1', 'b2', 'b3', 'b4'];
    const clique = (members: string[]) => members.flatMap((x, i) => members.slice(i + 1).map((y) => edge(x, y)));
    const joined: Subgraph = { nodes: [...a, ...b].map(node), edges: [...clique(a), ...clique(b), edge('a1', 'b1')], more: { notShown: 0, byType: {} } };
    const communities = computeMeasures(joined);
    expect(communities.communities).toBe(2);
    expect(new Set(a.map((n) => communities.nodes[n]?.community)).size).toBe(1);
    expect(new Set(b.map((n) => communities.nodes[n]?.community)).size).toBe(1);
    expect(communities.nodes.a2?.community).not.toBe(communities.nodes.b2?.community);
    // The bridge's ends carry every path between the cliques.
    expect(communities.nodes.a1?.betweenness ?? 0).toBeGreaterThan(communities.nodes.a2?.betweenness ?? 1);
    expect(computeMeasures({ nodes: [], edges: [], more: { notShown: 0, byType: {} } })).toEqual({ nodes: {}, communities: 0 });
  });

  it('exports GraphML and GEXF that parse back with the right nodes and edges, recorded as a disclosure naming the recipient', async () => {
    const subgraph = await graphNeighbourhood(analyst, { ids: ['c-north'], hops: 1 });
    for (const format of ['graphml', 'gexf'] as const) {
      const file = await exportGraph(analyst, { ids: ['c-north'], hops: 1, format, recipient: 'Regional prosecutor, economic crime desk', reason: 'evidence bundle for the hearing' });
      expect(file.contentType).toMatch(/xml/);
      expect(file.fileName).toMatch(new RegExp(`\\.${format}$`));
      const graph = format === 'gexf' ? parseGexf(MultiGraph, file.text) : parseGraphml(MultiGraph, file.text);
      expect(graph.nodes().sort()).toEqual(subgraph.nodes.map((n) => n.id).sort());
      expect(graph.size).toBe(subgraph.edges.length);
      expect(graph.getNodeAttribute('c-north', 'schema')).toBe('Company');
      expect(graph.getNodeAttribute('c-north', 'caption')).toBe('Northgate Shipping Ltd');
      const payment = graph.edges().map((e) => graph.getEdgeAttributes(e)).find((attributes) => attributes.type === 'Payment');
      expect(payment).toMatchObject({ type: 'Payment', label: 'paid' });
    }
    const events = await store.db.selectFrom('audit_events').select(['category', 'detail', 'subject_ids', 'outcome']).where('action', '=', 'graph.export').where('outcome', '=', 'success').execute();
    const event = events.find((e) => JSON.stringify(e.detail).includes('economic crime desk'));
    expect(event?.category).toBe('disclosure');
    expect(event?.detail).toMatchObject({ recipient: 'Regional prosecutor, economic crime desk', reason: 'evidence bundle for the hearing' });
    expect(event?.subject_ids).toContain('c-north');
    await expect(exportGraph(analyst, { ids: ['c-north'], hops: 1, format: 'gexf', recipient: '', reason: 'bundle' })).rejects.toThrow(/recipient/);
  });

  it('refuses bad input with a specific error and changes nothing', async () => {
    const charts = async () => Number((await store.db.selectFrom('link_charts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const chartsBefore = await charts();
    await expect(expandNode(analyst, { id: 'p-anna', limit: 1_000_000 })).rejects.toThrow(/limit must be a whole number from 1 to 500/);
    await expect(findPaths(analyst, { from: 'p-anna', to: 'c-quay', maxHops: 7 })).rejects.toThrow(/maxHops must be a whole number from 1 to 6/);
    await expect(graphNeighbourhood(analyst, { ids: ['p-anna'], hops: 4 })).rejects.toThrow(/hops must be a whole number from 1 to 3/);
    await expect(graphNeighbourhood(analyst, { ids: ['p-anna'], limit: 1_000_000 })).rejects.toThrow(/at most 2000/);
    await expect(graphNeighbourhood(analyst, { ids: ['p-anna', 'p-nobody'] })).rejects.toBeInstanceOf(NotFound);
    const tooMany = { nodes: Array.from({ length: 20_001 }, (_, i) => ({ id: `n-${i}`, x: i, y: 0 })), edges: [] };
    await expect(saveLinkChart(analyst, { caseId, name: 'Too big', chart: tooMany })).rejects.toThrow(/at most 20000 nodes/);
    await expect(saveLinkChart(analyst, { caseId, name: 'Bad', chart: { nodes: [{ id: 'p-anna' }], edges: [] } })).rejects.toThrow(/numbers x and y/);
    expect(await charts()).toBe(chartsBefore);
    expect(Number((await store.db.selectFrom('statements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(statementsBefore);
  });

  it('saves link charts in a case, and reads each back without what the reader may not see now', async () => {
    const saved = await saveLinkChart(marked, {
      caseId,
      name: 'Northgate ownership',
      chart: {
        nodes: [
          { id: 'p-anna', x: 0, y: 0, color: '#c33' },
          { id: 'c-north', x: 100, y: 0 },
          { id: 'p-secret', x: 50, y: 80, caption: 'a caption typed by hand is not kept' },
        ],
        edges: [
          { id: 'own-1', source: 'p-anna', target: 'c-north', type: 'Ownership' },
          { id: 'own-secret', source: 'p-secret', target: 'c-north', type: 'Ownership' },
        ],
        filters: { types: ['Ownership'] },
      },
    });
    expect(saved).toMatchObject({ name: 'Northgate ownership', nodes: 3, edges: 2 });
    const forMarked = await getLinkChart(marked, { caseId, chartId: saved.id });
    expect(forMarked.chart.nodes.map((n) => n.id)).toEqual([expect.stringMatching(/^p-anna/), 'c-north', 'p-secret']);
    expect(forMarked.chart.edges.map((e) => e.id).sort()).toEqual(['own-1', 'own-secret']);
    const forPlain = await getLinkChart(analyst, { caseId, chartId: saved.id });
    expect(forPlain.chart.nodes.map((n) => n.id)).not.toContain('p-secret');
    expect(forPlain.chart.edges.map((e) => e.id)).toEqual(['own-1']);
    expect(forPlain.leftOut).toEqual({ nodes: 1, edges: 1 });
    expect(forPlain.chart.nodes[0]).toMatchObject({ x: 0, y: 0, color: '#c33', schema: 'Person', caption: 'Anna Kovacic' });
    expect(JSON.stringify(forPlain)).not.toMatch(/p-secret|own-secret|Hidden Informant|typed by hand/);
    const renamed = await saveLinkChart(analyst, { caseId, id: saved.id, name: 'Northgate, revised', chart: { nodes: [{ id: 'c-north', x: 1, y: 2 }], edges: [] } });
    expect(renamed).toMatchObject({ id: saved.id, nodes: 1 });
    const list = await listLinkCharts(analyst, caseId);
    expect(list.map((c) => [c.name, c.nodes])).toEqual([['Northgate, revised', 1]]);
    await expect(getLinkChart(analyst, { caseId, chartId: randomUUID() })).rejects.toBeInstanceOf(NotFound);
    await expect(saveLinkChart(analyst, { caseId, id: randomUUID(), name: 'x', chart: { nodes: [], edges: [] } })).rejects.toBeInstanceOf(NotFound);
  });
});
