import { requireRole } from '../access/require-role.js';
import type { Ctx } from '../context/context.js';
import { runAudited } from '../context/purpose.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import type { Kysely } from 'kysely';
import type { Database, SourceRow } from '../store/schema.js';

/** A source's registration: who holds it, on what legal basis, and how it may be used. */
export interface SourcePolicy {
  id: string;
  name: string;
  owner: string;
  legalBasis: string;
  purposes: string[];
  markings: string[];
  retentionDays: number | null;
  sensitiveCategories: string[];
  mayCombine: boolean;
  contact: string | null;
  description: string | null;
}

/** A registered source as stored. */
export interface Source extends SourcePolicy {
  registeredAt: Date;
  registeredBy: string;
}

/** The sensitive categories a source may declare it holds. */
export const SENSITIVE_CATEGORIES = [
  'special-category',
  'minors',
  'witness-identity',
  'informant-identity',
  'victim-identity',
  'financial',
  'communications',
  'travel',
] as const;

const SOURCE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MARKING = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Registers a source so its data may be imported (administrators only; audited).
 * @example await registerSource(ctx, { id: 'company-registry', name: 'Company registry', owner: 'Registrar', legalBasis: 'Companies Act s.1085', purposes: ['fraud-audit'] })
 */
export async function registerSource(
  ctx: Ctx,
  input: Partial<SourcePolicy> & Pick<SourcePolicy, 'id' | 'name' | 'legalBasis' | 'purposes'>,
): Promise<Source> {
  const action = { action: 'source.register', category: 'alteration' } as const;
  await requireRole(ctx, action, ['administrator']);
  const policy = checkPolicy(ctx, input);
  return runAudited(ctx, action, async (tx) => {
    const existing = await tx.db.selectFrom('sources').select('id').where('id', '=', policy.id).executeTakeFirst();
    if (existing !== undefined) throw new Conflict(`source ${policy.id} is already registered`);
    const row = {
      id: policy.id,
      name: policy.name,
      owner: policy.owner,
      legal_basis: policy.legalBasis,
      allowed_purposes: policy.purposes,
      markings: policy.markings,
      retention_days: policy.retentionDays,
      sensitive_categories: policy.sensitiveCategories,
      may_combine: policy.mayCombine,
      contact: policy.contact,
      description: policy.description,
      registered_at: ctx.now(),
      registered_by: ctx.actor.userId,
    };
    await tx.db.insertInto('sources').values(row).execute();
    return { value: { ...policy, registeredAt: ctx.now(), registeredBy: ctx.actor.userId }, objectIds: [policy.id] };
  });
}

/** Returns a registered source, or NotFound naming it. */
export async function getSource(db: Kysely<Database>, id: string): Promise<Source> {
  const row = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new NotFound(`source ${id} is not registered; register it first (casegraph source register)`);
  return toSource(row);
}

/** All registered sources, by id. */
export async function listSources(db: Kysely<Database>): Promise<Source[]> {
  const rows = await db.selectFrom('sources').selectAll().orderBy('id').execute();
  return rows.map(toSource);
}

function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    legalBasis: row.legal_basis,
    purposes: row.allowed_purposes,
    markings: row.markings,
    retentionDays: row.retention_days,
    sensitiveCategories: row.sensitive_categories,
    mayCombine: row.may_combine,
    contact: row.contact,
    description: row.description,
    registeredAt: row.registered_at,
    registeredBy: row.registered_by,
  };
}

function checkPolicy(
  ctx: Ctx,
  input: Partial<SourcePolicy> & Pick<SourcePolicy, 'id' | 'name' | 'legalBasis' | 'purposes'>,
): SourcePolicy {
  const fail = (message: string) => new Invalid(`source ${input.id || '(no id)'}: ${message}`);
  if (typeof input.id !== 'string' || !SOURCE_ID.test(input.id)) {
    throw fail('the id must be 1-63 lower-case letters, digits, dashes or underscores');
  }
  const text = (value: unknown, field: string, required: boolean): string | null => {
    if (value === undefined || value === null || value === '') {
      if (required) throw fail(`${field} is required`);
      return null;
    }
    if (typeof value !== 'string') throw fail(`${field} must be text`);
    if (value.length > 2000) throw fail(`${field} is longer than 2000 characters`);
    return value.trim();
  };
  const known = new Set(ctx.config.purposes.map((p) => p.code));
  if (!Array.isArray(input.purposes) || input.purposes.length === 0) throw fail('list at least one allowed purpose');
  for (const purpose of input.purposes) {
    if (!known.has(purpose)) throw fail(`unknown purpose "${purpose}" (known: ${[...known].join(', ')})`);
  }
  const markings = input.markings ?? [];
  for (const marking of markings) if (!MARKING.test(marking)) throw fail(`marking "${marking}" is not a valid marking name`);
  const categories = input.sensitiveCategories ?? [];
  for (const category of categories) {
    if (!(SENSITIVE_CATEGORIES as readonly string[]).includes(category)) {
      throw fail(`unknown sensitive category "${category}" (known: ${SENSITIVE_CATEGORIES.join(', ')})`);
    }
  }
  const retention = input.retentionDays ?? null;
  if (retention !== null && (!Number.isInteger(retention) || retention <= 0 || retention > 36_500)) {
    throw fail('retention days must be a whole number between 1 and 36500');
  }
  return {
    id: input.id,
    name: text(input.name, 'name', true) as string,
    owner: text(input.owner, 'owner', false) ?? text(input.name, 'name', true) as string,
    legalBasis: text(input.legalBasis, 'legal basis', true) as string,
    purposes: [...new Set(input.purposes)],
    markings: [...new Set(markings)],
    retentionDays: retention,
    sensitiveCategories: [...new Set(categories)],
    mayCombine: input.mayCombine ?? true,
    contact: text(input.contact, 'contact', false),
    description: text(input.description, 'description', false),
  };
}
