import type { Ctx } from '../context/context.js';
import { runWithPurpose } from '../context/purpose.js';
import { NotFound } from '../errors.js';
import { collectCaseTimeline, loadEntityTimeline, type Timeline } from './load-timeline.js';
import { checkTimelineFilters, type TimelineFilters } from './timeline-filters.js';

/**
 * An entity's timeline (consultation; purpose-bound): its own dates (birth, incorporation...) and
 * the payments, calls, trips, events and relationships it takes part in, across every record of
 * its cluster, as the caller may see them; filtered by kind and period, the rest counted.
 * @example const { items, notShown } = await entityTimeline(ctx, { entityId: 'p-1', types: ['payment'], from: '2024-01-01' });
 */
export async function entityTimeline(ctx: Ctx, input: { entityId: string } & TimelineFilters): Promise<Timeline> {
  checkTimelineFilters(input);
  return runWithPurpose(ctx, { action: 'entity.timeline', category: 'consultation', subjectIds: [input.entityId] }, async (tx) => {
    const { timeline, subjectIds } = await loadEntityTimeline(tx, input);
    // Nothing of the entity visible: answered as an entity that does not exist.
    if (subjectIds.length === 0) throw new NotFound(`entity ${input.entityId} not found`);
    return { value: timeline, subjectIds, detail: { total: timeline.total, shown: timeline.items.length } };
  });
}

/**
 * A case's timeline (consultation; purpose-bound): the case's own events and the timelines of all
 * its subjects, as the caller may see them; filtered by kind and period, the rest counted.
 * @example const { items } = await caseTimeline(ctx, { caseId: 'C-2026-0001', types: ['case-event', 'payment'] });
 */
export async function caseTimeline(ctx: Ctx, input: { caseId: string } & TimelineFilters): Promise<Timeline> {
  checkTimelineFilters(input);
  return runWithPurpose(ctx, { action: 'case.timeline', category: 'consultation' }, async (tx) => {
    const { timeline, subjectIds } = await collectCaseTimeline(tx, input);
    return { value: timeline, objectIds: [input.caseId], subjectIds, detail: { total: timeline.total, shown: timeline.items.length } };
  });
}
