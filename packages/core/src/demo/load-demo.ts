import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Kysely } from 'kysely';
import { createUser } from '../access/users.js';
import { createCase } from '../cases/create-case.js';
import { addCaseMember } from '../cases/get-case.js';
import type { Ctx, Role } from '../context/context.js';
import { Conflict, Invalid } from '../errors.js';
import { importMapped } from '../ingest/import-mapped.js';
import { parseMapping } from '../ingest/parse-mapping.js';
import { registerSource } from '../sources/register-source.js';
import type { Database } from '../store/schema.js';
import type { DemoManifest } from './generate-demo.js';
import type { SourcePolicyFile } from './source-output.js';

/** A demo account and the password it was given at load time. */
export interface DemoUser {
  role: Role;
  username: string;
  displayName: string;
  password: string;
}

/** What loading the demo dataset did. */
export interface DemoLoadResult {
  sources: number;
  records: number;
  statements: number;
  failedRows: number;
  users: DemoUser[];
  caseId: string;
}

const DEMO_CASE_TITLE = 'Operation Harbour Light: shell companies and payments';

/**
 * The demo unit's organisation. Its analyst is cleared for earlier case records, communications
 * data and border records, not for the financial intelligence unit's bank records; its
 * supervisor for all four.
 */
const DEMO_ORGANISATION = 'Demo unit';
const ANALYST_CLEARANCE = ['OFFICIAL-SENSITIVE', 'COMMS-DATA', 'BORDER'];
const SUPERVISOR_CLEARANCE = [...ANALYST_CLEARANCE, 'FIN-INTEL'];

const DEMO_ACCOUNTS: ReadonlyArray<Omit<DemoUser, 'password'> & { compartments: string[] }> = [
  { role: 'analyst', username: 'analyst', displayName: 'Alex Analyst', compartments: ANALYST_CLEARANCE },
  { role: 'supervisor', username: 'supervisor', displayName: 'Sam Supervisor', compartments: SUPERVISOR_CLEARANCE },
  { role: 'oversight', username: 'oversight', displayName: 'Olu Oversight', compartments: [] },
  { role: 'administrator', username: 'admin', displayName: 'Ada Administrator', compartments: [] },
];

/**
 * Registers the demo sources from their policy files, imports their records through their
 * mappings, and creates the demo users and case. Runs as the context's actor under the
 * administration purpose.
 * @example await loadDemo(ctx, { dir: './demo-input' })
 */
export async function loadDemo(
  ctx: Ctx,
  input: { dir: string; onProgress?: (p: { done: number; total: number }) => void },
): Promise<DemoLoadResult> {
  const manifest = readManifest(input.dir);
  const total = manifest.sources.reduce((sum, s) => sum + s.records, 0);
  const loadCtx: Ctx = { ...ctx, purpose: { caseId: null, code: 'administration', justification: 'loading the demo dataset' } };
  let done = 0;
  let statements = 0;
  let failedRows = 0;
  for (const entry of manifest.sources) {
    const policy = readPolicy(join(input.dir, entry.policy));
    try {
      await registerSource(ctx, {
        id: policy.id,
        name: policy.name,
        owner: policy.owner,
        legalBasis: policy.legal_basis,
        purposes: policy.purposes,
        markings: policy.markings,
        retentionDays: policy.retention_days,
        sensitiveCategories: policy.sensitive_categories,
        mayCombine: policy.may_combine,
        contact: policy.contact,
        description: policy.description,
      });
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
    }
    const mappingPath = join(input.dir, entry.mapping);
    const mapping = parseMapping(readFileSync(mappingPath, 'utf8'), { fileName: entry.mapping });
    const before = done;
    const summary = await importMapped(loadCtx, {
      sourceId: policy.id,
      mapping,
      mappingPath,
      onProgress: (p) => {
        done = before + p.rows;
        input.onProgress?.({ done, total });
      },
    });
    done = before + summary.rows + summary.resumedRows;
    statements += summary.inserted;
    failedRows += summary.failedRows;
  }
  input.onProgress?.({ done, total });
  const users: DemoUser[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const password = randomBytes(12).toString('base64url');
    try {
      await createUser(ctx, { username: account.username, displayName: account.displayName, organisation: DEMO_ORGANISATION, roles: [account.role], compartments: account.compartments, password });
      users.push({ role: account.role, username: account.username, displayName: account.displayName, password });
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
    }
  }
  // Loading again (after an interrupted first run, say) reuses the demo case rather than opening another.
  const existing = await ctx.db.selectFrom('cases').select('id').where('title', '=', DEMO_CASE_TITLE).executeTakeFirst();
  const caseId = existing?.id ?? (await openDemoCase(ctx));
  return { sources: manifest.sources.length, records: done, statements, failedRows, users, caseId };
}

/** Opens the demo case and makes the demo analyst an owner, so they can work on it from the first sign-in. */
async function openDemoCase(ctx: Ctx): Promise<string> {
  // The case belongs to the demo unit, so its supervisor can approve what its analysts ask for.
  const { id } = await createCase({ ...ctx, actor: { ...ctx.actor, organisation: DEMO_ORGANISATION } }, { title: DEMO_CASE_TITLE, purpose: 'criminal-investigation' });
  await addCaseMember(ctx, { caseId: id, username: 'analyst', role: 'owner' });
  return id;
}

/**
 * Whether a demo load ran to its end: the demo case is opened last, after the records and users.
 * @example if (!(await isDemoLoaded(store.db))) await loadDemo(ctx, { dir })
 */
export async function isDemoLoaded(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('cases').select('id').where('title', '=', DEMO_CASE_TITLE).executeTakeFirst();
  return row !== undefined;
}

function readManifest(dir: string): DemoManifest {
  const path = join(dir, 'manifest.json');
  let manifest: DemoManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as DemoManifest;
  } catch (error) {
    throw new Invalid(`${path} is missing or not JSON; run casegraph demo generate first (${(error as Error).message})`);
  }
  if (!Array.isArray(manifest.sources)) throw new Invalid(`${path} lists no sources`);
  return manifest;
}

function readPolicy(path: string): SourcePolicyFile {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Invalid(`cannot read the source policy ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { id?: unknown }).id !== 'string') {
    throw new Invalid(`source policy ${path} must be a YAML mapping with an id`);
  }
  return parsed as SourcePolicyFile;
}
