// The link chart's frame rate: the built web app in Chromium, against a real server, with a generated
// chart opened through the page's "Open file…" input, while the camera zooms and pans.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, createContext, createDb, createUser, defaultConfig, generateCheckpointKey, LOCAL_OPERATOR, totpCode, totpStep } from '@casegraph/core';
import { startServer } from '../../packages/server/src/main.js';
import { printTable } from '../machine.js';

// The browser tests' helpers (packages/web/test/browser.ts) are typed for the browser too, so the
// few steps needed here are repeated for this Node-only program.
const webRoot = fileURLToPath(new URL('../../packages/web', import.meta.url));
const webDist = join(webRoot, 'dist');

/** Builds the web app with Vite, so the figures are of the current sources. */
async function buildWebApp(): Promise<void> {
  const { build } = await import('vite');
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: webRoot, configFile: join(webRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

/** Headless Chromium as the browser tests launch it: Debian's build, a throwaway profile, no background traffic. */
function launchBrowser(extra: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extra],
  });
}

/** Signs a fresh user in (password, then the second factor it enrols), so the context holds a session cookie. */
async function signIn(context: BrowserContext, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  const step = await context.request.post(`${baseUrl}/api/auth/sign-in`, { data: user });
  if (!step.ok()) throw new Error(`sign-in refused: ${step.status()}`);
  const { challenge, totpSecret } = (await step.json()) as { challenge: string; totpSecret?: string };
  if (totpSecret === undefined) throw new Error('the benchmark user has signed in before');
  const code = totpCode(base32Decode(totpSecret), totpStep(new Date()));
  const done = await context.request.post(`${baseUrl}/api/auth/second-factor`, { data: { challenge, code, acknowledgeBanner: true } });
  if (!done.ok()) throw new Error(`second factor refused: ${done.status()}`);
}

/** What one measurement found. */
export interface LinkChartFrameRate {
  nodes: number;
  edges: number;
  /** Frames drawn per second while the camera moved. */
  fps: number;
  /** The 95th percentile of the time between two frames, in milliseconds. */
  p95FrameMs: number;
  /** From choosing the file to the first frame drawn with the whole chart, in milliseconds. */
  loadMs: number;
  /** Whether the chart left its edges out while the camera moved, by the end (past 5,000 edges, or when frames came slowly). */
  edgesHiddenWhileMoving: boolean;
  /** Whether the chart drew with its cheap lines and points (large charts) rather than the renderer's own programs. */
  fastDrawing: boolean;
  /** The median time to draw one frame with the view still (after a click, a hover, the end of a move), in milliseconds. */
  stillFrameMs: number;
}

const SCHEMATA = ['Person', 'Company', 'Address', 'BankAccount', 'Vehicle', 'Phone'];
const RELATIONS = ['Ownership', 'Directorship', 'Payment', 'Family', 'Associate', 'UnknownLink'];

/** A small seeded generator, so every run draws the same chart. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A synthetic chart file in the page's JSON format: nodes in loose clusters (as a finished layout
 * leaves them), most edges inside a cluster and some across, as in real link charts.
 */
export function generateChart(nodes: number, edges: number, seed = 7): string {
  const random = seeded(seed);
  const clusters = Math.max(1, Math.round(Math.sqrt(nodes) / 2));
  const centres = Array.from({ length: clusters }, () => ({ x: random() * 1000, y: random() * 1000 }));
  const clusterOf: number[] = [];
  const chartNodes = Array.from({ length: nodes }, (_, i) => {
    const cluster = Math.floor(random() * clusters);
    clusterOf.push(cluster);
    const centre = centres[cluster] ?? { x: 0, y: 0 };
    const angle = random() * 2 * Math.PI;
    const radius = Math.sqrt(random()) * 60;
    const schema = SCHEMATA[i % SCHEMATA.length] ?? 'Thing';
    return { id: `n${i}`, x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle), schema, caption: `${schema} ${i}` };
  });
  const byCluster: number[][] = Array.from({ length: clusters }, () => []);
  clusterOf.forEach((cluster, i) => byCluster[cluster]?.push(i));
  const chartEdges = Array.from({ length: edges }, (_, i) => {
    const source = Math.floor(random() * nodes);
    const members = byCluster[clusterOf[source] ?? 0] ?? [];
    const local = random() < 0.85 && members.length > 1;
    const target = local ? (members[Math.floor(random() * members.length)] ?? 0) : Math.floor(random() * nodes);
    const type = RELATIONS[i % RELATIONS.length] ?? 'UnknownLink';
    return { id: `e${i}`, source: `n${source}`, target: `n${target}`, type, label: type, directed: type !== 'Family' && type !== 'Associate' };
  });
  return JSON.stringify({ nodes: chartNodes, edges: chartEdges, filters: { hiddenTypes: [] } });
}

/**
 * A real server on a fresh in-memory store with one analyst, as the browser tests' test server but
 * without the test runner's migrated template (benchmarks run outside it).
 */
async function startBenchServer(): Promise<{ url: string; user: { username: string; password: string }; close(): Promise<void> }> {
  const store = await createDb({ memory: true });
  const config = defaultConfig();
  const user = { username: 'frame-rate', password: `pw-${randomBytes(9).toString('base64url')}` };
  await createUser(createContext({ db: store.db, actor: LOCAL_OPERATOR, config }), { ...user, displayName: 'Frame-rate analyst', organisation: 'local', roles: ['analyst'] });
  const keys = { signing: generateCheckpointKey('casegraph-bench'), termsKey: randomBytes(32).toString('base64') };
  const server = await startServer({ store, config, host: '127.0.0.1', port: 0, webRoot: webDist, keys });
  return {
    url: server.url,
    user,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

/**
 * Runs in the page: animates the camera for `duration` seconds, zooming between the whole chart and
 * a third of it while panning (as a user's wheel and drag do, so the renderer knows the view is
 * moving), and resolves to the gaps between the frames drawn meanwhile.
 */
const ANIMATE_CAMERA = `async (duration) => {
  const probe = window.__casegraphChart;
  if (!probe) throw new Error('the chart exposes no probe');
  const camera = probe.camera();
  const gaps = [];
  const begin = performance.now();
  let running = true;
  let last = null;
  function count(now) {
    if (last !== null) gaps.push(now - last);
    last = now;
    if (running) requestAnimationFrame(count);
  }
  requestAnimationFrame(count);
  let leg = 0;
  while (performance.now() - begin < duration * 1000) {
    leg += 1;
    const t = leg * 0.7;
    await camera.animate({ x: 0.5 + 0.2 * Math.sin(t * 1.3), y: 0.5 + 0.2 * Math.cos(t * 0.9), ratio: leg % 2 ? 0.35 : 1 }, { duration: 500 });
  }
  running = false;
  return gaps;
}`;

/**
 * Runs in the page: nudges the camera without animating it (so the frame is drawn as a still view,
 * with edges, labels and hit areas) and resolves to the median time until two frames later.
 */
const STILL_FRAME = `async (times) => {
  const camera = window.__casegraphChart.camera();
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  await frame();
  const spans = [];
  for (let i = 0; i < times; i++) {
    const state = camera.getState();
    const started = performance.now();
    camera.setState({ ...state, ratio: state.ratio * (i % 2 ? 1.001 : 0.999) });
    await frame();
    spans.push(performance.now() - started);
  }
  spans.sort((a, b) => a - b);
  return spans[Math.floor(spans.length / 2)];
}`;

function percentile(values: number[], share: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
}

/** Options of one browser session. */
export interface LinkChartSessionOptions {
  /** Extra Chromium switches for this measurement's own browser (never the product's). */
  browserArgs?: string[];
  /** Skip building the web app (a caller that has just built it). */
  skipBuild?: boolean;
}

/** One browser on the graph page against a real server: load charts into it and measure them, then close it. */
export interface LinkChartSession {
  readonly page: Page;
  /** Opens a generated chart through the page's file input; resolves to the milliseconds until it is drawn. */
  load(nodes: number, edges: number): Promise<number>;
  /** Animates the camera for `seconds` and returns the gaps between the frames drawn meanwhile. */
  animate(seconds: number): Promise<number[]>;
  /** The median of `times` frames drawn with the view still, in milliseconds. */
  stillFrame(times?: number): Promise<number>;
  /** Problems the page reported so far (console errors, uncaught errors). */
  problems(): string[];
  close(): Promise<void>;
}

/**
 * Starts a server and a browser signed in on the graph page, for measuring several charts in a row.
 *
 * @example
 * const session = await openLinkChartSession();
 * await session.load(1_000, 5_000);
 * const gaps = await session.animate(5);
 * await session.close();
 */
export async function openLinkChartSession(options: LinkChartSessionOptions = {}): Promise<LinkChartSession> {
  if (options.skipBuild !== true) await buildWebApp();
  const folder = mkdtempSync(join(tmpdir(), 'casegraph-chart-'));
  const [server, browser] = await Promise.all([startBenchServer(), launchBrowser(options.browserArgs ?? [])]);
  const close = async (): Promise<void> => {
    await browser.close();
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await signIn(context, server.url, server.user);
    await page.goto(`${server.url}/graph`);
    await page.getByRole('heading', { level: 1, name: 'Graph' }).waitFor();
    // Page code is sent as text: this program is typed for Node, not the browser.
    await page.waitForFunction('window.__casegraphChart !== undefined');
    return {
      page,
      async load(nodes, edges) {
        const file = join(folder, `chart-${nodes}-${edges}.json`);
        writeFileSync(file, generateChart(nodes, edges));
        const started = Date.now();
        await page.locator('input[type=file]').setInputFiles(file);
        await page.waitForFunction(`window.__casegraphChart?.order === ${nodes} && window.__casegraphChart?.size === ${edges}`);
        // Two animation frames: the renderer has processed and drawn the whole chart.
        await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())))');
        return Date.now() - started;
      },
      // Sent as source text: the TypeScript loader would wrap named functions in a helper the page does not have.
      animate: (seconds) => page.evaluate<number[]>(`(${ANIMATE_CAMERA})(${seconds})`),
      stillFrame: (times = 5) => page.evaluate<number>(`(${STILL_FRAME})(${times})`),
      problems: () => [...problems],
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Frames per second and the 95th-percentile frame time of the gaps between frames. */
export function frameFigures(gaps: number[]): { fps: number; p95FrameMs: number } {
  const total = gaps.reduce((sum, gap) => sum + gap, 0);
  return {
    fps: total > 0 ? Math.round((gaps.length / (total / 1000)) * 10) / 10 : 0,
    p95FrameMs: Math.round(percentile(gaps, 0.95) * 10) / 10,
  };
}

/**
 * Opens a generated chart of `nodes` and `edges` in the graph page and animates the camera for
 * `seconds` (zooming in and out while panning), counting the frames the browser draws.
 *
 * @example
 * const { fps, p95FrameMs } = await measureLinkChartFrameRate({ nodes: 10_000, edges: 50_000 });
 */
export async function measureLinkChartFrameRate(options: { nodes: number; edges: number; seconds?: number } & LinkChartSessionOptions): Promise<LinkChartFrameRate> {
  const session = await openLinkChartSession(options);
  try {
    const loadMs = await session.load(options.nodes, options.edges);
    const gaps = await session.animate(options.seconds ?? 5);
    const edgesHiddenWhileMoving = await session.page.evaluate<boolean>('window.__casegraphChart?.edgesHiddenWhileMoving === true');
    const fastDrawing = await session.page.evaluate<boolean>('window.__casegraphChart?.fastDrawing === true');
    const stillFrameMs = Math.round(await session.stillFrame());
    const problems = session.problems();
    if (problems.length > 0) throw new Error(`the page reported problems: ${problems.join('; ')}`);
    return { nodes: options.nodes, edges: options.edges, ...frameFigures(gaps), loadMs, edgesHiddenWhileMoving, fastDrawing, stillFrameMs };
  } finally {
    await session.close();
  }
}

/** The chart sizes the graph benchmark reports: the target and a tenth of it, for comparison. */
export const CHART_SIZES = [
  { nodes: 1_000, edges: 5_000 },
  { nodes: 10_000, edges: 50_000 },
] as const;

/**
 * Measures the link chart at each size (one build of the web app, one browser per size) and prints
 * a table of the figures; needs Chromium but no database.
 *
 * @example
 * await printLinkChartFrameRates();
 */
export async function printLinkChartFrameRates(sizes: ReadonlyArray<{ nodes: number; edges: number }> = CHART_SIZES, seconds = 5): Promise<void> {
  await buildWebApp();
  const rows: Array<Array<string | number>> = [];
  for (const size of sizes) {
    const figures = await measureLinkChartFrameRate({ ...size, seconds, skipBuild: true });
    const drawing = figures.fastDrawing ? 'lines and points' : 'renderer';
    rows.push([
      `${figures.nodes.toLocaleString('en')} / ${figures.edges.toLocaleString('en')}`,
      `${figures.fps} fps`,
      `${figures.p95FrameMs} ms`,
      `${figures.stillFrameMs} ms`,
      `${figures.loadMs} ms`,
      `${drawing}; edges ${figures.edgesHiddenWhileMoving ? 'hidden' : 'shown'} while moving`,
    ]);
  }
  process.stdout.write(`\nLink chart in Chromium, 1280x900, ${seconds} s of camera zoom and pan\n`);
  printTable(['nodes / edges', 'frame rate', 'p95 frame', 'still frame', 'load', 'notes'], rows);
}
