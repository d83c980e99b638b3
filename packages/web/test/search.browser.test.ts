import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createCase, createContext, defaultConfig, LOCAL_OPERATOR, registerSource, writeEntities, type Actor, type SourcedEntity } from '@casegraph/core';
import { startTestServer } from '../../server/src/test-support/test-server.js';
import { ensureWebBuild, horizontalOverflow, launchBrowser, recordPageProblems, saveScreenshot, signInThroughApi, webDist, phonePageLike } from './browser.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Console errors other than the browser's own log of answers the test provokes on purpose (a refused query, a missing record). */
function unexpectedConsole(problems: { console: string[] }): string[] {
  return problems.console.filter((text) => !/Failed to load resource: the server responded with a status of (400|404)/.test(text));
}

// Invented people and companies; none is a real person.
const PEOPLE: SourcedEntity[] = [
  {
    id: 'p-1',
    schema: 'Person',
    origin: 'R1',
    properties: { name: ['Margarethe Oyelaran'], birthDate: ['1981-04-02'], address: ['Flat 3, 12 Harbour Street, Portsmouth PO1 2AB'] },
  },
  {
    id: 'p-2',
    schema: 'Person',
    origin: 'R2',
    properties: { name: ['Tobiah Oyelaran'], birthDate: ['1976-11-20'], address: ['Flat 5, 12 Harbour Street, Portsmouth PO1 2AB'] },
  },
  { id: 'p-3', schema: 'Person', origin: 'R3', properties: { name: ['Kwabena Ferreira-Lindqvist'], birthDate: ['1990-07-15'], address: ['4 Quarry Lane, Exeter EX2 9ZZ'] } },
  { id: 'p-4', schema: 'Person', origin: 'R4', properties: { name: ['Ilse Marwood-Tan'], address: ['27 Orchard Row, Leeds LS6 4QX'] } },
  { id: 'c-2', schema: 'Company', origin: 'R6', properties: { name: ['Margarethe Oyelaran Consulting Ltd'], country: ['gb'], address: ['Unit 2, 40 Dockside Road, Southampton SO14 3TJ'] } },
  { id: 'c-1', schema: 'Company', origin: 'R5', properties: { name: ['Oyelaran Marine Holdings Ltd'], country: ['gb'], address: ['12 Harbour Street, Portsmouth PO1 2AB'] } },
];

// Enough relatives of the same invented surname to need a second page of results.
const RELATIVES: SourcedEntity[] = ['Adaeze', 'Bolaji', 'Chidinma', 'Damilare', 'Ebunoluwa', 'Folarin', 'Gbemisola', 'Haruna', 'Ifeoluwa', 'Jadesola', 'Kayode', 'Lanre', 'Modupe', 'Nnamdi', 'Oluwaseun', 'Remilekun', 'Sekinat', 'Temitope', 'Uchenna', 'Yetunde', 'Zainab', 'Babatunde'].map(
  (given, i) => ({ id: `r-${i}`, schema: 'Person', origin: `F${i}`, properties: { name: [`${given} Oyelaran`] } }),
);

describe('search and entity profiles in the web app, in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let caseId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([startTestServer({ webRoot: webDist, users: [{ username: 'ana', role: 'analyst' }] }), launchBrowser()]);
    const db = server.store.db;
    const config = defaultConfig();
    await registerSource(createContext({ db, actor: LOCAL_OPERATOR, config }), { id: 'registry', name: 'Registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    const { id: userId } = await db.selectFrom('users').select('id').where('username', '=', 'ana').executeTakeFirstOrThrow();
    const analyst: Actor = { userId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    ({ id: caseId } = await createCase(createContext({ db, actor: analyst, config }), { title: 'Harbour payments', purpose: 'fraud-audit' }));
    const loading = createContext({ db, actor: LOCAL_OPERATOR, config, purpose: { caseId, code: 'fraud-audit', justification: 'test data' } });
    await writeEntities(loading, { sourceId: 'registry', entities: [...PEOPLE, ...RELATIVES] });
    await registerSource(createContext({ db, actor: LOCAL_OPERATOR, config }), { id: 'vehicle-register', name: 'Vehicle register', legalBasis: 'Order 2', purposes: ['fraud-audit'] });
    await writeEntities(loading, { sourceId: 'vehicle-register', entities: [{ id: 'p-1', schema: 'Person', origin: 'E-77', properties: { name: ['Margarethe Oyelaran'], phone: ['+44 20 7946 0411'] } }] });
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser.close();
    await server.close();
  });

  function results(page: Page) {
    return page.getByRole('region', { name: 'Results' }).getByRole('article');
  }

  function searchBox(page: Page) {
    return page.getByRole('searchbox', { name: 'Search all sources' });
  }

  async function search(page: Page, text: string): Promise<void> {
    await searchBox(page).fill(text);
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  }

  it('finds a misspelled name with its explanation, refines by facet, opens the profile, searches an address, and shows refusals', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = recordPageProblems(page);
    const ana = server.users[0];
    if (!ana) throw new Error('no analyst');
    await signInThroughApi(context, server.url, ana);
    await page.goto(`${server.url}/search`);
    await page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
    expect(await searchBox(page).isDisabled()).toBe(true);

    await page.getByRole('region', { name: 'Working context' }).getByRole('button', { name: 'Set working context' }).click();
    const form = page.getByRole('form', { name: 'Set working context' });
    await form.getByLabel('Case', { exact: true }).fill(caseId);
    await form.getByLabel('Purpose', { exact: true }).selectOption({ label: 'Fraud audit' });
    await form.getByLabel('Justification', { exact: true }).fill('payments routed through the harbour office');
    await form.getByRole('button', { name: 'Use this context' }).click();
    await form.waitFor({ state: 'detached' });

    // A misspelled name still finds the person first, and says why.
    await search(page, 'Margarete Oyelaran');
    await expect.poll(() => page.getByRole('status').filter({ hasText: /results? for/ }).textContent()).toMatch(/\d+ results? for “Margarete Oyelaran”/);
    const first = results(page).first();
    expect(await first.getByRole('heading', { level: 3 }).textContent()).toBe('Margarethe Oyelaran');
    const why = first.getByRole('list', { name: 'Why it matched' });
    expect(await why.textContent()).toContain('Margarethe Oyelaran');
    expect(await why.textContent()).toMatch(/name/);
    expect(await first.textContent()).toContain('Person');
    expect(new URL(page.url()).searchParams.get('q')).toBe('Margarete Oyelaran');
    const before = await results(page).allTextContents();
    expect(before.join(' ')).toContain('Margarethe Oyelaran Consulting Ltd');

    // A facet adds its filter to the query and searches again.
    const refine = page.getByRole('complementary', { name: 'Refine' });
    await refine.getByRole('button', { name: /^Person/ }).click();
    await expect.poll(() => searchBox(page).inputValue()).toBe('Margarete Oyelaran schema:Person');
    await expect.poll(() => page.getByRole('status').filter({ hasText: /results? for/ }).textContent()).toContain('for “Margarete Oyelaran schema:Person”');
    expect(await refine.getByRole('button', { name: /^Person/ }).getAttribute('aria-pressed')).toBe('true');
    const afterFacet = await results(page).allTextContents();
    expect(afterFacet.length).toBeGreaterThan(0);
    expect(afterFacet.length).toBeLessThan(before.length);
    expect(afterFacet.join(' ')).not.toContain('Consulting Ltd');
    expect(new URL(page.url()).searchParams.get('q')).toBe('Margarete Oyelaran schema:Person');
    await saveScreenshot(page, 'search-results.png', { fullPage: true });

    // A source facet narrows to records from that source.
    await refine.getByRole('button', { name: /^Vehicle register/ }).click();
    await expect.poll(() => searchBox(page).inputValue()).toBe('Margarete Oyelaran schema:Person source:vehicle-register');
    await expect.poll(() => page.getByRole('status').filter({ hasText: /results? for/ }).textContent()).toContain('source:vehicle-register');
    expect(await results(page).count()).toBe(1);
    expect(await results(page).first().getByRole('list', { name: 'Why it matched' }).textContent()).toContain('in Vehicle register');

    // A reload repeats the search named in the address.
    await page.reload();
    await expect.poll(() => results(page).first().getByRole('heading', { level: 3 }).textContent()).toBe('Margarethe Oyelaran');

    // The profile: every value with its source and when it was seen.
    await results(page).first().getByRole('link', { name: 'Margarethe Oyelaran' }).click();
    await page.waitForURL((url) => url.pathname === '/entities/p-1');
    await page.getByRole('heading', { level: 1, name: 'Margarethe Oyelaran' }).waitFor();
    const values = page.getByRole('table', { name: /^Values of Margarethe Oyelaran/ });
    const nameRow = values
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'name', exact: true }) })
      .filter({ has: page.getByRole('cell', { name: 'registry', exact: true }) });
    const cells = await nameRow.getByRole('cell').allTextContents();
    expect(cells[0]).toBe('Margarethe Oyelaran');
    expect(cells[1]).toBe('registry');
    expect(cells[2]).toBe('R1');
    expect(cells[3]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await values.textContent()).toContain('1981-04-02');
    const summary = (await page.getByRole('region', { name: 'Record' }).textContent()) ?? '';
    expect(summary).toContain('Person');
    expect(summary).toContain('Vehicle register');
    await saveScreenshot(page, 'entity-profile.png', { fullPage: true });

    // Back to the results, shown again without another search.
    await page.getByRole('link', { name: '← Back to search' }).click();
    await expect.poll(() => results(page).first().getByRole('heading', { level: 3 }).textContent()).toBe('Margarethe Oyelaran');

    // The address entry runs an address: query.
    await page.getByText('Address search', { exact: true }).click();
    const address = page.getByRole('form', { name: 'Address search' });
    await address.getByLabel('Street and number').fill('Flat 3, 12 Harbour Street');
    await address.getByLabel('Town').fill('Portsmouth');
    await address.getByLabel('Postcode').fill('PO1 2AB');
    await address.getByRole('button', { name: 'Search address' }).click();
    await expect.poll(() => searchBox(page).inputValue()).toBe('address:"Flat 3, 12 Harbour Street, Portsmouth, PO1 2AB"');
    await expect.poll(() => results(page).first().getByRole('heading', { level: 3 }).textContent()).toBe('Margarethe Oyelaran');
    expect(await results(page).first().getByRole('list', { name: 'Why it matched' }).textContent()).toContain('Harbour Street');
    await saveScreenshot(page, 'search-address.png', { fullPage: true });

    // A second page joins the first, and keyboard focus moves to the first result it added.
    await search(page, 'Oyelaran');
    await expect.poll(() => page.getByText(/^Showing 20 of \d+$/).count()).toBe(1);
    const total = Number(/of (\d+)/.exec((await page.getByText(/^Showing 20 of/).textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'More results' }).click();
    await expect.poll(() => results(page).count()).toBe(total);
    expect(await page.getByRole('button', { name: 'More results' }).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('hit-20-link');

    // Filters alone are refused, with the server's reason.
    await search(page, 'schema:Person');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('a search names someone or something');
    expect(await results(page).count()).toBe(0);
    await saveScreenshot(page, 'search-refused.png');

    // A record that does not exist, or is not visible, answers the same.
    await page.goto(`${server.url}/entities/no-such-record`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not found or is not visible to you');

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });

  it('a shared search link runs once a context is set, and on a 390px phone the results and the profile fit without sideways scrolling', async () => {
    const { context, page, problems } = await phonePageLike(browser, contexts[0]);
    contexts.push(context);
    // A shared link names the query; it runs once the recipient states a working context.
    await page.goto(`${server.url}/search?q=${encodeURIComponent('Margarete Oyelaran')}`);
    await page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
    expect(await searchBox(page).inputValue()).toBe('Margarete Oyelaran');
    expect(await results(page).count()).toBe(0);

    await page.getByRole('region', { name: 'Working context' }).getByRole('button', { name: 'Set working context' }).click();
    const form = page.getByRole('form', { name: 'Set working context' });
    await form.getByLabel('Case', { exact: true }).fill(caseId);
    await form.getByLabel('Purpose', { exact: true }).selectOption({ label: 'Fraud audit' });
    await form.getByLabel('Justification', { exact: true }).fill('payments routed through the harbour office');
    await form.getByRole('button', { name: 'Use this context' }).click();
    await form.waitFor({ state: 'detached' });

    await expect.poll(() => results(page).first().getByRole('heading', { level: 3 }).textContent()).toBe('Margarethe Oyelaran');
    expect(await horizontalOverflow(page)).toBe(0);
    await page.getByRole('heading', { level: 2, name: 'Refine' }).evaluate((element) => element.scrollIntoView());
    await saveScreenshot(page, 'search-results-phone.png');
    await page.getByText('Search syntax', { exact: true }).click();
    await page.getByText('Address search', { exact: true }).click();
    expect(await horizontalOverflow(page)).toBe(0);
    await page.getByRole('search').evaluate((element) => element.scrollIntoView());
    await saveScreenshot(page, 'search-help-phone.png');

    await results(page).first().getByRole('link', { name: 'Margarethe Oyelaran' }).click();
    await page.getByRole('heading', { level: 1, name: 'Margarethe Oyelaran' }).waitFor();
    await page.getByRole('table', { name: /^Values of Margarethe Oyelaran/ }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await page.getByRole('heading', { level: 2, name: 'Values' }).evaluate((element) => element.scrollIntoView());
    await saveScreenshot(page, 'entity-profile-phone.png');

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });
});
