import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../store/create-db.js';
import { createTemplateDatabase, dropDatabase, TEMPLATE_DB } from './postgres-databases.js';

import './provided-context.js';

/** Migrates one embedded store and one PostgreSQL database; every test starts from a copy. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = join(process.cwd(), '.casegraph-test');
  mkdirSync(folder, { recursive: true });
  const store = await createDb({ memory: true });
  const dump = await store.dumpDataDir!();
  await store.close();
  const templatePath = join(folder, 'pglite-template.tar');
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', templatePath);

  const url = process.env.DATABASE_URL;
  let template: string | null = null;
  if (url !== undefined && url !== '') {
    template = await createTemplateDatabase(url);
    project.provide('postgresTemplate', template);
  } else {
    project.provide('postgresTemplate', null);
  }
  return async () => {
    if (url !== undefined && url !== '' && template !== null) await dropDatabase(url, TEMPLATE_DB);
  };
}
