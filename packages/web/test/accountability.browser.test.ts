import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  base32Decode,
  createCase,
  createContext,
  defaultConfig,
  getEntity,
  LOCAL_OPERATOR,
  recordEvent,
  registerSource,
  totpCode,
  totpStep,
  writeEntities,
} from '@casegraph/core';
import { startTestServer, type TestUser } from '../../server/src/test-support/test-server.js';
import { ensureWebBuild, launchBrowser, recordPageProblems, saveScreenshot, signInThroughApi, webDist } from './browser.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Console errors other than the browser's own log of an expected 401 (the session check before sign-in). */
function unexpectedConsole(problems: { console: string[] }): string[] {
  return problems.console.filter((text) => !/Failed to load resource: the server responded with a status of 401/.test(text));
}

describe('sign-in, the purpose prompt and oversight, in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const user = (name: string): TestUser => {
    const found = server.users.find((u) => u.username === name);
    if (!found) throw new Error(`no test user ${name}`);
    return found;
  };

  async function newPage(): Promise<{ page: Page; context: BrowserContext; problems: ReturnType<typeof recordPageProblems> }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return { page, context, problems: recordPageProblems(page) };
  }

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([
      startTestServer({
        webRoot: webDist,
        users: [
          { username: 'ana', role: 'analyst' },
          { username: 'olu', role: 'oversight' },
          { username: 'ovi', role: 'oversight' },
        ],
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser.close();
    await server.close();
  });

  it('signs in with password and a second factor enrolled on first use, refuses a replayed code, and signs out', async () => {
    const { page, context, problems } = await newPage();
    const ana = user('ana');
    await page.goto(`${server.url}/search`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    await page.getByLabel('Username').fill('ana');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong username, password or code');

    await page.getByLabel('Password').fill(ana.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Second factor' }).waitFor();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.getByText('Every search, read and export is recorded').count()).toBe(1);
    await saveScreenshot(page, 'sign-in-enrol.png');

    const code = totpCode(base32Decode(secret), totpStep(new Date()));
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Accept the terms of use');
    await page.getByLabel('I have read and accept these terms of use').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
    expect(await page.getByTestId('signed-in-user').textContent()).toBe(ana.displayName);

    // The purpose prompt: nothing can be searched until a case and purpose are stated.
    expect(await page.getByRole('searchbox', { name: 'Search all sources' }).isDisabled()).toBe(true);
    expect(await page.locator('#search-hint').textContent()).toContain('Set a working context to search');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect((await context.request.get(`${server.url}/api/auth/me`)).status()).toBe(401);

    // The same code again, in the same 30 seconds: refused.
    await page.getByLabel('Username').fill('ana');
    await page.getByLabel('Password').fill(ana.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Second factor' }).waitFor();
    expect(await page.getByTestId('totp-secret').count()).toBe(0);
    await page.getByLabel('Code').fill(code);
    await page.getByLabel('I have read and accept these terms of use').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That code was not accepted');
    await saveScreenshot(page, 'sign-in-code.png');

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });

  it('the oversight page asks for the oversight purpose, then reports who looked up a subject and takes a sign-off', async () => {
    // An analyst's view of a subject, and an hour of after-hours bulk reads, to report on.
    const operator = createContext({ db: server.store.db, actor: LOCAL_OPERATOR, config: defaultConfig() });
    const { id: caseId } = await createCase(operator, { title: 'Harbour payments', purpose: 'fraud-audit' });
    await registerSource(operator, { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    const working = { ...operator, purpose: { caseId, code: 'fraud-audit', justification: 'payment trail from the bank report' } };
    await writeEntities(working, { sourceId: 'registry', entities: [{ id: 'person-7', schema: 'Person', properties: { name: ['Mira Novak'] }, origin: 'R7' }] });
    await getEntity(working, 'person-7');
    for (let i = 0; i < 60; i++) {
      await recordEvent({ ...working, now: () => new Date(Date.UTC(2026, 1, 2, 23, 0, i)) }, server.store.db, { category: 'consultation', action: 'entity.view', subjectIds: ['person-7'] });
    }

    const { page, context, problems } = await newPage();
    await signInThroughApi(context, server.url, user('olu'));
    await page.goto(`${server.url}/oversight`);
    await page.getByRole('heading', { level: 1, name: 'Oversight' }).waitFor();
    await expect.poll(() => page.getByTestId('audit-status').getAttribute('data-verified')).toBe('true');
    expect(await page.getByTestId('audit-status').getAttribute('data-scope')).toBe('head');
    // The quick answer says what it did not check; the full one recomputes every event.
    await page.getByRole('button', { name: 'Verify every event' }).click();
    await expect.poll(() => page.getByTestId('audit-status').getAttribute('data-scope')).toBe('full');
    expect(await page.getByTestId('audit-status').getAttribute('data-verified')).toBe('true');
    await page.getByText('Choose the Oversight purpose to run reports').waitFor();

    await page.getByRole('region', { name: 'Working context' }).getByRole('button', { name: 'Set working context' }).click();
    const form = page.getByRole('form', { name: 'Set working context' });
    await form.getByLabel('Purpose', { exact: true }).selectOption({ label: 'Oversight' });
    await form.getByLabel('Justification', { exact: true }).fill('complaint 2026/31 from the data subject');
    await form.getByRole('button', { name: 'Use this context' }).click();
    await form.waitFor({ state: 'detached' });

    await page.getByLabel('Subject (entity id)').fill('person-7');
    await page.getByRole('region', { name: 'Who looked up a subject' }).getByRole('button', { name: 'Run report' }).click();
    const table = page.getByRole('table', { name: 'Lookups of the subject' });
    await table.waitFor();
    const text = (await table.textContent()) ?? '';
    expect(text).toContain(caseId);
    expect(text).toContain('payment trail from the bank report');
    expect(text).toContain('entity.view');

    const queue = page.getByRole('region', { name: 'Review queue' });
    await queue.getByText('After-hours bulk reads').first().waitFor();
    await queue.getByLabel('Review note').first().fill('night shift on the port raid, confirmed with the duty officer');
    await queue.getByRole('button', { name: 'Sign off' }).first().click();
    await queue.getByText('Signed off').first().waitFor();
    await saveScreenshot(page, 'oversight.png', { fullPage: true });

    // An analyst sees no reports.
    const analyst = await newPage();
    await analyst.page.goto(`${server.url}/oversight`);
    await analyst.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });
});
