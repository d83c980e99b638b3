import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { addCaseSubject, createCase, createContext, defaultConfig, LOCAL_OPERATOR, registerSource, writeEntities, type Actor, type SourcedEntity } from '@casegraph/core';
import { startTestServer } from '../../server/src/test-support/test-server.js';
import { ensureWebBuild, horizontalOverflow, launchBrowser, phonePageLike, recordPageProblems, saveScreenshot, screenshotDir, signInThroughApi, webDist } from './browser.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** What the chart's read-only test hook reports. */
interface Probe {
  order: number;
  size: number;
  visibleEdges: number;
  selected: string | null;
  highlightedNodes: string[];
  layoutRunning: boolean;
  hiddenTypes: string[];
}

// Invented people and companies, and the ties between them; none is real.
const ENTITIES: SourcedEntity[] = [
  { id: 'p-ines', schema: 'Person', origin: 'G1', properties: { name: ['Ines Vahlkamp'] } },
  { id: 'p-oren', schema: 'Person', origin: 'G2', properties: { name: ['Oren Szadkowski'] } },
  { id: 'p-tamsin', schema: 'Person', origin: 'G3', properties: { name: ['Tamsin Okonjo-Rees'] } },
  { id: 'p-lone', schema: 'Person', origin: 'G4', properties: { name: ['Lucan Threlfall'] } },
  { id: 'c-kestrel', schema: 'Company', origin: 'G5', properties: { name: ['Kestrel Quay Freight Ltd'] } },
  { id: 'c-marram', schema: 'Company', origin: 'G6', properties: { name: ['Marram Dune Trading Ltd'] } },
  { id: 'dir-1', schema: 'Directorship', origin: 'G7', properties: { director: ['p-ines'], organization: ['c-kestrel'], role: ['director'] } },
  { id: 'own-1', schema: 'Ownership', origin: 'G8', properties: { owner: ['p-oren'], asset: ['c-kestrel'], percentage: ['75'] } },
  { id: 'pay-1', schema: 'Payment', origin: 'G9', properties: { payer: ['c-kestrel'], beneficiary: ['c-marram'], amount: ['18000'], date: ['2025-03-02'] } },
  { id: 'pay-2', schema: 'Payment', origin: 'G10', properties: { payer: ['c-marram'], beneficiary: ['p-tamsin'], amount: ['4200'], date: ['2025-03-09'] } },
];

/** Console errors other than the browser's own log of answers the test provokes on purpose. */
function unexpectedConsole(problems: { console: string[] }): string[] {
  return problems.console.filter((text) => !/Failed to load resource: the server responded with a status of (400|404)/.test(text));
}

function probe(page: Page): Promise<Probe> {
  return page.evaluate(() => {
    const chart = window.__casegraphChart;
    if (!chart) throw new Error('the chart is not on the page');
    return { order: chart.order, size: chart.size, visibleEdges: chart.visibleEdges, selected: chart.selected, highlightedNodes: chart.highlightedNodes, layoutRunning: chart.layoutRunning, hiddenTypes: chart.hiddenTypes };
  });
}

/** Waits for the layout to settle, then returns where a node is drawn. */
async function nodePoint(page: Page, id: string): Promise<{ x: number; y: number }> {
  await expect.poll(async () => (await probe(page)).layoutRunning, { timeout: 15_000 }).toBe(false);
  // The whole drawing in view, so the point is on screen.
  await page.getByRole('img', { name: /^Link chart of/ }).evaluate((canvas) => canvas.scrollIntoView({ block: 'center' }));
  const point = await page.evaluate((node) => window.__casegraphChart?.nodePosition(node) ?? null, id);
  if (!point) throw new Error(`${id} is not on the chart`);
  return point;
}

async function setWorkingContext(page: Page, caseId: string): Promise<void> {
  await page.getByRole('region', { name: 'Working context' }).getByRole('button', { name: 'Set working context' }).click();
  const form = page.getByRole('form', { name: 'Set working context' });
  await form.getByLabel('Case', { exact: true }).fill(caseId);
  await form.getByLabel('Purpose', { exact: true }).selectOption({ label: 'Fraud audit' });
  await form.getByLabel('Justification', { exact: true }).fill('payments between the quay companies');
  await form.getByRole('button', { name: 'Use this context' }).click();
  await form.waitFor({ state: 'detached' });
}

async function downloaded(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFileSync(path);
}

describe('the link chart in the web app, in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let caseId: string;
  let signedIn: BrowserContext | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([startTestServer({ webRoot: webDist, users: [{ username: 'gala', role: 'analyst' }, { username: 'hollis', role: 'analyst' }] }), launchBrowser()]);
    const db = server.store.db;
    const config = defaultConfig();
    await registerSource(createContext({ db, actor: LOCAL_OPERATOR, config }), { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    const { id: userId } = await db.selectFrom('users').select('id').where('username', '=', 'gala').executeTakeFirstOrThrow();
    const analyst: Actor = { userId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    ({ id: caseId } = await createCase(createContext({ db, actor: analyst, config }), { title: 'Quay payments', purpose: 'fraud-audit' }));
    const purpose = { caseId, code: 'fraud-audit', justification: 'test data' };
    await writeEntities(createContext({ db, actor: LOCAL_OPERATOR, config, purpose }), { sourceId: 'registry', entities: ENTITIES });
    await addCaseSubject(createContext({ db, actor: analyst, config, purpose }), { caseId, entityId: 'p-ines', category: 'suspect' });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.close();
  });

  it('expands on double-click, filters a connection type, finds paths, saves to the case and exports GraphML and PNG', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    contexts.push(context);
    signedIn = context;
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = recordPageProblems(page);
    const gala = server.users[0];
    if (!gala) throw new Error('no analyst');
    await signInThroughApi(context, server.url, gala);
    await page.goto(`${server.url}/graph?entity=p-ines`);
    await page.getByRole('heading', { level: 1, name: 'Graph' }).waitFor();
    await setWorkingContext(page, caseId);

    // The entity from the address starts the chart, expanded: Ines and the company she directs.
    await expect.poll(async () => (await probe(page)).order).toBe(2);
    expect((await probe(page)).size).toBe(1);
    const status = page.getByRole('status').filter({ hasText: /Added|connections/ });
    await expect.poll(() => status.first().textContent()).toMatch(/Added 1 entity and 1 connection around Ines Vahlkamp/);
    const selection = page.getByRole('region', { name: 'Selected entity' });
    expect(await selection.getByRole('link', { name: 'Ines Vahlkamp' }).getAttribute('href')).toBe('/entities/p-ines');

    // A double-click on the company brings its owner and the company it paid.
    const kestrel = await nodePoint(page, 'c-kestrel');
    await page.mouse.dblclick(kestrel.x, kestrel.y);
    await expect.poll(async () => (await probe(page)).order).toBe(4);
    expect((await probe(page)).size).toBe(3);
    const view = page.getByRole('region', { name: 'View' });
    const types = view.getByRole('group', { name: 'Connection types' });
    expect((await types.getByRole('checkbox').evaluateAll((boxes) => boxes.map((box) => box.parentElement?.textContent?.trim() ?? ''))).sort()).toEqual(['Directorship 1', 'Ownership 1', 'Payment 1']);
    // The legend names the schemata drawn.
    expect(await page.getByLabel('Legend').textContent()).toMatch(/Company\s*2.*Person\s*2/);

    // Unchecking a connection type hides its edges without taking them off the chart.
    await types.getByRole('checkbox', { name: /Payment/ }).uncheck();
    await expect.poll(async () => (await probe(page)).visibleEdges).toBe(2);
    expect((await probe(page)).size).toBe(3);
    expect((await probe(page)).hiddenTypes).toEqual(['Payment']);
    await types.getByRole('checkbox', { name: /Payment/ }).check();
    await expect.poll(async () => (await probe(page)).visibleEdges).toBe(3);

    // Size by centrality: PageRank over the chart.
    await view.getByLabel('Size by').selectOption('pagerank');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Nodes are sized by PageRank');

    // The path finder: Ines (clicked on the chart) to Tamsin (found by search and added).
    const ines = await nodePoint(page, 'p-ines');
    await page.mouse.click(ines.x, ines.y);
    await expect.poll(async () => (await probe(page)).selected).toBe('p-ines');
    const finder = page.getByRole('region', { name: 'Path finder' });
    await finder.getByRole('button', { name: 'Use selected as start' }).click();
    const adder = page.getByRole('search', { name: 'Add an entity to the chart' });
    await adder.getByRole('searchbox').fill('Tamsin Okonjo-Rees');
    await adder.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('list', { name: 'Entities found' }).getByRole('button', { name: 'Add Tamsin Okonjo-Rees' }).click();
    await expect.poll(async () => (await probe(page)).selected).toBe('p-tamsin');
    await finder.getByRole('button', { name: 'Use selected as end' }).click();
    expect(await finder.getByTestId('path-from').textContent()).toBe('Ines Vahlkamp');
    expect(await finder.getByTestId('path-to').textContent()).toBe('Tamsin Okonjo-Rees');
    await finder.getByRole('button', { name: 'Find paths' }).click();
    const paths = finder.getByRole('list', { name: 'Paths found' });
    await expect.poll(() => paths.textContent()).toMatch(/Ines Vahlkamp.*Kestrel Quay Freight Ltd.*Marram Dune Trading Ltd.*Tamsin Okonjo-Rees/);
    expect((await probe(page)).highlightedNodes.sort()).toEqual(['c-kestrel', 'c-marram', 'p-ines', 'p-tamsin']);
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/1 path found; the shortest has 3 hops/);

    // No path to someone with no ties says so.
    await adder.getByRole('searchbox').fill('Lucan Threlfall');
    await adder.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('list', { name: 'Entities found' }).getByRole('button', { name: 'Add Lucan Threlfall' }).click();
    await expect.poll(async () => (await probe(page)).selected).toBe('p-lone');
    await finder.getByRole('button', { name: 'Use selected as end' }).click();
    await finder.getByRole('button', { name: 'Find paths' }).click();
    await expect.poll(() => finder.getByRole('note').textContent()).toContain('No path within 6 hops between Ines Vahlkamp and Lucan Threlfall');
    expect((await probe(page)).highlightedNodes).toEqual([]);
    await saveScreenshot(page, 'graph-chart.png');

    // Save to the working case: the case then lists the chart with its nodes.
    const files = page.getByRole('region', { name: 'Save and export' });
    await files.getByLabel('Chart name').fill('Quay payments chart');
    await files.getByRole('button', { name: 'Save to case' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(`Saved “Quay payments chart” to case ${caseId}`);
    const listed = await context.request.get(`${server.url}/api/cases/${caseId}/charts`, { headers: { 'casegraph-purpose': 'fraud-audit', 'casegraph-justification': 'check', 'casegraph-case': caseId } });
    expect(listed.status()).toBe(200);
    const charts = (await listed.json()) as Array<{ name: string; nodes: number; edges: number }>;
    expect(charts).toHaveLength(1);
    // Six entities; four connections, the path having brought Marram's payment to Tamsin.
    expect(charts[0]).toMatchObject({ name: 'Quay payments chart', nodes: 6, edges: 4 });
    // A second save replaces the chart rather than adding one.
    await files.getByRole('button', { name: 'Save changes to case' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Saved');
    const relisted = await context.request.get(`${server.url}/api/cases/${caseId}/charts`, { headers: { 'casegraph-purpose': 'fraud-audit', 'casegraph-justification': 'check', 'casegraph-case': caseId } });
    expect((await relisted.json()) as unknown[]).toHaveLength(1);

    // GraphML goes through the server's audited export, which needs a recipient.
    await files.getByRole('button', { name: 'Export GraphML…' }).click();
    const exportForm = page.getByRole('form', { name: 'Export GraphML' });
    await exportForm.getByRole('button', { name: 'Download GraphML' }).click();
    expect(await exportForm.getByRole('alert').textContent()).toContain('Name who receives the file and why');
    await exportForm.getByLabel('Recipient').fill('Harbour Authority liaison');
    await exportForm.getByLabel('Reason').fill('joint review of the quay payments');
    const [graphml] = await Promise.all([page.waitForEvent('download'), exportForm.getByRole('button', { name: 'Download GraphML' }).click()]);
    const xml = (await downloaded(graphml)).toString('utf8');
    expect(xml).toContain('<graphml');
    for (const id of ['p-ines', 'c-kestrel', 'c-marram', 'p-tamsin', 'p-oren']) expect(xml).toContain(`id="${id}"`);

    // PNG: the picture of the view.
    const [png] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: 'Export PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('link-chart.png');
    const picture = await downloaded(png);
    expect([...picture.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // The width and height in the header are the drawing's, and a blank canvas would compress to almost nothing.
    expect(picture.readUInt32BE(16)).toBeGreaterThan(300);
    expect(picture.length).toBeGreaterThan(5_000);
    mkdirSync(screenshotDir, { recursive: true });
    writeFileSync(join(screenshotDir, 'graph-export.png'), picture);

    expect(await horizontalOverflow(page)).toBe(0);
    await saveScreenshot(page, 'graph-page.png', { fullPage: true });
    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  }, 120_000);

  it('draws a large chart with plain lines and points, and still selects, filters and reports on it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = recordPageProblems(page);
    const hollis = server.users[1];
    if (!hollis) throw new Error('no second analyst');
    await signInThroughApi(context, server.url, hollis);
    await page.goto(`${server.url}/graph`);
    await page.getByRole('heading', { level: 1, name: 'Graph' }).waitFor();
    // 1,600 made-up entities on a grid (far enough apart to click one), each tied to its right-hand neighbour.
    const side = 40;
    const nodes = Array.from({ length: side * side }, (_, i) => ({ id: `g${i}`, x: (i % side) * 10, y: Math.floor(i / side) * 10, schema: i % 2 ? 'Company' : 'Person', caption: `Grid entity ${i}` }));
    const edges = nodes.filter((_, i) => i % side !== side - 1).map((node, i) => ({ id: `t${i}`, source: node.id, target: `g${Number(node.id.slice(1)) + 1}`, type: i % 3 ? 'Payment' : 'Ownership', label: 'tie', directed: true }));
    const file = join(mkdtempSync(join(tmpdir(), 'casegraph-chart-')), 'large-chart.json');
    writeFileSync(file, JSON.stringify({ nodes, edges, filters: { hiddenTypes: [] } }));
    await page.locator('input[type=file]').setInputFiles(file);
    await expect.poll(async () => (await probe(page)).order).toBe(side * side);
    expect((await probe(page)).size).toBe(edges.length);
    // Past 1,000 entities the renderer's own programs give way to the cheap ones; if a new sigma
    // renamed the parts they replace, this says so (the chart would still draw, only slower).
    expect(await page.evaluate(() => window.__casegraphChart?.fastDrawing)).toBe(true);

    // Clicks still find entities: the renderer draws their hit areas whenever the view is still.
    const target = await nodePoint(page, 'g861');
    await page.mouse.click(target.x, target.y);
    await expect.poll(async () => (await probe(page)).selected).toBe('g861');
    await page.getByRole('region', { name: 'Selected entity' }).getByText('Grid entity 861').first().waitFor();

    const ownership = edges.filter((edge) => edge.type === 'Ownership').length;
    await page.getByRole('checkbox', { name: /^Ownership/ }).uncheck();
    await expect.poll(async () => (await probe(page)).visibleEdges).toBe(edges.length - ownership);
    await saveScreenshot(page, 'graph-large.png');
    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  }, 60_000);

  it('opens the case’s latest saved chart from ?case= on a phone, with no sideways scrolling', async () => {
    const { context, page, problems } = await phonePageLike(browser, signedIn);
    contexts.push(context);
    await page.goto(`${server.url}/graph?case=${caseId}`);
    await page.getByRole('heading', { level: 1, name: 'Graph' }).waitFor();
    await setWorkingContext(page, caseId);
    await expect.poll(async () => (await probe(page)).order).toBe(6);
    expect((await probe(page)).size).toBe(4);
    expect(await page.getByLabel('Saved charts of the case').inputValue()).not.toBe('');
    expect(await horizontalOverflow(page)).toBe(0);
    await saveScreenshot(page, 'graph-phone.png', { fullPage: true });
    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  }, 60_000);
});
