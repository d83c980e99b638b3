import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { startTestServer } from '../../server/src/test-support/test-server.js';
import {
  ensureWebBuild,
  horizontalOverflow,
  launchBrowser,
  recordPageProblems,
  saveScreenshot,
  signInThroughApi,
  webDist,
} from './browser.js';
import type { TestUser } from '../../server/src/test-support/test-server.js';

const sections = [
  { path: '/search', label: 'Search' },
  { path: '/cases', label: 'Cases' },
  { path: '/graph', label: 'Graph' },
  { path: '/review', label: 'Review' },
  { path: '/oversight', label: 'Oversight' },
] as const;

const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const phone: BrowserContextOptions = {
  viewport: { width: 375, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

const workingContext = {
  caseId: 'C-2026-0001',
  justification: 'Trace the companies linked to the suspect in the tender fraud',
};

interface Purpose {
  code: string;
  label: string;
}

describe('the web shell, served by the real server, in Chromium', () => {
  let server: { url: string; users: TestUser[]; close(): Promise<void> } | undefined;
  let nextUser = 0;
  let browser: Browser | undefined;
  let purpose: Purpose;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    const users = Array.from({ length: 8 }, (_, i) => ({ username: `analyst-${i}`, role: 'analyst' as const }));
    [server, browser] = await Promise.all([startTestServer({ webRoot: webDist, users }), launchBrowser()]);
    const response = await fetch(`${server.url}/api/purposes`);
    const body = (await response.json()) as { purposes: Purpose[] };
    const first = body.purposes[0];
    if (!first) throw new Error('the server lists no purposes');
    purpose = first;
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await server?.close();
  });

  function serverUrl(path: string): string {
    if (!server) throw new Error('server not started');
    return `${server.url}${path}`;
  }

  /** A new browser context, signed in as a user who has not signed in before (a TOTP code works once). */
  async function signedInContext(options: BrowserContextOptions): Promise<BrowserContext> {
    if (!browser || !server) throw new Error('browser not launched');
    const context = await browser.newContext(options);
    contexts.push(context);
    const user = server.users[nextUser++];
    if (!user) throw new Error('out of test users');
    await signInThroughApi(context, server.url, user);
    return context;
  }

  async function openPage(options: BrowserContextOptions, path = '/') {
    const context = await signedInContext(options);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = recordPageProblems(page);
    await page.goto(serverUrl(path));
    return { page, problems };
  }

  function heading(page: Page) {
    return page.getByRole('heading', { level: 1 });
  }

  function contextBar(page: Page) {
    return page.getByRole('region', { name: 'Working context' });
  }

  function searchBox(page: Page) {
    return page.getByRole('searchbox', { name: 'Search all sources' });
  }

  async function setWorkingContextThroughBar(page: Page): Promise<void> {
    await contextBar(page).getByRole('button', { name: 'Set working context' }).click();
    const form = page.getByRole('form', { name: 'Set working context' });
    await form.getByLabel('Case', { exact: true }).fill(workingContext.caseId);
    await form.getByLabel('Purpose', { exact: true }).selectOption({ label: purpose.label });
    await form.getByLabel('Justification', { exact: true }).fill(workingContext.justification);
    await form.getByRole('button', { name: 'Use this context' }).click();
    await form.waitFor({ state: 'detached' });
  }

  it('opens on Search, shows the server health, and logs no errors', async () => {
    const { page, problems } = await openPage(desktop);

    await page.waitForURL((url) => url.pathname === '/search');
    expect(await heading(page).textContent()).toBe('Search');
    const health = page.locator('[data-health="ok"]');
    await health.waitFor();
    expect(await health.textContent()).toContain('API connected');
    expect(await health.textContent()).toMatch(/casegraph \d+\.\d+\.\d+/);

    expect(await contextBar(page).textContent()).toContain('Searches need a case and a purpose');
    expect(await searchBox(page).isDisabled()).toBe(true);
    expect(await page.locator('#search-hint').textContent()).toContain('Set a working context to search');

    expect(problems).toEqual({ console: [], uncaught: [] });
  });

  it('a working context set in the bar is shown there, unlocks search, and survives a reload', async () => {
    const { page, problems } = await openPage(desktop, '/search');
    await page.locator('[data-health="ok"]').waitFor();

    await setWorkingContextThroughBar(page);

    const bar = contextBar(page);
    await expect.poll(() => bar.getAttribute('data-state')).toBe('set');
    const barText = await bar.textContent();
    expect(barText).toContain(workingContext.caseId);
    expect(barText).toContain(purpose.label);
    expect(barText).toContain(workingContext.justification);
    expect(barText).not.toContain('Searches need a case and a purpose');
    expect(await searchBox(page).isEnabled()).toBe(true);
    expect(await page.locator('#search-hint').textContent()).toContain(workingContext.caseId);

    await page.reload();
    await page.locator('[data-health="ok"]').waitFor();
    expect(await contextBar(page).textContent()).toContain(workingContext.caseId);
    expect(await searchBox(page).isEnabled()).toBe(true);

    await saveScreenshot(page, 'shell-desktop.png');
    expect(problems).toEqual({ console: [], uncaught: [] });
  });

  it('each section has its own address and heading, and Back returns to the previous one', async () => {
    const { page, problems } = await openPage(desktop, '/search');
    const nav = page.getByRole('navigation', { name: 'Main' });

    for (const section of sections) {
      const link = nav.getByRole('link', { name: section.label, exact: true });
      await link.click();
      await page.waitForURL((url) => url.pathname === section.path);
      await page.getByRole('heading', { level: 1, name: section.label, exact: true }).waitFor();
      expect(await link.getAttribute('aria-current')).toBe('page');
      expect(await page.title()).toBe(`${section.label} · casegraph`);
    }

    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/review');
    await page.getByRole('heading', { level: 1, name: 'Review', exact: true }).waitFor();

    // A section's address opened directly is served by the server's fallback to the app.
    await page.goto(serverUrl('/graph'));
    await page.getByRole('heading', { level: 1, name: 'Graph', exact: true }).waitFor();
    await page.goto(serverUrl('/no-such-page'));
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();

    expect(problems).toEqual({ console: [], uncaught: [] });
  });

  it('on a 375px phone the navigation is a bottom bar and no page scrolls sideways', async () => {
    const { page, problems } = await openPage(phone, '/search');
    await page.locator('[data-health="ok"]').waitFor();
    expect(await horizontalOverflow(page)).toBe(0);

    await contextBar(page).getByRole('button', { name: 'Set working context' }).click();
    expect(await horizontalOverflow(page)).toBe(0);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await setWorkingContextThroughBar(page);

    const nav = page.getByRole('navigation', { name: 'Main' });
    const navBox = await nav.boundingBox();
    expect(navBox).not.toBeNull();
    expect(Math.round((navBox?.y ?? 0) + (navBox?.height ?? 0))).toBe(740);
    expect(navBox?.width).toBe(375);

    for (const section of sections) {
      await nav.getByRole('link', { name: section.label, exact: true }).click();
      await page.waitForURL((url) => url.pathname === section.path);
      await page.getByRole('heading', { level: 1, name: section.label, exact: true }).waitFor();
      // Review reads its queue at once, and the server refuses the made-up case of this context: the page says so.
      if (section.path === '/review') await expect.poll(() => page.getByRole('alert').textContent()).toContain(`case ${workingContext.caseId} does not exist`);
      expect(await horizontalOverflow(page), `sideways overflow on ${section.path}`).toBe(0);
    }

    await nav.getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Search', exact: true }).waitFor();
    await saveScreenshot(page, 'shell-phone.png');
    expect(problems.uncaught).toEqual([]);
    // The browser logs that refusal (a 400) as a failed load; nothing else may appear.
    expect(problems.console.filter((text) => !/status of 400/.test(text))).toEqual([]);
  });

  it('when the API cannot be reached the page says so, offers a retry, and throws nothing', async () => {
    const context = await signedInContext(desktop);
    await context.route('**/api/**', (route) => route.abort('connectionrefused'));
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = recordPageProblems(page);
    await page.goto(serverUrl('/search'));

    const alert = page.locator('[data-health="error"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Cannot reach the casegraph API');

    await context.unroute('**/api/**');
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.locator('[data-health="ok"]').waitFor();
    expect(await heading(page).textContent()).toBe('Search');
    expect(await page.getByRole('link', { name: 'Server unavailable' }).count()).toBe(0);

    expect(problems.uncaught).toEqual([]);
    // The browser itself logs each refused request; nothing else may reach the console.
    expect(problems.console.filter((text) => !text.startsWith('Failed to load resource'))).toEqual([]);
  });
});
