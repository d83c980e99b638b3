import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createCase, createContext, defaultConfig, type Actor } from '@casegraph/core';
import { startTestServer } from '../../server/src/test-support/test-server.js';
import { ensureWebBuild, launchBrowser, recordPageProblems, signInThroughApi, webDist } from './browser.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

// Invented case and people; none is real.
const TITLE = 'Marina berth fees';
const TASK = 'Ask the harbour office for the berth ledger';

describe('live updates in the web app, in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let caseId = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([
      startTestServer({ webRoot: webDist, users: [{ username: 'lena', role: 'analyst' }, { username: 'omar', role: 'analyst' }] }),
      launchBrowser(),
    ]);
    const db = server.store.db;
    const rows = await db.selectFrom('users').select(['id', 'username']).execute();
    const id = (name: string) => rows.find((r) => r.username === name)?.id ?? '';
    const lena: Actor = { userId: id('lena'), sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    caseId = (await createCase(createContext({ db, actor: lena, config: defaultConfig() }), { title: TITLE, purpose: 'fraud-audit' })).id;
    await db.insertInto('case_members').values({ case_id: caseId, user_id: id('omar'), role: 'investigator', added_at: new Date(), added_by: id('lena') }).execute();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.close();
  });

  async function signedInPage(username: string): Promise<{ page: Page; problems: { console: string[]; uncaught: string[] } }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const user = server.users.find((u) => u.username === username);
    if (user === undefined) throw new Error(`no user ${username}`);
    await signInThroughApi(context, server.url, user);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return { page, problems: recordPageProblems(page) };
  }

  it("a task one member adds shows on the other member's open case page without a reload", async () => {
    const lena = await signedInPage('lena');
    const omar = await signedInPage('omar');
    const live = omar.page.waitForResponse((response) => new URL(response.url()).pathname === '/api/live');
    await omar.page.goto(`${server.url}/cases/${caseId}/tasks`);
    await omar.page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect((await live).status()).toBe(200);
    const omarTasks = omar.page.getByRole('region', { name: 'Tasks' });
    await expect.poll(() => omarTasks.textContent()).toContain('No task yet');
    // Marks this very document: a reload would lose it.
    await omar.page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

    await lena.page.goto(`${server.url}/cases/${caseId}/tasks`);
    const form = lena.page.getByRole('form', { name: 'Add a task' });
    await form.getByLabel('Task').fill(TASK);
    await form.getByRole('button', { name: 'Add task' }).click();
    await expect.poll(() => lena.page.getByRole('region', { name: 'Tasks' }).textContent()).toContain(TASK);

    await expect.poll(() => omarTasks.textContent(), { timeout: 10_000 }).toContain(TASK);
    expect(await omar.page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    // The case's own record (its timeline, its team) was read again too, through the usual routes.
    expect(omar.problems.uncaught).toEqual([]);
    expect(lena.problems.uncaught).toEqual([]);
    expect(omar.problems.console).toEqual([]);
  }, 90_000);
});
