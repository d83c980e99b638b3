import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addCaseSubject, createCase, createContext, defaultConfig, listNotifications, LOCAL_OPERATOR, registerSource, writeEntities, type Actor, type SourcedEntity } from '@casegraph/core';
import { startTestServer } from '../../server/src/test-support/test-server.js';
import { ensureWebBuild, horizontalOverflow, launchBrowser, phonePageLike, recordPageProblems, saveScreenshot, signInThroughApi, webDist } from './browser.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

// Invented people and companies; none is a real person.
const ENTITIES: SourcedEntity[] = [
  { id: 'p-corvin', schema: 'Person', origin: 'R1', properties: { name: ['Corvin Halloway-Brandt'], birthDate: ['1979-06-21'] } },
  { id: 'c-saltmarsh', schema: 'Company', origin: 'R2', properties: { name: ['Saltmarsh Ferry Logistics Ltd'], country: ['gb'] } },
  {
    id: 'pay-1',
    schema: 'Payment',
    origin: 'R3',
    properties: { payer: ['p-corvin'], beneficiary: ['c-saltmarsh'], amount: ['12400'], currency: ['EUR'], date: ['2025-03-14'], purpose: ['consultancy invoice 77'] },
  },
];

// Bytes of a made-up bank statement: the stored digest must equal this file's SHA-256.
const EVIDENCE = Buffer.from('Statement of account 4471\n2025-03-14  transfer to Saltmarsh Ferry Logistics Ltd  12,400.00 EUR\n', 'utf8');
const EVIDENCE_SHA256 = createHash('sha256').update(EVIDENCE).digest('hex');

const TITLE = 'Saltmarsh ferry invoices';
const JUSTIFICATION = 'invoices routed through the ferry company';

// The other unit's case that already has the same subject: an overlap the analyst may not see into.
const OTHER_TITLE = 'Quayside smuggling ring';
const OTHER_UNIT = 'port-unit';

/** Console errors other than the browser's log of refusals a test provokes on purpose (a refused file type, a file too large). */
function unexpectedConsole(problems: { console: string[] }): string[] {
  return problems.console.filter((text) => !/Failed to load resource: the server responded with a status of (400|404|413)/.test(text));
}

describe('the case workspace in the web app, in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let caseId = '';
  let pavel: Actor;
  let otherCase = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([startTestServer({ webRoot: webDist, users: [{ username: 'ana', role: 'analyst' }] }), launchBrowser()]);
    const db = server.store.db;
    const config = defaultConfig();
    await registerSource(createContext({ db, actor: LOCAL_OPERATOR, config }), { id: 'registry', name: 'Company registry', legalBasis: 'Order 1', purposes: ['fraud-audit'] });
    const { id: userId } = await db.selectFrom('users').select('id').where('username', '=', 'ana').executeTakeFirstOrThrow();
    const analyst: Actor = { userId, sessionId: null, organisation: 'local', roles: ['analyst'], compartments: [] };
    // Records are written under a case of their own, as an import would be.
    const { id: loadingCase } = await createCase(createContext({ db, actor: analyst, config }), { title: 'Registry intake', purpose: 'fraud-audit' });
    const loading = createContext({ db, actor: LOCAL_OPERATOR, config, purpose: { caseId: loadingCase, code: 'fraud-audit', justification: 'test data' } });
    await writeEntities(loading, { sourceId: 'registry', entities: ENTITIES });
    // An analyst of another unit already works on the same person, in a case the analyst here may not see.
    await db.insertInto('organisations').values({ id: OTHER_UNIT, name: 'Port unit' }).execute();
    pavel = { userId: randomUUID(), sessionId: null, organisation: OTHER_UNIT, roles: ['analyst'], compartments: [] };
    await db.insertInto('users').values({ id: pavel.userId, username: 'pavel', display_name: 'Pavel Example', organisation: OTHER_UNIT, roles: ['analyst'], compartments: [], password_hash: null }).execute();
    otherCase = (await createCase(createContext({ db, actor: pavel, config }), { title: OTHER_TITLE, purpose: 'fraud-audit' })).id;
    const pavelWorks = createContext({ db, actor: pavel, config, purpose: { caseId: otherCase, code: 'fraud-audit', justification: 'smuggling tip' } });
    await addCaseSubject(pavelWorks, { caseId: otherCase, entityId: 'p-corvin', category: 'suspect' });
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.close();
  });

  function tab(page: Page, name: string) {
    return page.getByRole('navigation', { name: 'Case sections' }).getByRole('link', { name, exact: true });
  }

  async function openTab(page: Page, name: string): Promise<void> {
    await tab(page, name).click();
    await expect.poll(() => tab(page, name).getAttribute('aria-current')).toBe('page');
  }

  async function workOnCase(page: Page): Promise<void> {
    const offer = page.getByRole('form', { name: 'Work on this case' });
    await offer.getByLabel('Purpose').selectOption({ label: 'Fraud audit' });
    await offer.getByLabel('Justification').fill(JUSTIFICATION);
    await offer.getByRole('button', { name: `Work on ${caseId}` }).click();
    await offer.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('region', { name: 'Working context' }).textContent()).toContain(caseId);
  }

  it('opens a case, adds a subject found by search, a task, a note and evidence, shows the timeline and exports the case file', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = recordPageProblems(page);
    const ana = server.users[0];
    if (!ana) throw new Error('no analyst');
    await signInThroughApi(context, server.url, ana);

    // The list, then a new case from its form.
    await page.goto(`${server.url}/cases`);
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Your cases' }).textContent()).toContain('Registry intake');
    await page.getByRole('button', { name: 'New case' }).click();
    const form = page.getByRole('form', { name: 'New case' });
    await form.getByLabel('Title').fill(TITLE);
    await form.getByLabel('Purpose').selectOption({ label: 'Fraud audit' });
    await form.getByLabel(/^Summary/).fill('Invoices paid to a ferry company for consultancy never delivered.');
    await saveScreenshot(page, 'cases-new.png', { fullPage: true });
    await form.getByRole('button', { name: 'Open case' }).click();
    await page.waitForURL((url) => /^\/cases\/C-\d{4}-\d{4,}$/.test(url.pathname));
    caseId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(await page.getByRole('region', { name: 'Status' }).textContent()).toContain('Open');

    // Personal-data reads need this case as the working case: one form states it.
    await workOnCase(page);
    // The team by display name, the username beside it.
    await expect.poll(() => page.getByRole('region', { name: 'Team' }).textContent()).toContain(ana.displayName);
    expect(await page.getByRole('region', { name: 'Team' }).textContent()).toContain('ana');
    expect(await horizontalOverflow(page)).toBe(0);
    await saveScreenshot(page, 'case-overview.png', { fullPage: true });

    // Subjects: found by search, added with a category, listed with links to the profile and the chart.
    await openTab(page, 'Subjects');
    await page.getByRole('search', { name: 'Find a subject' }).getByLabel('Find a person, company or thing').fill('Corvin Halloway');
    await page.getByRole('search', { name: 'Find a subject' }).getByRole('button', { name: 'Find' }).click();
    const pick = page.getByRole('form', { name: 'Choose the subject to add' });
    await pick.getByRole('radio', { name: /Corvin Halloway-Brandt/ }).check();
    await pick.getByLabel('Category').selectOption('suspect');
    await pick.getByRole('button', { name: 'Add subject' }).click();
    const subjects = page.getByRole('region', { name: 'Subjects' }).getByRole('list').first();
    await expect.poll(() => subjects.textContent()).toContain('Corvin Halloway-Brandt');
    expect(await subjects.getByRole('link', { name: 'Corvin Halloway-Brandt' }).getAttribute('href')).toBe('/entities/p-corvin');
    expect(await subjects.getByRole('link', { name: 'Chart' }).getAttribute('href')).toBe('/graph?entity=p-corvin');
    expect(await subjects.getByLabel('Category of Corvin Halloway-Brandt').inputValue()).toBe('suspect');
    expect(await page.getByRole('region', { name: 'Add a subject' }).getByRole('status').textContent()).toContain('Another case also has this subject');
    await saveScreenshot(page, 'case-subjects.png', { fullPage: true });

    // The overlap, masked: only the other unit and whom to contact; the owner shares this side.
    await openTab(page, 'Overview');
    const overlaps = page.getByRole('region', { name: 'Overlaps with other cases' });
    await expect.poll(() => overlaps.textContent()).toContain(`Another case in ${OTHER_UNIT} also has this subject — contact Pavel Example (pavel).`);
    expect(await overlaps.textContent()).not.toContain(OTHER_TITLE);
    expect(await overlaps.textContent()).not.toContain(otherCase);
    await overlaps.getByRole('button', { name: 'Share' }).click();
    await expect.poll(() => overlaps.getByRole('alert').textContent()).toContain('Say in a few words why');
    await overlaps.getByLabel('Reason').fill('joint interview with the port unit');
    await overlaps.getByRole('button', { name: 'Share' }).click();
    await expect.poll(() => overlaps.textContent()).toContain('This case: details shared with the other case');
    const told = await listNotifications(createContext({ db: server.store.db, actor: pavel, config: defaultConfig() }));
    expect(told.notifications.map((n) => n.kind)).toEqual(['overlap-decision', 'overlap']);
    expect(told.notifications.every((n) => n.caseId === otherCase && !n.message.includes(caseId))).toBe(true);
    await saveScreenshot(page, 'case-overlap.png', { fullPage: true });

    // Tasks: one for the team member, with a due date.
    await openTab(page, 'Tasks');
    const newTask = page.getByRole('form', { name: 'Add a task' });
    await newTask.getByLabel('Task').fill('Request the ferry company’s bank statements');
    await newTask.getByLabel('Assignee').selectOption('ana');
    await newTask.getByLabel('Due date').fill('2099-01-31');
    await newTask.getByRole('button', { name: 'Add task' }).click();
    const tasks = page.getByRole('region', { name: 'Tasks' }).getByRole('list').first();
    await expect.poll(() => tasks.textContent()).toContain('Request the ferry company’s bank statements');
    expect(await tasks.textContent()).toContain('Due 2099-01-31');
    await tasks.getByLabel(/^Status of Request/).selectOption('in-progress');
    await expect.poll(() => tasks.getByLabel(/^Status of Request/).inputValue()).toBe('in-progress');

    // Notes: Markdown with an entity reference, previewed safely, then saved.
    await openTab(page, 'Notes');
    const editor = page.getByRole('form', { name: 'Write a note' });
    await editor.getByLabel('Note (Markdown)').fill('Spoke to the registry about [Corvin](entity:p-corvin): **three** invoices. <script>window.hacked = 1</script>');
    await editor.getByRole('button', { name: 'Preview' }).click();
    const preview = editor.getByRole('region', { name: 'Preview' });
    expect(await preview.locator('strong').textContent()).toBe('three');
    expect(await preview.getByRole('link', { name: 'Corvin' }).getAttribute('href')).toBe('/entities/p-corvin');
    expect(await preview.textContent()).toContain('<script>');
    expect(await preview.locator('script').count()).toBe(0);
    await editor.getByRole('button', { name: 'Add note' }).click();
    const notes = page.getByRole('region', { name: 'Notes' }).getByRole('list').first();
    await expect.poll(() => notes.textContent()).toContain('three invoices');
    expect(await notes.getByRole('link', { name: 'Corvin' }).getAttribute('href')).toBe('/entities/p-corvin');
    expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();

    // Evidence: a script declared as text and a file over the limit are refused with a clear message; a statement is stored under the SHA-256 of its bytes.
    await openTab(page, 'Evidence');
    const upload = page.getByRole('form', { name: 'Upload evidence' });
    await upload.getByLabel('File').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('#!/bin/sh\necho hello\n') });
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => upload.getByRole('alert').textContent()).toContain('This file cannot be stored as evidence: the file is declared as text/plain but its content is an executable');
    await upload.getByLabel('File').setInputFiles({ name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(defaultConfig().evidence.maxBytes + 1, 0x61) });
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => upload.getByRole('alert').textContent(), { timeout: 30_000 }).toContain('The file is too large to store as evidence: an evidence file may be at most');
    await upload.getByLabel('File').setInputFiles({ name: 'statement-4471.txt', mimeType: 'text/plain', buffer: EVIDENCE });
    await upload.getByLabel(/^Description/).fill('Bank statement from the registry');
    await upload.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => upload.getByTestId('stored-sha256').textContent()).toBe(EVIDENCE_SHA256);
    const evidence = page.getByRole('region', { name: 'Evidence files' });
    await expect.poll(() => evidence.textContent()).toContain(EVIDENCE_SHA256);
    expect(await evidence.textContent()).toContain('statement-4471.txt');
    await evidence.getByRole('button', { name: /^Custody and annotations/ }).click();
    await expect.poll(() => evidence.getByRole('list').filter({ hasText: 'Collected' }).count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'case-evidence.png', { fullPage: true });

    // The timeline: the case's own events and the subject's payment, grouped by day, filtered by kind.
    await openTab(page, 'Timeline');
    const timeline = page.getByRole('region', { name: 'Case timeline' });
    await expect.poll(() => timeline.locator('time[datetime="2025-03-14"]').count()).toBe(1);
    expect(await timeline.locator('[data-kind="case-event"]').count()).toBeGreaterThan(0);
    await timeline.getByRole('checkbox', { name: 'Payments' }).check();
    await timeline.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => timeline.locator('[data-kind="case-event"]').count()).toBe(0);
    expect(await timeline.locator('[data-kind="payment"]').count()).toBeGreaterThan(0);
    expect(await horizontalOverflow(page)).toBe(0);
    await saveScreenshot(page, 'case-timeline.png', { fullPage: true });

    // The subject's own timeline, from its row on the Subjects tab: its birth date and the payment it made.
    await openTab(page, 'Subjects');
    await page.getByRole('region', { name: 'Subjects' }).getByRole('link', { name: 'Timeline' }).click();
    await page.waitForURL((url) => url.pathname === '/timeline' && url.searchParams.get('entity') === 'p-corvin');
    const entityTimeline = page.getByRole('region', { name: 'Timeline' });
    await expect.poll(() => entityTimeline.locator('[data-kind="payment"]').count()).toBe(1);
    expect(await entityTimeline.locator('time[datetime="1979-06-21"]').count()).toBe(1);
    expect(await entityTimeline.textContent()).toContain('Saltmarsh Ferry Logistics Ltd');
    await page.goBack();

    // The case file, as HTML and as PDF, for a named recipient.
    await openTab(page, 'Export');
    const exporter = page.getByRole('form', { name: 'Export the case file' });
    await exporter.getByRole('button', { name: 'Export case file' }).click();
    await expect.poll(() => exporter.getByRole('alert').textContent()).toContain('Name who receives the case file');
    await exporter.getByLabel('Recipient').fill('Harbour district prosecutor');
    await exporter.getByLabel(/^Reason/).fill('charging decision');
    await exporter.getByRole('radio', { name: 'HTML' }).check();
    const [html] = await Promise.all([page.waitForEvent('download'), exporter.getByRole('button', { name: 'Export case file' }).click()]);
    expect(html.suggestedFilename()).toMatch(/\.html$/);
    const htmlText = await readFile(await html.path(), 'utf8');
    expect(htmlText).toContain(caseId);
    expect(htmlText).toContain('Harbour district prosecutor');
    await exporter.getByRole('radio', { name: 'PDF' }).check();
    const [pdf] = await Promise.all([page.waitForEvent('download'), exporter.getByRole('button', { name: 'Export case file' }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    const pdfBytes = await readFile(await pdf.path());
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await saveScreenshot(page, 'case-export.png', { fullPage: true });

    // Back on the list, the case shows its counts.
    await page.getByRole('link', { name: '← All cases' }).click();
    const row = page.getByRole('region', { name: 'Your cases' }).getByRole('listitem').filter({ hasText: TITLE });
    await expect.poll(() => row.textContent()).toContain('1 subject');
    expect(await row.textContent()).toContain('1 open task');
    // The overlap notice names only the analyst's own case; marked read, it stays listed as read.
    const notices = page.getByRole('region', { name: 'Overlap notices for you' });
    const notice = notices.getByRole('listitem').filter({ hasText: `Case ${caseId}:` });
    await expect.poll(() => notice.textContent()).toContain('one of its subjects is also a subject of another case');
    expect(await notices.textContent()).toContain('1 unread notice');
    expect(await notices.textContent()).not.toContain(OTHER_TITLE);
    expect(await notice.getByRole('link', { name: `Open ${caseId}` }).getAttribute('href')).toBe(`/cases/${caseId}`);
    await notice.getByRole('button', { name: 'Mark read' }).click();
    await expect.poll(() => notice.getAttribute('data-read')).toBe('true');
    expect(await notices.textContent()).not.toContain('unread notice');
    await saveScreenshot(page, 'cases-list.png', { fullPage: true });

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });

  it('on a 390px phone every tab of the case fits without sideways scrolling', async () => {
    const { context, page, problems } = await phonePageLike(browser, contexts[0]);
    contexts.push(context);
    await page.goto(`${server.url}/cases`);
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Your cases' }).textContent()).toContain(TITLE);
    expect(await horizontalOverflow(page)).toBe(0);
    await saveScreenshot(page, 'cases-list-phone.png', { fullPage: true });

    await page.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    // The working context lives in the tab's session, so a new tab states it again.
    await workOnCase(page);
    expect(await horizontalOverflow(page)).toBe(0);
    await saveScreenshot(page, 'case-overview-phone.png', { fullPage: true });

    // Each tab, the part of it that shows its content, and a text that proves it loaded.
    const checks: Array<[string, ReturnType<Page['getByRole']>, string]> = [
      ['Subjects', page.getByRole('region', { name: 'Subjects' }), 'Corvin Halloway-Brandt'],
      ['Tasks', page.getByRole('region', { name: 'Tasks' }), 'bank statements'],
      ['Notes', page.getByRole('region', { name: 'Notes' }), 'three invoices'],
      ['Evidence', page.getByRole('region', { name: 'Evidence files' }), EVIDENCE_SHA256],
      ['Timeline', page.getByRole('region', { name: 'Case timeline' }), '2025-03-14'],
      ['Export', page.getByRole('form', { name: 'Export the case file' }), 'Recipient'],
    ];
    for (const [name, part, text] of checks) {
      await openTab(page, name);
      await expect.poll(() => part.textContent()).toContain(text);
      expect(await horizontalOverflow(page), `${name} overflows`).toBe(0);
      await saveScreenshot(page, `case-${name.toLowerCase()}-phone.png`, { fullPage: true });
    }

    expect(problems.uncaught).toEqual([]);
    expect(unexpectedConsole(problems)).toEqual([]);
  });
});
