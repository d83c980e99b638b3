export { buildApp, defaultWebRoot, type BuildAppOptions } from './build-app.js';
export { startServer, type RunningServer } from './main.js';
export { DEFAULT_MAX_IN_FLIGHT } from './plugins/admission.js';
export type { RoutePolicy, RouteEntry } from './plugins/route-policy.js';
export type { ErrorBody } from './plugins/errors.js';
export { VERSION } from './version.js';
export { WORKER_HEADER, type LiveRouteOptions } from './routes/live/live.routes.js';
export { readEventStream, type EventStreamFrame, type EventStreamReading } from './routes/live/event-stream-reader.js';
