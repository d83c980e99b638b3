import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer } from '../../server/src/test-support/test-server.js';
import { ensureWebBuild, launchBrowser, recordPageProblems, saveScreenshot, signInThroughApi, webDist } from './browser.js';

const MAPPING = `
subscribers:
  queries:
    - entities:
        person:
          schema: Person
          keys: [subscriber_id]
          properties:
            name: { column: name }
            phone: { column: phone }
`;

describe('sources and imports in the web app, in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  const folder = mkdtempSync(join(tmpdir(), 'casegraph-web-import-'));

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([startTestServer({ webRoot: webDist, users: [{ username: 'adm', role: 'administrator' }] }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser.close();
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('an administrator registers a source with its policy, then imports a file through a mapping and follows the job', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = recordPageProblems(page);
    const admin = server.users[0];
    if (!admin) throw new Error('no admin');
    await signInThroughApi(context, server.url, admin);
    await page.goto(`${server.url}/sources`);
    await page.getByRole('heading', { level: 1, name: 'Sources' }).waitFor();
    await page.getByText('No source is registered yet.').waitFor();

    const register = page.getByRole('region', { name: 'Register a source' });
    await register.getByLabel('Id').fill('phone-subscribers');
    await register.getByLabel('Name').fill('Phone subscribers');
    await register.getByLabel('Legal basis').fill('Production order 2026/3');
    await register.getByLabel('Administration').check();
    await register.getByLabel('Retention (days)').fill('730');
    await register.getByRole('button', { name: 'Register' }).click();
    await register.getByText('Registered phone-subscribers.').waitFor();
    await page.getByRole('table', { name: 'Registered sources' }).getByText('Production order 2026/3').waitFor();

    // An import needs a working context first.
    await page.getByRole('region', { name: 'Working context' }).getByRole('button', { name: 'Set working context' }).click();
    const form = page.getByRole('form', { name: 'Set working context' });
    await form.getByLabel('Purpose', { exact: true }).selectOption({ label: 'Administration' });
    await form.getByLabel('Justification', { exact: true }).fill('loading the subscriber extract of order 2026/3');
    await form.getByRole('button', { name: 'Use this context' }).click();
    await form.waitFor({ state: 'detached' });

    const rows = ['subscriber_id,name,phone'];
    for (let i = 0; i < 2500; i++) rows.push(`S${i},Subscriber ${i},+44 20 7946 ${String(i).padStart(4, '0')}`);
    rows.push('S-broken,"unclosed');
    writeFileSync(join(folder, 'subscribers.yml'), MAPPING);
    writeFileSync(join(folder, 'subscribers.csv'), rows.join('\n') + '\n');
    const imports = page.getByRole('region', { name: 'Import a file' });
    await imports.getByLabel('Mapping (YAML)').setInputFiles(join(folder, 'subscribers.yml'));
    await imports.getByLabel('Data (CSV, JSON, JSON lines)').setInputFiles(join(folder, 'subscribers.csv'));
    await imports.getByRole('button', { name: 'Start import' }).click();
    const job = page.getByTestId('import-job');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
    expect(await job.textContent()).toMatch(/Import done 2,501 rows, [\d,]+ rows\/s, 1 failed/);
    expect(await job.textContent()).toContain('Row 2501');
    await saveScreenshot(page, 'sources-import.png', { fullPage: true });

    expect(problems.uncaught).toEqual([]);
    expect(problems.console).toEqual([]);
    await context.close();
  });
});
