import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createCase, createContext, defaultConfig, judgePair, LOCAL_OPERATOR, registerSource, resolveEntities, reviewQueue, writeEntities, type Actor } from '@casegraph/core';
import { startTestServer } from '../../server/src/test-support/test-server.js';
import { ensureWebBuild, horizontalOverflow, launchBrowser, recordPageProblems, saveScreenshot, signInThroughApi, webDist, phonePageLike } from './browser.js';
import { LICENCE_PEOPLE, REGISTRY_PEOPLE } from './review-people.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Console errors other than the browser's own log of the refusal the test provokes on purpose (a judgment without a reason). */
function unexpectedConsole(problems: { console: string[] }): string[] {
  return problems.console.filter((text) => !/Failed to load resource: the server responded with a status of 400/.test(text));
}

describe('the review queue in the web app, in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let caseId: string;
  let analyst: Actor;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([startTestServer({ webRoot: webDist, users: [{ username: 'ana', role: 'analyst' }, { username: 'sam', role: 'supervisor' }] }), launchBrowser()]);
    const db = server.store.db;
    const config = defaultConfig();
    const operator = createContext({ db, actor: LOCAL_OPERATOR, config });
    await registerSource(operator, { id: 'civil-registry', name: 'Civil registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    await registerSource(operator, { id: 'licences', name: 'Vehicle licence register', legalBasis: 'Order 2', purposes: ['fraud-audit'] });
    const { id: userId } = await db.selectFrom('users').select('id').where('username', '=', 'ana').executeTakeFirstOrThrow();
    analyst = { userId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    ({ id: caseId } = await createCase(createContext({ db, actor: analyst, config }), { title: 'Duplicate licence holders', purpose: 'fraud-audit' }));
    const loading = createContext({ db, actor: LOCAL_OPERATOR, config, purpose: { caseId, code: 'fraud-audit', justification: 'test' } });
    await writeEntities(loading, { sourceId: 'civil-registry', entities: REGISTRY_PEOPLE });
    await writeEntities(loading, { sourceId: 'licences', entities: LICENCE_PEOPLE });
    await resolveEntities(loading, { threshold: 0.5 });
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser.close();
    await server.close();
  });

  async function setWorkingContext(page: Page): Promise<void> {
    await page.getByRole('region', { name: 'Working context' }).getByRole('button', { name: 'Set working context' }).click();
    const form = page.getByRole('form', { name: 'Set working context' });
    await form.getByLabel('Case', { exact: true }).fill(caseId);
    await form.getByLabel('Purpose', { exact: true }).selectOption({ label: 'Fraud audit' });
    await form.getByLabel('Justification', { exact: true }).fill('claims paid twice to the same person');
    await form.getByRole('button', { name: 'Use this context' }).click();
    await form.waitFor({ state: 'detached' });
  }

  function pairTitle(page: Page) {
    return page.getByRole('heading', { level: 2, name: / and / });
  }

  function outcome(page: Page) {
    return page.getByRole('status').filter({ hasText: /^(Judged|Undone)/ });
  }

  async function count(page: Page): Promise<number> {
    const text = (await page.getByText(/^\d+ pairs? to review$/).textContent()) ?? '';
    return Number(/^(\d+)/.exec(text)?.[1]);
  }

  async function openQueue(page: Page): Promise<void> {
    await page.goto(`${server.url}/review`);
    await page.getByRole('heading', { level: 1, name: 'Review' }).waitFor();
    expect(await page.getByText('This section needs a working context.').count()).toBe(1);
    await setWorkingContext(page);
    await pairTitle(page).waitFor();
  }

  it('shows the most uncertain pair with why it scored so, refuses a judgment without a reason, judges by key, and undoes back to the first pair', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = recordPageProblems(page);
    const ana = server.users[0];
    if (!ana) throw new Error('no analyst');
    await signInThroughApi(context, server.url, ana);
    await openQueue(page);

    // The most uncertain pair first: a copy with a birth year one digit off, at another address.
    const total = await count(page);
    expect(total).toBeGreaterThan(2);
    expect(await pairTitle(page).textContent()).toBe('Imogen Fairbairn and Imogen Fairbairn');
    expect(await page.getByText('match probability').count()).toBe(1);
    expect(await page.locator('.pair-score__percent').textContent()).toMatch(/^\d+(\.\d)?%$/);
    const why = page.getByRole('table', { name: /weight each comparison added/ });
    const comparisons = await why.getByRole('rowheader').allTextContents();
    expect(comparisons).toEqual(expect.arrayContaining(['birth date', 'address', 'name', 'prior']));
    const weights = (await why.locator('.contributions__bits').allTextContents()).map((w) => Number(w.replace('−', '-').replace(' bits', '')));
    // Strongest first, whichever way it points, and each weight carries its sign.
    expect(weights.map(Math.abs)).toEqual([...weights.map(Math.abs)].sort((x, y) => y - x));
    for (const text of await why.locator('.contributions__bits').allTextContents()) expect(text).toMatch(/^[+−]\d+\.\d bits$/);
    expect(await why.getByRole('row').filter({ hasText: 'address' }).textContent()).toMatch(/−\d+\.\d bits/);
    // Both records side by side, the values that differ marked.
    const first = page.getByRole('table', { name: /^Values of Record 1/ });
    const second = page.getByRole('table', { name: /^Values of Record 2/ });
    expect(await first.getByRole('row').filter({ hasText: 'birth date' }).locator('mark').count()).toBe(1);
    expect(await first.getByRole('row').filter({ hasText: /^name/ }).locator('mark').count()).toBe(0);
    expect(await second.getByRole('cell', { name: 'civil-registry' }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Same' }).getAttribute('aria-keyshortcuts')).toBe('y Alt+y');
    expect(await page.getByRole('button', { name: 'Different' }).getAttribute('aria-keyshortcuts')).toBe('n Alt+n');
    expect(await page.getByRole('button', { name: 'Unsure' }).getAttribute('aria-keyshortcuts')).toBe('u Alt+u');
    await saveScreenshot(page, 'review-pair.png');
    await saveScreenshot(page, 'review-pair-full.png', { fullPage: true });

    // Without a reason the server refuses, and says why, beside the field.
    await page.getByRole('button', { name: 'Different' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/say why, in a few words/i);
    const reason = page.getByRole('textbox', { name: 'Reason' });
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('review-reason');
    expect(await pairTitle(page).textContent()).toBe('Imogen Fairbairn and Imogen Fairbairn');
    await saveScreenshot(page, 'review-no-reason.png');

    // Enter does not judge: it leaves the field for the verdicts, where n means Different.
    await reason.fill('born nine years apart, at another address');
    await reason.press('Enter');
    expect(await pairTitle(page).textContent()).toBe('Imogen Fairbairn and Imogen Fairbairn');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('review-verdicts');
    await page.keyboard.press('n');
    await expect.poll(() => outcome(page).textContent()).toBe(`Judged different: Imogen Fairbairn and Imogen Fairbairn are kept apart. ${total - 1} pairs to review.`);
    expect(await pairTitle(page).textContent()).toBe('Bartholomew Fairbairn and Bartholomew Fairbairn');
    expect(await count(page)).toBe(total - 1);
    // The next pair starts with an empty reason, and focus is back in it.
    expect(await reason.inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('review-reason');

    // Inside the field, Alt with the letter judges.
    await reason.fill('same name, but born decades apart');
    await reason.press('Alt+u');
    await expect.poll(() => outcome(page).textContent()).toMatch(/^Judged unsure: Bartholomew Fairbairn and Bartholomew Fairbairn/);
    expect(await pairTitle(page).textContent()).not.toBe('Bartholomew Fairbairn and Bartholomew Fairbairn');
    await saveScreenshot(page, 'review-judged.png');

    // z (once out of the field) undoes the last judgment; the Undo button the one before.
    await reason.press('Escape');
    await page.keyboard.press('z');
    await expect.poll(() => pairTitle(page).textContent()).toBe('Bartholomew Fairbairn and Bartholomew Fairbairn');
    expect(await outcome(page).textContent()).toMatch(/^Undone: the judgment of Bartholomew Fairbairn and Bartholomew Fairbairn is withdrawn/);
    expect(await reason.inputValue()).toBe('same name, but born decades apart');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => pairTitle(page).textContent()).toBe('Imogen Fairbairn and Imogen Fairbairn');
    expect(await count(page)).toBe(total);
    expect(await page.getByRole('button', { name: 'Undo' }).count()).toBe(0);

    // Undone judgments stay on record, marked.
    const judgments = await server.store.db.selectFrom('judgments').select(['verdict', 'reason', 'undone_at']).orderBy('judged_at').execute();
    expect(judgments.map((j) => [j.verdict, j.reason, j.undone_at !== null])).toEqual([
      ['negative', 'born nine years apart, at another address', true],
      ['unsure', 'same name, but born decades apart', true],
    ]);

    // After a reload the server's queue agrees: the first pair is open again.
    await page.reload();
    await expect.poll(() => pairTitle(page).textContent()).toBe('Imogen Fairbairn and Imogen Fairbairn');
    expect(await count(page)).toBe(total);

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });

  it('on a 390px phone the two records stack and nothing scrolls sideways', async () => {
    const { context, page, problems } = await phonePageLike(browser, contexts[0]);
    contexts.push(context);
    await openQueue(page);

    const first = await page.getByRole('region', { name: /^Record 1/ }).boundingBox();
    const second = await page.getByRole('region', { name: /^Record 2/ }).boundingBox();
    if (first === null || second === null) throw new Error('the records are not on screen');
    expect(second.y).toBeGreaterThanOrEqual(first.y + first.height);
    expect(Math.abs(second.x - first.x)).toBeLessThan(1);
    expect(await horizontalOverflow(page)).toBe(0);
    await pairTitle(page).evaluate((element) => element.scrollIntoView());
    await saveScreenshot(page, 'review-pair-phone.png');
    await page.getByRole('heading', { level: 3, name: /^Record 1/ }).evaluate((element) => element.scrollIntoView());
    await saveScreenshot(page, 'review-records-phone.png');
    await page.getByRole('region', { name: 'Your judgment' }).evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await saveScreenshot(page, 'review-decision-phone.png');
    await saveScreenshot(page, 'review-pair-phone-full.png', { fullPage: true });

    // A tap judges too; on a touch screen the next pair shows from its top, without the keyboard popping up over it.
    await page.getByRole('textbox', { name: 'Reason' }).fill('born nine years apart, at another address');
    await page.getByRole('button', { name: 'Different' }).tap();
    await expect.poll(() => outcome(page).textContent()).toMatch(/^Judged different: Imogen Fairbairn and Imogen Fairbairn/);
    expect(await pairTitle(page).textContent()).toBe('Bartholomew Fairbairn and Bartholomew Fairbairn');
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('review-reason');
    // The page went back up to the outcome, with Undo beside it, and the new pair below.
    const toolbar = await page.getByText(/^\d+ pairs to review$/).boundingBox();
    expect(toolbar?.y).toBeGreaterThanOrEqual(0);
    expect(toolbar?.y).toBeLessThan(400);
    await saveScreenshot(page, 'review-judged-phone.png');
    await page.getByRole('button', { name: 'Undo' }).tap();
    await expect.poll(() => pairTitle(page).textContent()).toBe('Imogen Fairbairn and Imogen Fairbairn');
    expect(await horizontalOverflow(page)).toBe(0);

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });
  it('with every pair judged the queue says so, and a supervisor may run resolution again', async () => {
    const ctx = createContext({ db: server.store.db, actor: analyst, config: defaultConfig(), purpose: { caseId, code: 'fraud-audit', justification: 'clearing the queue' } });
    for (const pair of (await reviewQueue(ctx, { limit: 100 })).pairs) await judgePair(ctx, { a: pair.a.id, b: pair.b.id, verdict: 'unsure', reason: 'cleared for the test' });
    const sam = server.users[1];
    if (!sam) throw new Error('no supervisor');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = recordPageProblems(page);
    await signInThroughApi(context, server.url, sam);
    await page.goto(`${server.url}/review`);
    await setWorkingContext(page);
    await page.getByRole('heading', { level: 2, name: 'Nothing to review' }).waitFor();
    expect(await count(page)).toBe(0);
    expect(await page.getByRole('textbox', { name: 'Reason' }).count()).toBe(0);
    // The letters do nothing with no pair shown.
    await page.keyboard.press('y');
    expect(await outcome(page).count()).toBe(0);

    await page.getByRole('button', { name: 'Run resolution' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /^Resolution compared/ }).textContent()).toMatch(/^Resolution compared 72 records: \d+ candidate pairs/);
    // Judgments outlive a new run: the queue stays empty.
    await page.getByRole('heading', { level: 2, name: 'Nothing to review' }).waitFor();
    expect(await count(page)).toBe(0);
    await saveScreenshot(page, 'review-empty.png');

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });
});
