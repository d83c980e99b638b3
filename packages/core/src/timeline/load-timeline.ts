import { authorizeCase, visibleStatements } from '../access/authorize.js';
import { sensitiveStatementsFilter, unlockedCategories } from '../access/sensitive.js';
import type { Ctx } from '../context/context.js';
import { assembleVisibleEntities, type Entity, type EntityValue } from '../entities/get-entity.js';
import { checkIsoDate } from '../ingest/dates.js';
import { model } from '../model/ftm.js';
import { findProperty, getSchema } from '../model/index.js';
import { checkTimelineFilters, withinPeriod, type CheckedFilters, type TimelineFilters } from './timeline-filters.js';

/** Someone or something an item is about, as the caller may see them. */
export interface TimelineParticipant {
  id: string;
  caption: string;
}

/** One dated thing on a timeline. */
export interface TimelineItem {
  /** ISO date or date-time, as stored. */
  at: string;
  /** The end of a period, when the item lasts. */
  end?: string;
  /** 'case-event', 'date', or the item's FtM schema in lower case ('payment', 'call', 'trip', 'event'...). */
  kind: string;
  schema: string | null;
  entityId: string | null;
  title: string;
  participants: TimelineParticipant[];
  sourceId: string | null;
  statementIds: string[];
  /** What kind of case event it is (evidence, task, status...), for case events. */
  caseEventKind?: string;
}

/** A timeline: its items in time order, and how many more the limit left out. */
export interface Timeline {
  items: TimelineItem[];
  total: number;
  notShown: number;
  /** True when an entity takes part in more dated entities than one answer reads. */
  truncated: boolean;
}

/** The most dated entities read around one timeline's entities. */
const MAX_RELATED = 5000;

/** Dates about the record rather than about what happened. */
const RECORD_DATES = new Set(['modifiedAt', 'retrievedAt']);

/** Entity-valued properties that point at paperwork about an entity, not at someone taking part. */
const NOT_PARTICIPANTS = new Set(['proof', 'documentedBy', 'noteEntities', 'candidateSimilars', 'matchSimilars', 'unknownLinkFrom', 'unknownLinkTo', 'sanctions', 'mentionedBy']);

const INTERVAL = model.schemata.Interval;
/** Schemata of things that happen over time (payments, calls, trips, events, relationships). */
const DATED_SCHEMATA = Object.values(model.schemata)
  .filter((schema): schema is NonNullable<typeof schema> => schema !== undefined && INTERVAL !== undefined && schema.isA(INTERVAL) && !schema.abstract)
  .map((schema) => schema.name);
const isDated = (schemaName: string) => DATED_SCHEMATA.includes(schemaName);

function captionOf(entity: Entity): string {
  for (const property of ['name', 'full', 'title', 'registrationNumber', 'number', 'email', 'phone', 'summary']) {
    const value = entity.properties[property]?.[0]?.value;
    if (value !== undefined) return value;
  }
  return entity.schema;
}

function propertyType(schemaName: string, property: string): string | undefined {
  return findProperty(getSchema(schemaName), property)?.type.name;
}

/** Who takes part comes first as the schema reads: payer before beneficiary, caller before receiver. */
const FIRST_PARTIES = ['caller', 'receiver', 'organizer', 'involved', 'vehicle', 'startLocation', 'endLocation'];

function participantValues(entity: Entity): Array<[string, EntityValue]> {
  const edge = getSchema(entity.schema).edge;
  const order = [...(edge ? [edge.source, edge.target] : []), ...FIRST_PARTIES];
  const rank = (property: string) => (order.includes(property) ? order.indexOf(property) : order.length);
  const out: Array<[string, EntityValue]> = [];
  for (const [property, values] of Object.entries(entity.properties)) {
    if (NOT_PARTICIPANTS.has(property) || propertyType(entity.schema, property) !== 'entity') continue;
    for (const value of values) out.push([property, value]);
  }
  return out.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

const normalDate = (value: EntityValue) => {
  const checked = checkIsoDate(value.value);
  return checked.ok ? checked.date : null;
};

function formatAmount(raw: string): string {
  const n = Number(raw.replace(/[\s,]/g, ''));
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : raw;
}

/** The title of a dated entity: "Payment 12,400 EUR from X to Y", "Call from X to Y", "Trip from X to Y"... */
function titleOf(entity: Entity, caption: (id: string | undefined) => string | undefined): string {
  const first = (property: string) => entity.properties[property]?.[0]?.value;
  const ref = (property: string) => caption(first(property));
  const fromTo = (from: string | undefined, to: string | undefined) => `${from !== undefined ? ` from ${from}` : ''}${to !== undefined ? ` to ${to}` : ''}`;
  const schema = getSchema(entity.schema);
  const name = first('name') ?? first('summary');
  switch (entity.schema) {
    case 'Payment': {
      const amount = first('amount');
      const money = amount !== undefined ? ` ${formatAmount(amount)}${first('currency') !== undefined ? ` ${first('currency')?.toUpperCase()}` : ''}` : '';
      return `Payment${money}${fromTo(ref('payer'), ref('beneficiary'))}`;
    }
    case 'Call':
      return `Call${fromTo(ref('caller') ?? first('callerNumber'), ref('receiver') ?? first('receiverNumber'))}`;
    case 'Trip':
      return `Trip${name !== undefined ? ` "${name}"` : ''}${fromTo(ref('startLocation'), ref('endLocation'))}`;
    default: {
      if (schema.edge !== undefined && schema.edge !== null) {
        const ends = [ref(schema.edge.source), ref(schema.edge.target)].filter((c): c is string => c !== undefined);
        if (ends.length > 0) return `${schema.label}: ${ends.join(' – ')}`;
      }
      if (name !== undefined) return `${schema.label}: ${name}`;
      const involved = participantValues(entity)
        .map(([, value]) => caption(value.value))
        .filter((c): c is string => c !== undefined);
      return involved.length > 0 ? `${schema.label}: ${[...new Set(involved)].join(', ')}` : schema.label;
    }
  }
}

/**
 * The items about a set of records (one cluster, or a case's subjects), as the caller may see
 * them: their own dates, and the dated entities (payments, calls, trips, events, relationships)
 * whose visible entity-valued statements point at any of them. Inside the caller's transaction.
 */
async function entityItems(tx: Ctx, recordIds: readonly string[]): Promise<{ items: TimelineItem[]; anchors: string[]; truncated: boolean }> {
  const anchors = await assembleVisibleEntities(tx, recordIds);
  if (anchors.length === 0) return { items: [], anchors: [], truncated: false };
  const anchorIds = new Set(anchors.map((a) => a.id));
  const unlocked = await unlockedCategories(tx);
  const referring = await tx.db
    .selectFrom('statements')
    .innerJoin('sources', 'sources.id', 'statements.source_id')
    .select('statements.entity_id')
    .distinct()
    .where('statements.prop_type', '=', 'entity')
    .where('statements.normalized', 'in', [...anchorIds])
    .where('statements.schema', 'in', DATED_SCHEMATA)
    .where(visibleStatements(tx))
    .where(sensitiveStatementsFilter(unlocked))
    .orderBy('statements.entity_id')
    .limit(MAX_RELATED + 1)
    .execute();
  const truncated = referring.length > MAX_RELATED;
  const relatedIds = referring.slice(0, MAX_RELATED).map((r) => r.entity_id).filter((id) => !anchorIds.has(id));
  // What the caller sees of each dated entity must itself point at one of the records.
  const related = (await assembleVisibleEntities(tx, relatedIds)).filter((e) => participantValues(e).some(([, v]) => anchorIds.has(v.value)));
  const events = [...anchors.filter((a) => isDated(a.schema)), ...related];

  const known = new Map<string, Entity>([...anchors, ...related].map((e) => [e.id, e]));
  const wanted = [...new Set(events.flatMap((e) => participantValues(e).map(([, v]) => v.value)))].filter((id) => !known.has(id));
  for (const entity of await assembleVisibleEntities(tx, wanted)) known.set(entity.id, entity);
  const caption = (id: string | undefined) => {
    const entity = id === undefined ? undefined : known.get(id);
    return entity === undefined ? undefined : captionOf(entity);
  };
  const participantsOf = (entity: Entity): TimelineParticipant[] => {
    const seen = new Map<string, TimelineParticipant>();
    for (const [, value] of participantValues(entity)) {
      const c = caption(value.value);
      if (c !== undefined && !seen.has(value.value)) seen.set(value.value, { id: value.value, caption: c });
    }
    return [...seen.values()];
  };

  const items: TimelineItem[] = [];
  for (const anchor of anchors) {
    if (isDated(anchor.schema)) continue;
    for (const [property, values] of Object.entries(anchor.properties)) {
      if (RECORD_DATES.has(property) || propertyType(anchor.schema, property) !== 'date') continue;
      const label = findProperty(getSchema(anchor.schema), property)?.label ?? property;
      for (const value of values) {
        const at = normalDate(value);
        if (at === null) continue;
        items.push({
          at,
          kind: 'date',
          schema: anchor.schema,
          entityId: anchor.id,
          title: `${label}: ${captionOf(anchor)}`,
          participants: [{ id: anchor.id, caption: captionOf(anchor) }],
          sourceId: value.source,
          statementIds: [value.statementId],
        });
      }
    }
  }
  for (const event of events) {
    const dated = (property: string) => (event.properties[property] ?? []).map((v) => ({ v, at: normalDate(v) })).filter((d): d is { v: EntityValue; at: string } => d.at !== null);
    const starts = [...dated('startDate'), ...dated('date')].sort((a, b) => a.at.localeCompare(b.at));
    const ends = dated('endDate').sort((a, b) => b.at.localeCompare(a.at));
    const start = starts[0] ?? ends[ends.length - 1];
    if (start === undefined) continue;
    const end = ends[0];
    const used = [start.v.statementId, ...(end !== undefined ? [end.v.statementId] : []), ...participantValues(event).filter(([, v]) => known.has(v.value)).map(([, v]) => v.statementId)];
    items.push({
      at: start.at,
      ...(end !== undefined && end.at !== start.at ? { end: end.at } : {}),
      kind: event.schema.toLowerCase(),
      schema: event.schema,
      entityId: event.id,
      title: titleOf(event, caption),
      participants: participantsOf(event),
      sourceId: start.v.source,
      statementIds: [...new Set(used)],
    });
  }
  return { items, anchors: [...anchorIds], truncated };
}

/** Items in time order, filtered, cut at the limit with the rest counted. */
function arrange(items: TimelineItem[], filters: CheckedFilters, truncated: boolean): Timeline {
  const kept = items
    .filter((item) => (filters.types === null || filters.types.has(item.kind)) && withinPeriod(item, filters))
    .sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind) || a.title.localeCompare(b.title) || (a.entityId ?? '').localeCompare(b.entityId ?? ''));
  const shown = kept.slice(0, filters.limit);
  return { items: shown, total: kept.length, notShown: kept.length - shown.length, truncated };
}

/** The records of the clusters these entity ids belong to (each id itself included). */
export async function clusterRecords(tx: Ctx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.db
    .selectFrom('entity_clusters')
    .select('entity_id')
    .where('cluster_id', 'in', (eb) => eb.selectFrom('entity_clusters as mine').select('mine.cluster_id').where('mine.entity_id', 'in', [...ids]))
    .execute();
  const clusters = await tx.db.selectFrom('entity_clusters').select('cluster_id').where('entity_id', 'in', [...ids]).execute();
  return [...new Set([...ids, ...clusters.map((c) => c.cluster_id), ...rows.map((r) => r.entity_id)])].sort();
}

/** An entity's timeline with the ids of the records it covers (for the audit event). Inside the caller's transaction. */
export async function loadEntityTimeline(tx: Ctx, input: { entityId: string } & TimelineFilters): Promise<{ timeline: Timeline; subjectIds: string[] }> {
  const filters = checkTimelineFilters(input);
  const { items, anchors, truncated } = await entityItems(tx, await clusterRecords(tx, [input.entityId]));
  const timeline = arrange(items, filters, truncated);
  return { timeline, subjectIds: subjectsOf(anchors, timeline) };
}

function subjectsOf(anchors: readonly string[], timeline: Timeline): string[] {
  return [...new Set([...anchors, ...timeline.items.flatMap((i) => i.participants.map((p) => p.id))])].sort();
}

/** A case's timeline and the data subjects it shows (for the audit event). Inside the caller's transaction. */
export async function collectCaseTimeline(tx: Ctx, input: { caseId: string } & TimelineFilters): Promise<{ timeline: Timeline; subjectIds: string[] }> {
  const filters = checkTimelineFilters(input);
  await authorizeCase(tx, 'case.read', input.caseId);
  const subjects = await tx.db.selectFrom('case_subjects').select('entity_id').where('case_id', '=', input.caseId).execute();
  const { items, anchors, truncated } = await entityItems(tx, await clusterRecords(tx, subjects.map((s) => s.entity_id)));
  const events = await tx.db.selectFrom('case_events').selectAll().where('case_id', '=', input.caseId).orderBy('at').orderBy('id').execute();
  const mentioned = [...new Set(events.flatMap((e) => e.entity_ids))];
  const visible = new Map((await assembleVisibleEntities(tx, mentioned)).map((e) => [e.id, captionOf(e)]));
  for (const event of events) {
    items.push({
      at: event.at.toISOString(),
      kind: 'case-event',
      schema: null,
      entityId: null,
      title: event.summary,
      participants: event.entity_ids.flatMap((id) => {
        const caption = visible.get(id);
        return caption === undefined ? [] : [{ id, caption }];
      }),
      sourceId: null,
      statementIds: [],
      caseEventKind: event.kind,
    });
  }
  // Each dated entity is read once for all the subjects, so a payment between two of them is one item.
  const timeline = arrange(items, filters, truncated);
  return { timeline, subjectIds: subjectsOf(anchors, timeline) };
}

/**
 * A case's timeline, for work already inside a transaction (the case file): the case's own
 * events and the timelines of its subjects, as the caller may see them. Not audited here.
 * @example const { items } = await loadCaseTimeline(tx, { caseId: 'C-2026-0001', from: '2024-01-01' });
 */
export async function loadCaseTimeline(tx: Ctx, input: { caseId: string } & TimelineFilters): Promise<Timeline> {
  return (await collectCaseTimeline(tx, input)).timeline;
}
