export { LIVE_CHANNEL, LIVE_EVENT_KINDS, livePayload, parseLiveEvent, publishLive, REVIEW_QUEUE_ROLES, type LiveEvent } from './live-events.js';
export { endedSessions, usersWhoMayReadCase } from './live-audience.js';
export type { ListenerState, Unlisten } from './store-listener.js';
