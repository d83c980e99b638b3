import { holdsMarkings } from '../access/authorize.js';
import { IDENTITY_CATEGORIES, mayBeMinor, SPECIAL_CATEGORY_PROPERTIES, unlockedCategories, type SensitiveCategory } from '../access/sensitive.js';
import { recordEvent } from '../audit/record-event.js';
import type { Ctx } from '../context/context.js';
import { checkPurpose, type AuditedAction } from '../context/purpose.js';
import { Invalid, NotFound } from '../errors.js';
import { isSchema } from '../model/index.js';
import { listSources, type Source } from '../sources/register-source.js';
import { CONNECTOR_QUERY_KINDS, ConnectorFailure, type ConnectorEntity, type ConnectorQuery } from './connector.js';
import type { ConnectorSet, OpenConnector } from './open-connectors.js';

/** How asking one connector went. */
export interface ConnectorOutcome {
  connector: string;
  source: string;
  /** ok: it answered; cached: a recent answer was reused; failed or timeout: no answer; skipped: not asked, with the reason. */
  status: 'ok' | 'cached' | 'failed' | 'timeout' | 'skipped';
  results: number;
  ms: number;
  message: string | null;
}

/** The entities every connector that answered returned, as the caller may see them, and how each connector went. */
export interface ConnectorAnswer {
  entities: ConnectorEntity[];
  connectors: ConnectorOutcome[];
}

/** What to ask, of which connectors. */
export interface ConnectorSearch {
  query: ConnectorQuery;
  /** Only these connectors (by id); all the caller may use when absent. */
  only?: readonly string[] | undefined;
}

/**
 * Asks the connectors in parallel, each within its timeout; when one fails or times out the
 * others' results still come back and the answer says which failed. Only connectors whose source
 * allows the purpose and whose markings the caller holds are asked; what they return obeys the
 * source's sensitive-category rules. Every connector asked is a consultation event with the case,
 * purpose and sealed query terms, written before the answer is returned.
 * @example const answer = await searchConnectors(ctx, set, { query: { kind: 'name', value: 'Ada Lovelace' } }, sealTerms)
 */
export async function searchConnectors(ctx: Ctx, set: ConnectorSet, input: ConnectorSearch, seal: (terms: string) => string): Promise<ConnectorAnswer> {
  const action = { action: 'connector.search', category: 'consultation' } as const;
  await checkPurpose(ctx, action);
  const query = checkQuery(input.query);
  // Sealed first: a deployment that cannot seal the terms asks no one.
  const sealedTerms = seal(JSON.stringify(query));
  const plan = await planConnectors(ctx, set, input.only, (c) => (c.connector.answers.has(query.kind) ? null : `it does not answer ${query.kind} queries`));
  const unlocked = await unlockedCategories(ctx);
  const outcomes: ConnectorOutcome[] = [...plan.skipped];
  const entities: ConnectorEntity[] = [];
  const asked = await Promise.all(plan.asked.map((open) => askConnector(ctx, set, open, query)));
  for (const { outcome, found } of asked) {
    const visible = found.map((entity) => visibleEntity(entity, unlocked, ctx.now())).filter((e): e is ConnectorEntity => e !== null);
    outcomes.push({ ...outcome, results: visible.length });
    entities.push(...visible);
  }
  await recordConsultations(ctx, action.action, outcomes, entities, sealedTerms);
  return { entities, connectors: outcomes };
}

/**
 * Fetches one entity from one connector by an id it returned (consultation, purpose-bound and
 * audited like a search); an id the connector does not know, or a connector the caller may not
 * use, is NotFound.
 */
export async function fetchFromConnector(ctx: Ctx, set: ConnectorSet, input: { connector: string; id: string }): Promise<ConnectorEntity> {
  const action: AuditedAction = { action: 'connector.fetch', category: 'consultation', subjectIds: [input.id] };
  await checkPurpose(ctx, action);
  const plan = await planConnectors(ctx, set, [input.connector], () => null);
  const open = plan.asked[0];
  const notFound = new NotFound(`entity ${input.id} not found in connector ${input.connector}`);
  if (open === undefined) throw plan.skipped[0]?.message ? new Invalid(`connector ${input.connector} was not asked: ${plan.skipped[0].message}`) : notFound;
  const started = Date.now();
  let entity: ConnectorEntity | null;
  try {
    entity = await open.connector.fetch(input.id, { signal: AbortSignal.timeout(open.timeoutMs), now: ctx.now });
  } catch (error) {
    const outcome: ConnectorOutcome = { connector: open.connector.id, source: open.connector.source, status: isTimeout(error) ? 'timeout' : 'failed', results: 0, ms: Date.now() - started, message: describeFailure(error) };
    await recordConsultations(ctx, action.action, [outcome], [], null);
    throw new ConnectorFailure(open.connector.id, outcome.message ?? 'no answer');
  }
  const visible = entity === null ? null : visibleEntity(entity, await unlockedCategories(ctx), ctx.now());
  const outcome: ConnectorOutcome = { connector: open.connector.id, source: open.connector.source, status: 'ok', results: visible === null ? 0 : 1, ms: Date.now() - started, message: null };
  await recordConsultations(ctx, action.action, [outcome], visible === null ? [] : [visible], null, [input.id]);
  if (visible === null) throw notFound;
  return visible;
}

function checkQuery(query: ConnectorQuery): ConnectorQuery {
  if (!(CONNECTOR_QUERY_KINDS as readonly string[]).includes(query.kind)) throw new Invalid(`unknown query kind "${String(query.kind)}" (known: ${CONNECTOR_QUERY_KINDS.join(', ')})`);
  if (typeof query.value !== 'string' || query.value.trim().length < 2) throw new Invalid('a connector query names someone or something: give at least two characters');
  if (query.value.length > 500) throw new Invalid('a connector query value is at most 500 characters');
  if (query.schema !== undefined && !isSchema(query.schema)) throw new Invalid(`unknown schema "${query.schema}"`);
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100)) throw new Invalid('limit must be a whole number from 1 to 100');
  return { kind: query.kind, value: query.value.trim(), ...(query.schema === undefined ? {} : { schema: query.schema }), ...(query.limit === undefined ? {} : { limit: query.limit }) };
}

/**
 * Which connectors to ask. A connector whose source's markings the caller lacks, or whose source
 * holds witness or informant identities not unlocked for the case, is left out as if it did not
 * exist; one whose source does not allow the purpose is skipped with that reason.
 */
async function planConnectors(ctx: Ctx, set: ConnectorSet, only: readonly string[] | undefined, unsuitable: (c: OpenConnector) => string | null): Promise<{ asked: OpenConnector[]; skipped: ConnectorOutcome[] }> {
  const sources = new Map<string, Source>((await listSources(ctx.db)).map((s) => [s.id, s]));
  const unlocked = await unlockedCategories(ctx);
  const purpose = ctx.purpose?.code ?? '';
  const visible = set.connectors.filter((c) => {
    const source = sources.get(c.connector.source);
    if (source === undefined || !holdsMarkings(ctx.actor, source.markings)) return false;
    return !IDENTITY_CATEGORIES.some((category) => source.sensitiveCategories.includes(category) && !unlocked.has(category));
  });
  if (only !== undefined) {
    const unknown = only.filter((id) => !visible.some((c) => c.connector.id === id));
    if (unknown.length > 0) throw new NotFound(`no connector ${unknown.join(', ')}`);
  }
  const asked: OpenConnector[] = [];
  const skipped: ConnectorOutcome[] = [];
  for (const c of visible) {
    if (only !== undefined && !only.includes(c.connector.id)) continue;
    const source = sources.get(c.connector.source) as Source;
    const reason = source.purposes.includes(purpose) ? unsuitable(c) : `its source ${source.id} does not allow the purpose ${purpose}`;
    if (reason === null) asked.push(c);
    else skipped.push({ connector: c.connector.id, source: source.id, status: 'skipped', results: 0, ms: 0, message: reason });
  }
  return { asked, skipped };
}

async function askConnector(ctx: Ctx, set: ConnectorSet, open: OpenConnector, query: ConnectorQuery): Promise<{ outcome: ConnectorOutcome; found: ConnectorEntity[] }> {
  const { connector } = open;
  const base = { connector: connector.id, source: connector.source };
  const cached = set.cache.get(connector.id, query, ctx.now());
  if (cached !== undefined) return { outcome: { ...base, status: 'cached', results: cached.length, ms: 0, message: null }, found: cached };
  const started = Date.now();
  const signal = AbortSignal.timeout(open.timeoutMs);
  try {
    const found = await connector.search(query, { signal, now: ctx.now });
    set.cache.set(connector.id, query, found, open.cacheSeconds, ctx.now());
    return { outcome: { ...base, status: 'ok', results: found.length, ms: Date.now() - started, message: null }, found };
  } catch (error) {
    // A connector may time itself out a moment before the fan-out does: either way it was too slow.
    const status = isTimeout(error) || signal.aborted || Date.now() - started >= open.timeoutMs ? 'timeout' : 'failed';
    return { outcome: { ...base, status, results: 0, ms: Date.now() - started, message: status === 'timeout' ? `no answer within ${open.timeoutMs} ms` : describeFailure(error) }, found: [] };
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
}

function describeFailure(error: unknown): string {
  if (isTimeout(error)) return 'no answer in time';
  // A connector's own failures say what went wrong; anything else is not shown (it may hold internals).
  return error instanceof ConnectorFailure || error instanceof Invalid ? error.message : 'the connector failed unexpectedly';
}

/**
 * An entity as the caller may see it: special-category properties dropped unless unlocked for the
 * case, and people who may be under 18 left out unless unlocked, as for stored records.
 */
function visibleEntity(entity: ConnectorEntity, unlocked: ReadonlySet<SensitiveCategory>, now: Date): ConnectorEntity | null {
  if (!unlocked.has('minors') && (entity.properties.birthDate ?? []).some((date) => mayBeMinor(date, now))) return null;
  if (unlocked.has('special-category')) return entity;
  const properties: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(entity.properties)) if (!SPECIAL_CATEGORY_PROPERTIES.includes(name)) properties[name] = values;
  return { ...entity, properties };
}

/** One consultation event per connector asked (or one when none was), in one transaction: if it fails, nothing is returned. */
async function recordConsultations(ctx: Ctx, action: string, outcomes: ConnectorOutcome[], entities: ConnectorEntity[], sealedTerms: string | null, subjectIds?: string[]): Promise<void> {
  const asked = outcomes.filter((o) => o.status !== 'skipped');
  await ctx.db.transaction().execute(async (trx) => {
    const events = asked.length > 0 ? asked : [null];
    for (const outcome of events) {
      const returned = outcome === null ? [] : entities.filter((e) => e.provenance.connector === outcome.connector).map((e) => e.id);
      await recordEvent(ctx, trx, {
        category: 'consultation',
        action,
        outcome: outcome === null || outcome.status === 'ok' || outcome.status === 'cached' ? 'success' : 'failed',
        objectIds: outcome === null ? [] : [outcome.connector],
        subjectIds: subjectIds ?? returned,
        detail: outcome === null ? { connectors: [], skipped: outcomes.map((o) => o.connector) } : { connector: outcome.connector, source: outcome.source, status: outcome.status, results: outcome.results, ms: outcome.ms },
        ...(sealedTerms === null ? {} : { sealedTerms }),
      });
    }
  });
}
