import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, totpCode, totpStep } from '@casegraph/core';

/** The web package folder, its build output, and where browser tests leave screenshots. */
export const webRoot = fileURLToPath(new URL('..', import.meta.url));
export const webDist = join(webRoot, 'dist');
export const screenshotDir = fileURLToPath(new URL('../../../test-output/screenshots', import.meta.url));

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Whether `dist/` is missing or older than the sources it is built from. */
function buildIsStale(): boolean {
  const builtIndex = join(webDist, 'index.html');
  if (!existsSync(builtIndex)) return true;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((name) => join(webRoot, name));
  const newestSource = Math.max(...sources.filter((path) => existsSync(path)).map(newestChange));
  return newestSource > statSync(builtIndex).mtimeMs;
}

/** Builds the web app with Vite unless an up-to-date build is already there, so tests work from a clean clone. */
export async function ensureWebBuild(): Promise<void> {
  if (!buildIsStale()) return;
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: webRoot, configFile: join(webRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

/** Launches headless Chromium with a throwaway profile and no background traffic. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects console errors and uncaught page errors, so a test can assert the page stayed clean. */
export function recordPageProblems(page: Page): { console: string[]; uncaught: string[] } {
  const problems = { console: [] as string[], uncaught: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.console.push(message.text());
  });
  page.on('pageerror', (error) => problems.uncaught.push(error.message));
  return problems;
}

/** How many CSS pixels the page is wider than its viewport; 0 means no sideways scrolling. */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = document.documentElement;
    return Math.max(root.scrollWidth, document.body.scrollWidth) - root.clientWidth;
  });
}

/** Saves a screenshot under `test-output/screenshots/` and returns its path. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, name);
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}

/** Signs a user in through the API in a browser context (its cookies are the browser's), enrolling TOTP on first use. */
export async function signInThroughApi(context: BrowserContext, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  const step = await context.request.post(`${baseUrl}/api/auth/sign-in`, { data: { username: user.username, password: user.password } });
  if (!step.ok()) throw new Error(`sign-in of ${user.username} refused: ${step.status()} ${await step.text()}`);
  const { challenge, totpSecret } = (await step.json()) as { challenge: string; totpSecret?: string };
  if (totpSecret === undefined) throw new Error(`${user.username} has signed in before: use a fresh test user`);
  const code = totpCode(base32Decode(totpSecret), totpStep(new Date()));
  const done = await context.request.post(`${baseUrl}/api/auth/second-factor`, { data: { challenge, code, acknowledgeBanner: true } });
  if (!done.ok()) throw new Error(`second factor of ${user.username} refused: ${done.status()} ${await done.text()}`);
}

/**
 * A phone-sized page signed in as the user of an earlier context: a second sign-in would need a
 * new one-time code, so the session cookies are carried over.
 */
export async function phonePageLike(browser: Browser, signedIn: BrowserContext | undefined): Promise<{ context: BrowserContext; page: Page; problems: { console: string[]; uncaught: string[] } }> {
  if (!signedIn) throw new Error('no signed-in browser context to carry the session from');
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, storageState: await signedIn.storageState() });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page, problems: recordPageProblems(page) };
}
