export { caseTimeline, entityTimeline } from './timeline.js';
export { loadCaseTimeline, type Timeline, type TimelineItem, type TimelineParticipant } from './load-timeline.js';
export { checkTimelineFilters, MAX_TIMELINE_ITEMS, timelineKinds, type TimelineFilters } from './timeline-filters.js';
