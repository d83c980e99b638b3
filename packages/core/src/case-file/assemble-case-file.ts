import { sql, type ExpressionBuilder } from 'kysely';
import { caseNotFound, visibleCases } from '../access/authorize.js';
import type { Ctx } from '../context/context.js';
import { assembleVisibleEntities, mergeEntities, type Entity } from '../entities/get-entity.js';
import { findProperty, getSchema, isSchema } from '../model/ftm.js';
import type { Database } from '../store/schema.js';
import { chartAsSeen, checkChart, type LinkChartInput } from '../graph/link-charts.js';
import { loadNeighbourhood, NEIGHBOURHOOD_LIMITS } from '../graph/neighbourhood.js';
import { loadCaseTimeline } from '../timeline/load-timeline.js';
import { MAX_TIMELINE_ITEMS } from '../timeline/timeline-filters.js';
import { layoutChart, type ChartInput } from './chart-layout.js';
import type { CaseFileAuditEntry, CaseFileChart, CaseFileContent, CaseFileLinkedCase, CaseFileSubject } from './content.js';
import { formatTime } from './format.js';

/** The most nodes a link chart in a case file shows; the rest are counted as "N more not shown". */
export const CHART_NODE_CAP = 60;

/** The most audit events a case file lists; the rest are counted. */
export const AUDIT_ENTRY_CAP = 20_000;

/** A case file's content, with the data subjects and evidence files it discloses. */
export interface AssembledCaseFile {
  content: CaseFileContent;
  /** Every record id of every subject (the data subjects the disclosure is about). */
  subjectIds: string[];
  evidenceIds: string[];
}

/**
 * Reads everything a case file shows, as the context may see it, inside the caller's
 * transaction: the case and its team, its subjects with what is said about them and by which
 * source (only statements the exporter may see), timeline, link chart, notes, tasks, linked
 * cases the exporter may see, evidence with custody, and the case's audit trail (never its sealed
 * query terms). Access to the case itself is the caller's to check first.
 * @example const content = await assembleCaseFile(tx, { caseId: 'C-2026-0001', recipient: 'District prosecutor' });
 */
export async function assembleCaseFile(tx: Ctx, input: { caseId: string; recipient: string; reason?: string | null }): Promise<AssembledCaseFile> {
  const { caseId } = input;
  const row = await tx.db.selectFrom('cases').selectAll().where('id', '=', caseId).where(visibleCases(tx)).executeTakeFirst();
  if (row === undefined) throw caseNotFound(caseId);

  const team = await tx.db
    .selectFrom('case_members')
    .innerJoin('users', 'users.id', 'case_members.user_id')
    .select(['users.username', 'users.display_name', 'case_members.role', 'case_members.added_at'])
    .where('case_members.case_id', '=', caseId)
    .orderBy('case_members.added_at')
    .orderBy('users.username')
    .execute();
  const subjectRows = await tx.db.selectFrom('case_subjects').selectAll().where('case_id', '=', caseId).orderBy('added_at').orderBy('entity_id').execute();
  const events = await tx.db.selectFrom('case_events').select(['at', 'kind', 'actor_id', 'summary']).where('case_id', '=', caseId).orderBy('at').orderBy('id').execute();
  const notes = await tx.db.selectFrom('case_notes').select(['author_id', 'created_at', 'body']).where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
  const tasks = await tx.db.selectFrom('case_tasks').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
  const files = await tx.db.selectFrom('evidence_files').selectAll().where('case_id', '=', caseId).orderBy('uploaded_at').orderBy('id').execute();
  const custody =
    files.length === 0
      ? []
      : await tx.db
          .selectFrom('evidence_custody')
          .select(['evidence_id', 'event', 'actor_id', 'at', 'detail'])
          .where(
            'evidence_id',
            'in',
            files.map((f) => f.id),
          )
          .orderBy('at')
          .orderBy('id')
          .execute();
  // The case's trail: events made under it, and events about it made under no case (opening it,
  // changing its team), which name it among their objects.
  const aboutCase = (eb: ExpressionBuilder<Database, 'audit_events'>) =>
    eb.or([eb('case_id', '=', caseId), eb.and([eb('case_id', 'is', null), sql<boolean>`${eb.ref('object_ids')} @> ${sql.val([caseId])}::text[]`])]);
  const auditRows = await tx.db
    .selectFrom('audit_events')
    .select(['at', 'actor_id', 'category', 'action', 'outcome'])
    .where(aboutCase)
    .orderBy('seq')
    .limit(AUDIT_ENTRY_CAP)
    .execute();
  const audited = await tx.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(aboutCase)
    .executeTakeFirstOrThrow();

  const sources = await tx.db.selectFrom('sources').select(['id', 'name']).execute();
  const sourceName = new Map(sources.map((source) => [source.id, source.name]));
  const subjects = await subjectsOf(tx, subjectRows, sourceName);
  // Dated records about the subjects (payments, calls, trips...); the case's own events come from case_events, with who acted.
  const timeline = await loadCaseTimeline(tx, { caseId, limit: MAX_TIMELINE_ITEMS });
  const records = { items: timeline.items.filter((item) => item.kind !== 'case-event'), notShown: timeline.notShown };
  const chart = await chartOf(tx, caseId, subjects);
  const linkedCases = await linkedCasesOf(tx, caseId);

  const names = await usernames(tx, [
    tx.actor.userId,
    row.owner_id,
    ...(row.closed_by === null ? [] : [row.closed_by]),
    ...events.map((e) => e.actor_id),
    ...notes.map((n) => n.author_id),
    ...tasks.flatMap((t) => (t.assignee_id === null ? [] : [t.assignee_id])),
    ...files.map((f) => f.uploaded_by),
    ...custody.map((c) => c.actor_id),
    ...auditRows.map((a) => a.actor_id),
  ]);
  const nameOf = (id: string) => names.get(id) ?? id;
  const audit: CaseFileAuditEntry[] = auditRows.map((a) => ({ at: a.at, actor: nameOf(a.actor_id), category: a.category, action: a.action, outcome: a.outcome }));

  const content: CaseFileContent = {
    recipient: input.recipient,
    reason: input.reason ?? null,
    exportedAt: tx.now(),
    exportedBy: nameOf(tx.actor.userId),
    case: {
      id: row.id,
      title: row.title,
      status: row.status,
      disposition: row.disposition,
      purpose: row.purpose,
      organisation: row.organisation,
      owner: nameOf(row.owner_id),
      markings: row.markings,
      template: row.template,
      fields: row.fields,
      summary: row.summary,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      closedAt: row.closed_at,
      closedBy: row.closed_by === null ? null : nameOf(row.closed_by),
      retentionUntil: row.retention_until,
      legalHold: row.legal_hold,
    },
    team: team.map((m) => ({ username: m.username, displayName: m.display_name, role: m.role, addedAt: m.added_at })),
    subjects: subjects.map(({ recordIds: _records, ...subject }) => subject),
    timeline: [
      ...events.map((e) => ({ key: e.at.toISOString(), entry: { when: formatTime(e.at), kind: e.kind, who: nameOf(e.actor_id), summary: e.summary, source: '' } })),
      ...records.items.map((item) => ({
        key: item.at,
        entry: {
          when: item.end === undefined ? item.at : `${item.at} to ${item.end}`,
          kind: item.schema !== null && isSchema(item.schema) ? getSchema(item.schema).label : item.kind,
          who: item.participants.map((p) => p.caption).join(', '),
          summary: item.title,
          source: item.sourceId === null ? '' : (sourceName.get(item.sourceId) ?? item.sourceId),
        },
      })),
    ]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((t) => t.entry),
    timelineMore: records.notShown,
    chart,
    notes: notes.map((n) => ({ author: nameOf(n.author_id), createdAt: n.created_at, body: n.body })),
    tasks: tasks.map((t) => ({
      title: t.title,
      description: t.description,
      status: t.status,
      assignee: t.assignee_id === null ? null : nameOf(t.assignee_id),
      dueDate: t.due_date === null ? null : String(t.due_date).slice(0, 10),
      createdAt: t.created_at,
      completedAt: t.completed_at,
    })),
    linkedCases,
    evidence: files.map((f) => ({
      id: f.id,
      fileName: f.file_name,
      contentType: f.content_type,
      size: Number(f.size),
      sha256: f.sha256,
      description: f.description,
      uploadedBy: nameOf(f.uploaded_by),
      uploadedAt: f.uploaded_at,
      custody: custody.filter((c) => c.evidence_id === f.id).map((c) => ({ event: c.event, actor: nameOf(c.actor_id), at: c.at, detail: c.detail })),
    })),
    audit,
    auditMore: Math.max(Number(audited.n) - audit.length, 0),
  };
  return { content, subjectIds: [...new Set(subjects.flatMap((s) => s.recordIds))], evidenceIds: files.map((f) => f.id) };
}

/** Usernames by user id; ids without a user row (the local operator) stay as they are. */
async function usernames(tx: Ctx, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await tx.db.selectFrom('users').select(['id', 'username']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.username]));
}

/** The caption FtM would show: the first name-like value, else the id. */
export function captionOf(entity: Entity): string {
  for (const property of ['name', 'title', 'registrationNumber', 'full', 'number', 'email', 'phone']) {
    const value = entity.properties[property]?.[0]?.value;
    if (value !== undefined) return value;
  }
  return entity.id;
}

/** Each case subject as its cluster, with every value the exporter may see and its source's name. */
async function subjectsOf(
  tx: Ctx,
  rows: ReadonlyArray<{ entity_id: string; category: string; note: string; added_at: Date }>,
  sourceName: ReadonlyMap<string, string>,
): Promise<Array<CaseFileSubject & { recordIds: string[] }>> {
  if (rows.length === 0) return [];
  const canonical = rows.map((r) => r.entity_id);
  const clustered = await tx.db.selectFrom('entity_clusters').select(['entity_id', 'cluster_id']).where('cluster_id', 'in', canonical).execute();
  const membersOf = new Map<string, string[]>(canonical.map((id) => [id, [id]]));
  for (const c of clustered) {
    const list = membersOf.get(c.cluster_id);
    if (list !== undefined && !list.includes(c.entity_id)) list.push(c.entity_id);
  }
  const entities = await assembleVisibleEntities(tx, [...new Set([...membersOf.values()].flat())]);
  const byId = new Map(entities.map((e) => [e.id, e]));
  return rows.map((r) => {
    const members = (membersOf.get(r.entity_id) ?? [r.entity_id]).flatMap((id) => byId.get(id) ?? []);
    const base = { entityId: r.entity_id, category: r.category, note: r.note, addedAt: r.added_at, recordIds: membersOf.get(r.entity_id) ?? [r.entity_id] };
    if (members.length === 0) return { ...base, caption: r.entity_id, schema: 'Thing', visible: false, properties: [] };
    const entity = mergeEntities(r.entity_id, members);
    const schema = isSchema(entity.schema) ? getSchema(entity.schema) : null;
    const properties = Object.entries(entity.properties)
      .map(([property, values]) => {
        const seen = new Set<string>();
        const shown = values
          .map((v) => ({ value: v.value, source: sourceName.get(v.source) ?? v.source }))
          .filter((v) => {
            const key = `${v.value}\u0000${v.source}`;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          });
        return { property, label: (schema === null ? undefined : findProperty(schema, property)?.label) ?? property, values: shown };
      })
      // The name comes first, then the rest by label.
      .sort((a, b) => (a.property === 'name' ? -1 : b.property === 'name' ? 1 : a.label.localeCompare(b.label)));
    return { ...base, caption: captionOf(entity), schema: entity.schema, visible: true, properties };
  });
}

/** The case's most recently saved link chart, else the neighbourhood of its visible subjects. */
async function chartOf(tx: Ctx, caseId: string, subjects: ReadonlyArray<CaseFileSubject & { recordIds: string[] }>): Promise<CaseFileChart> {
  const saved = await tx.db.selectFrom('link_charts').select(['name', 'chart']).where('case_id', '=', caseId).orderBy('updated_at', 'desc').orderBy('id').executeTakeFirst();
  const subjectIds = new Set(subjects.map((s) => s.entityId));
  if (saved !== undefined) {
    const parsed = await savedChart(tx, saved.name, saved.chart, subjectIds);
    if (parsed !== null) return layoutChart(parsed);
  }
  const visible = subjects.filter((s) => s.visible).slice(0, NEIGHBOURHOOD_LIMITS.ids);
  if (visible.length === 0) return layoutChart({ name: null, nodes: [], edges: [], more: 0 });
  const records = new Set(visible.flatMap((s) => [s.entityId, ...s.recordIds]));
  const graph = await loadNeighbourhood(tx, { ids: visible.map((s) => s.entityId), hops: 1, limit: CHART_NODE_CAP });
  return layoutChart({
    name: null,
    // The graph counts the links it left out; the chart says how many.
    more: graph.more.notShown,
    nodes: graph.nodes.map((n) => ({ id: n.id, caption: n.caption, schema: n.schema, subject: records.has(n.id) || n.ids.some((id) => records.has(id)) })),
    edges: graph.edges.map((e) => ({ source: e.source, target: e.target, label: e.label })),
  });
}

/**
 * A saved chart as the exporter may see it now (through the chart reader the link chart uses):
 * nodes they may not see are left out with their edges, and edges are only those they may see;
 * a chart with no node left is ignored.
 */
async function savedChart(tx: Ctx, name: string, raw: unknown, subjectIds: ReadonlySet<string>): Promise<ChartInput | null> {
  let saved: LinkChartInput;
  try {
    saved = checkChart(typeof raw === 'string' ? safeJson(raw) : raw);
  } catch {
    return null;
  }
  const seen = await chartAsSeen(tx, saved);
  if (seen.nodes.length === 0) return null;
  const capped = seen.nodes.slice(0, CHART_NODE_CAP);
  const ids = new Set(capped.map((n) => n.id));
  return {
    name,
    more: seen.nodes.length - capped.length,
    nodes: capped.map((n) => ({ id: n.id, caption: n.caption, schema: n.schema, subject: subjectIds.has(n.id), x: n.x, y: n.y })),
    edges: seen.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ source: e.source, target: e.target, label: e.label })),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const INVERSE_RELATION: Record<string, string> = { related: 'related', duplicate: 'duplicate', parent: 'child', child: 'parent', 'follow-up': 'followed up by' };

/** Cases linked to this one, either way round, that the exporter may see. */
async function linkedCasesOf(tx: Ctx, caseId: string): Promise<CaseFileLinkedCase[]> {
  const outgoing = await tx.db
    .selectFrom('case_links')
    .innerJoin('cases', 'cases.id', 'case_links.linked_case_id')
    .select(['cases.id', 'cases.title', 'cases.status', 'case_links.relation', 'case_links.note'])
    .where('case_links.case_id', '=', caseId)
    .where(visibleCases(tx))
    .execute();
  const incoming = await tx.db
    .selectFrom('case_links')
    .innerJoin('cases', 'cases.id', 'case_links.case_id')
    .select(['cases.id', 'cases.title', 'cases.status', 'case_links.relation', 'case_links.note'])
    .where('case_links.linked_case_id', '=', caseId)
    .where(visibleCases(tx))
    .execute();
  const links = [...outgoing, ...incoming.map((l) => ({ ...l, relation: INVERSE_RELATION[l.relation] ?? l.relation }))];
  const seen = new Set<string>();
  return links
    .filter((l) => (seen.has(l.id) ? false : (seen.add(l.id), true)))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((l) => ({ id: l.id, title: l.title, status: l.status, relation: l.relation, note: l.note }));
}
